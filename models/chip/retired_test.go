package chip

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// retiredByScan is SE.retired read off every coin held (its oracle for
// the holder index; the signers of what the card keeps are SE.keptSigners
// in both): the store entries of the pseudonyms that hold no coin and
// signed nothing the card still keeps.
func retiredByScan(se *SE) []string {
	keep := se.keptSigners()
	for _, h := range se.Held {
		keep[h.Claimed().Holder] = true
	}
	var out []string
	for _, p := range slices.Sorted(maps.Keys(se.pcerts)) {
		if !keep[p] {
			out = append(out, prefPKey+p, prefPCert+p)
		}
	}
	return out
}

// TestRetiredIsTheScan: the pseudonyms a sync retires, asked of the coins
// held by holder (kit.Core.HoldsAny), are those a scan of every coin held
// retires, after every step of random payments, syncs, top-ups and power
// cycles of two cards paying each other; and the card's pseudonym table
// (loadPseudonyms, rebuilt only when the store's names changed) is the
// store's.
func TestRetiredIsTheScan(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		inst, err := Scheme{}.New(world.New(rapid.Uint64().Draw(rt, "seed")), models.Config{Wallets: 2})
		if err != nil {
			rt.Fatal(err)
		}
		in := inst.(*Instance)
		ws := in.Wallets()
		for _, id := range ws {
			if err := in.Fund(id, 3000); err != nil {
				rt.Fatal(err)
			}
		}
		for i := range rapid.IntRange(1, 12).Draw(rt, "steps") {
			who := rapid.IntRange(0, 1).Draw(rt, "who")
			id, other := ws[who], ws[1-who]
			var err error
			switch step := rapid.IntRange(0, 3).Draw(rt, "step"); step {
			case 0:
				_, err = in.Pay(id, other, rapid.Int64Range(1, 1500).Draw(rt, "amount"), nil)
			case 1:
				err = in.Reconcile(id)
			case 2:
				err = in.Fund(id, rapid.Int64Range(1, 3000).Draw(rt, "fund"))
			case 3:
				in.Restart(id)
			}
			if err != nil {
				rt.Fatalf("step %d: %v", i, err)
			}
			for _, w := range ws {
				se, err := in.Inside(w)
				if err != nil {
					rt.Fatal(err)
				}
				if diff := cmp.Diff(retiredByScan(se), se.retired()); diff != "" {
					rt.Fatalf("step %d, %s: retired (-want +got):\n%s", i, w, diff)
				}
				var names []string
				for _, k := range se.Dev.Keys(prefPCert) {
					names = append(names, k[len(prefPCert):])
				}
				if diff := cmp.Diff(names, slices.Sorted(maps.Keys(se.pcerts))); diff != "" {
					rt.Fatalf("step %d, %s: pseudonym table (-want +got):\n%s", i, w, diff)
				}
			}
		}
	})
}
