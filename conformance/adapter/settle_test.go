package adapter

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingWriter stands for the ring: it keeps what it is given, taking
// delay for each write (a harness slower than the process writes).
type countingWriter struct {
	delay time.Duration
	mu    sync.Mutex
	buf   bytes.Buffer
}

func (w *countingWriter) Write(p []byte) (int, error) {
	time.Sleep(w.delay)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 1<<20 {
		w.buf.Reset()
	}
	return w.buf.Write(p)
}

func (w *countingWriter) contains(s string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Contains(w.buf.Bytes(), []byte(s))
}

// pumpPipe runs a stderrPump over a fresh pipe and returns its write end,
// the settle step of SettleStderr over it, what the pump copied, and
// whether the pipe's fill level is known here.
func pumpPipe(t *testing.T, delay time.Duration) (*os.File, func(), *countingWriter, bool) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var s stderrPump
	out := &countingWriter{delay: delay}
	done := make(chan struct{})
	go func() { s.run(r, out); close(done) }()
	t.Cleanup(func() { w.Close(); <-done; r.Close() })
	settle := func() {
		s.waitPut(s.inFlight(func() int64 { return int64(max(pipePending(r), 0)) }), SettleStderrMax)
	}
	return w, settle, out, pipePending(r) >= 0
}

// TestSettleStderrNoFixedWait: with nothing in flight, or with a process
// that keeps the pipe full while the harness copies slowly, settling
// costs no fixed wait per call: it waits only for the bytes written
// before it (a pipe's worth), not for the pipe to run dry (which the
// flood never lets happen: every call would take SettleStderrMax).
func TestSettleStderrNoFixedWait(t *testing.T) {
	const calls = 20
	w, settle, _, known := pumpPipe(t, time.Millisecond)
	start := time.Now()
	for range calls {
		settle()
	}
	if d := time.Since(start); d > calls*SettleStderrMax/10 {
		t.Errorf("%d settles with nothing in flight took %v", calls, d)
	}
	if !known {
		return // the pipe's fill level is unknown: only the pump's bytes are waited for
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a chatty process: stderr all the time
		defer wg.Done()
		chunk := []byte(strings.Repeat("x", 4095) + "\n")
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}()
	time.Sleep(10 * time.Millisecond) // the pipe fills
	start = time.Now()
	for range calls {
		settle()
	}
	d := time.Since(start)
	close(stop)
	wg.Wait()
	if d > calls*SettleStderrMax/3 {
		t.Errorf("%d settles under a stderr flood took %v (bound %v each)", calls, d, SettleStderrMax)
	}
}

// TestSettleStderrAttributes: what was written before a settle is copied
// when it returns.
func TestSettleStderrAttributes(t *testing.T) {
	w, settle, out, known := pumpPipe(t, 0)
	if !known {
		t.Skip("the pipe's fill level is unknown on this system")
	}
	for i := range 200 {
		line := fmt.Sprintf("case %d decided\n", i)
		if _, err := w.WriteString(line); err != nil {
			t.Fatal(err)
		}
		settle()
		if !out.contains(line) {
			t.Fatalf("after settling, %q is not copied", line)
		}
	}
}
