package main

import (
	"io"
	"os"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal (a character device); the
// progress bars are drawn only then, so logs and pipes stay clean.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress draws one bar on stderr while a phase runs; a nil *progress
// (stderr not a terminal) draws nothing and every method is a no-op.
type progress struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

// newProgress starts a bar of total steps named name on w, or returns
// nil when w is not a terminal. A total of 0 draws a spinner.
func newProgress(w io.Writer, name string, total int) *progress {
	if !isTerminal(w) {
		return nil
	}
	return startProgress(w, name, total)
}

func startProgress(w io.Writer, name string, total int, opts ...mpb.ContainerOption) *progress {
	p := mpb.New(append([]mpb.ContainerOption{mpb.WithOutput(w), mpb.WithWidth(40)}, opts...)...)
	if total <= 0 {
		return &progress{p: p, bar: p.New(0, mpb.SpinnerStyle(),
			mpb.PrependDecorators(decor.Name(name+" ")),
			mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))}
	}
	return &progress{p: p, bar: p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name(name+" "), decor.CountersNoUnit("%d/%d ")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.Elapsed(decor.ET_STYLE_GO)))}
}

// Increment counts one step; safe for concurrent use.
func (pr *progress) Increment() {
	if pr != nil {
		pr.bar.Increment()
	}
}

// Done completes the bar at its current count and waits until it is
// drawn, so nothing written afterwards interleaves with it.
func (pr *progress) Done() {
	if pr == nil {
		return
	}
	pr.bar.SetTotal(-1, true)
	pr.p.Wait()
}
