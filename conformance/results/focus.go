package results

import (
	"fmt"
	"io"

	"github.com/dualoffline/dualoffline/models/world"
)

// Focus resolves where a reader should look in cx.Trace: the index of the
// first event of the run under test and the index of the event after
// which the property broke (both into cx.Trace; -1 when the trace is
// empty).
//
// The run starts at RunFrom when the property named it
// (conformance.T.Witness), else at the first event of the last session
// that began at or before the break, else at the first event. The break
// is BrokeAt, else the last event. The run never starts after the break.
// Seq numbers outside the trace (it may have been cut to its last
// events) are clamped into it.
func (cx *Counterexample) Focus() (run, broke int) {
	n := len(cx.Trace)
	if n == 0 {
		return -1, -1
	}
	index := func(seq int) int { // the last event with Seq ≤ seq, or 0
		i := 0
		for j, e := range cx.Trace {
			if e.Seq > seq {
				break
			}
			i = j
		}
		return i
	}
	broke = n - 1
	if cx.BrokeAt > 0 {
		broke = index(cx.BrokeAt)
	}
	switch {
	case cx.RunFrom > 0:
		run = index(cx.RunFrom)
		if cx.Trace[run].Seq < cx.RunFrom && run < n-1 {
			run++ // RunFrom is the first event after the named point
		}
	default:
		run = 0
		for i := broke; i >= 0; i-- {
			if s := cx.Trace[i].Session; s != 0 {
				run = i
				for run > 0 && cx.Trace[run-1].Session == s {
					run--
				}
				break
			}
		}
	}
	return min(run, broke), broke
}

// Bookkeeping reports whether e is a device's bookkeeping (a store write,
// a snapshot, a device added) rather than a step of the protocol; reports
// fold such events away from the run under test.
func Bookkeeping(e world.Event) bool {
	switch e.Kind {
	case world.KindPersist, world.KindSnapshot, world.KindDevice:
		return true
	}
	return false
}

// WriteTrace writes cx's trace for a terminal, leading with what matters:
// it counts the setup events before the run under test instead of
// printing them, prints at most maxEvents events of the run (those up to
// and around the break), one a line after indent, and marks the event
// after which the property broke.
func (cx *Counterexample) WriteTrace(w io.Writer, maxEvents int, indent string) {
	run, broke := cx.Focus()
	if run < 0 {
		return
	}
	n := len(cx.Trace)
	from, to := run, n
	if maxEvents > 0 && to-from > maxEvents {
		// Keep the break and what led to it; a few events after it.
		to = min(n, broke+1+maxEvents/8)
		from = max(run, to-maxEvents)
	}
	if run > 0 {
		fmt.Fprintf(w, "%s(%d setup events before the run under test not shown, #%d–#%d)\n", indent, run, cx.Trace[0].Seq, cx.Trace[run-1].Seq)
	}
	if from > run {
		fmt.Fprintf(w, "%s(%d events of the run not shown)\n", indent, from-run)
	}
	for i := from; i < to; i++ {
		e := cx.Trace[i]
		mark := ""
		if i == broke {
			mark = "   ◀ the property broke here"
		}
		fmt.Fprintf(w, "%s%4d %-8s %s→%s %s %s %s %s%s\n", indent, e.Seq, e.Kind, e.From, e.To, e.Type, e.Fault, e.Code, e.Detail, mark)
	}
	if to < n {
		fmt.Fprintf(w, "%s(%d later events not shown)\n", indent, n-to)
	}
}
