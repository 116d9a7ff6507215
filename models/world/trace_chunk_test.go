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
