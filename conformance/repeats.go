package conformance

import (
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
)

// answeredRepeat finds, in session sess of w's trace, a message delivered
// a second time to the same recipient (byte for byte: a duplicate, a
// retransmission's held original) that its recipient accepted again: it
// answered it without refusing it, and not with exactly what it answered
// the first delivery. R1.2 lets a repeat in the same session get a
// refusal, nothing at all (a receiver that ignores it, as a card that
// already closed its session treats a second DONE), or the first reply
// again byte for byte (an idempotent resend, which makes nothing new);
// any other answer is a second acceptance. It returns the repeat's
// delivery and whether there is one.
func answeredRepeat(w *world.World, sess uint64) (world.Event, bool) {
	type seen struct {
		to   world.PartyID
		hash string
	}
	type reply struct {
		to        world.PartyID
		typ, hash string
		length    int
	}
	var got []seen
	first := map[seen][]reply{} // what the recipient answered the first delivery
	evs := w.Trace().Events()
	for i, e := range evs {
		if e.Session != sess || e.Kind != world.KindDeliver || e.To == world.Relayer {
			continue
		}
		// What the recipient did with the delivery: the events up to the
		// next delivery.
		refused := false
		var answers []reply
		for _, f := range evs[i+1:] {
			if f.Session != sess || f.Kind == world.KindDeliver {
				break
			}
			switch {
			case f.Kind == world.KindReject && f.To == e.To:
				refused = true
			case f.Kind == world.KindSend && f.From == e.To:
				answers = append(answers, reply{f.To, f.Type, f.Hash, f.Len})
			}
		}
		k := seen{e.To, e.Hash}
		if !slices.Contains(got, k) {
			got = append(got, k)
			first[k] = answers
			continue
		}
		if len(answers) > 0 && !refused && !slices.Equal(answers, first[k]) {
			return e, true
		}
	}
	return world.Event{}, false
}
