package conformance

import (
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
)

// answeredRepeat finds, in session sess of w's trace, a message delivered
// a second time to the same recipient (byte for byte: a duplicate, a
// retransmission's held original) that its recipient used again: it did
// not refuse it, and it either answered with something other than what
// it answered the first delivery or wrote to its store while handling
// it. R1.2 lets a repeat in the same session get a refusal, nothing at
// all (a receiver that ignores it, as a card that already closed its
// session treats a second DONE), or the first reply again byte for byte
// (an idempotent resend); ignoring and resending make nothing new, so
// neither may write: a write is a second use (a counter or a store moved
// by the copy). It returns the repeat's delivery and whether there is one.
func answeredRepeat(w *world.World, sess uint64) (world.Event, bool) {
	type seen struct {
		to   world.PartyID
		hash string
	}
	type reply struct {
		to        world.PartyID
		typ, hash string
	}
	first := map[seen][]reply{} // what the recipient answered the first delivery
	evs := w.Trace().Events()
	for i, e := range evs {
		if e.Session != sess || e.Kind != world.KindDeliver || e.To == world.Relayer {
			continue
		}
		// What the recipient did with the delivery: the events up to the
		// next delivery.
		refused, wrote := false, false
		var answers []reply
		for _, f := range evs[i+1:] {
			if f.Session != sess || f.Kind == world.KindDeliver {
				break
			}
			switch {
			case f.Kind == world.KindReject && f.To == e.To:
				refused = true
			case f.Kind == world.KindSend && f.From == e.To:
				answers = append(answers, reply{f.To, f.Type, f.Hash})
			case f.Kind == world.KindPersist && f.From == e.To:
				wrote = true
			}
		}
		k := seen{e.To, e.Hash}
		was, again := first[k]
		if !again {
			first[k] = answers
			continue
		}
		if !refused && (wrote || len(answers) > 0 && !slices.Equal(answers, was)) {
			return e, true
		}
	}
	return world.Event{}, false
}
