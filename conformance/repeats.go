package conformance

import (
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
)

// answeredRepeat finds, in session sess of w's trace, a message delivered
// a second time to the same recipient (byte for byte: a duplicate, a
// retransmission's held original) that its recipient answered instead of
// refusing: R1.2 has a message accepted once rejected when delivered
// again in the same session. A repeat the recipient ignores (no refusal
// and no answer, as a card that already closed its session treats a
// second DONE) accepts nothing. It returns the repeat's delivery and
// whether there is one.
func answeredRepeat(w *world.World, sess uint64) (world.Event, bool) {
	type seen struct {
		to   world.PartyID
		hash string
	}
	var got []seen
	evs := w.Trace().Events()
	for i, e := range evs {
		if e.Session != sess || e.Kind != world.KindDeliver || e.To == world.Relayer {
			continue
		}
		k := seen{e.To, e.Hash}
		if !slices.Contains(got, k) {
			got = append(got, k)
			continue
		}
		// What the recipient did with the repeat: the events up to the
		// next delivery.
		refused, answered := false, false
		for _, f := range evs[i+1:] {
			if f.Session != sess || f.Kind == world.KindDeliver {
				break
			}
			switch {
			case f.Kind == world.KindReject && f.To == e.To:
				refused = true
			case f.Kind == world.KindSend && f.From == e.To:
				answered = true
			}
		}
		if answered && !refused {
			return e, true
		}
	}
	return world.Event{}, false
}
