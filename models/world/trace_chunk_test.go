package world

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTraceChunks: a trace held in chunks (traceChunk events each) gives
// its events in order, numbered densely from 1, whole, across chunk
// boundaries and as copies: the empty trace as nil (its JSON "null", as
// before), one event, a chunk exactly full, and a chunk and more.
func TestTraceChunks(t *testing.T) {
	for _, n := range []int{0, 1, traceChunk - 1, traceChunk, 2*traceChunk + 3} {
		w := New(1)
		tr := &Trace{w: w}
		var want []Event
		for i := range n {
			e := Event{Kind: KindNote, Detail: fmt.Sprint(i)}
			tr.add(e)
			e.Seq = i + 1
			want = append(want, e)
		}
		got := tr.Events()
		if tr.Len() != n || len(got) != n {
			t.Fatalf("%d events added: Len %d, Events %d", n, tr.Len(), len(got))
		}
		if n == 0 && got != nil {
			t.Fatalf("an empty trace's events are %#v, want nil", got)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%d events (-added +Events):\n%s", n, d)
		}
		if n > 0 {
			got[0].Detail = "changed"
			if tr.Events()[0].Detail == "changed" {
				t.Fatal("Events hands out the trace's own events")
			}
		}
	}
}

// TestTraceKeep: a trace bounded by Keep holds at least the last n events
// and fewer than n + 2 chunks, gives the events held as the unbounded
// trace has them (their Seq, in order), and Tail gives the last ones
// held; Len counts every event recorded.
func TestTraceKeep(t *testing.T) {
	const keep = 3000
	for _, n := range []int{0, 1, keep, traceChunk, traceChunk + keep, 5*traceChunk + 17} {
		w := New(1)
		whole, kept := &Trace{w: w}, &Trace{w: w}
		kept.Keep(keep)
		for i := range n {
			e := Event{Kind: KindNote, Detail: fmt.Sprint(i)}
			whole.add(e)
			kept.add(e)
		}
		all, got := whole.Events(), kept.Events()
		if kept.Len() != n {
			t.Fatalf("%d events added: Len %d", n, kept.Len())
		}
		if len(got) < min(n, keep) || len(got) >= keep+2*traceChunk {
			t.Fatalf("%d events added, Keep(%d): %d held", n, keep, len(got))
		}
		if d := cmp.Diff(all[len(all)-len(got):], got); d != "" {
			t.Fatalf("%d events, the held (-whole +kept):\n%s", n, d)
		}
		if d := cmp.Diff(all[max(0, n-keep):], kept.Tail(keep)); d != "" {
			t.Fatalf("%d events, Tail(%d) (-whole +kept):\n%s", n, keep, d)
		}
	}
}
