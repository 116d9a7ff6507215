package world

import "testing"

// BenchmarkTraceAdd adds the events of one world's trace: a property's
// case (300 events, most worlds) and the anonymity game's stream (a
// million), from an empty trace each time.
func BenchmarkTraceAdd(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
	}{{"case-300", 300}, {"stream-1M", 1 << 20}} {
		b.Run(bc.name, func(b *testing.B) {
			w := New(1)
			e := Event{Kind: KindPersist, From: "wallet-A", Detail: "h/abc=0123456789abcdef"}
			for b.Loop() {
				t := &Trace{w: w}
				for range bc.n {
					t.add(e)
				}
				if t.Len() != bc.n {
					b.Fatal(t.Len())
				}
			}
		})
	}
}
