package bank

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// heldSet is a HeldSet of instances, logging removals.
type heldSet struct {
	held    map[Instance]bool
	removed []Instance
	base    uint64 // Removals when it was last "read whole": it cannot tell before
}

func (s *heldSet) Holds(i Instance) bool { return s.held[i] }
func (s *heldSet) Removals() uint64      { return uint64(len(s.removed)) }
func (s *heldSet) RemovedSince(n uint64) ([]Instance, bool) {
	if n < s.base {
		return nil, false
	}
	return s.removed[n:], true
}

// TestMailKeptIsMail: MailKept, which looks again only at what was mail
// and what was registered since while the set lost no coin, returns what
// Mail returns with every instance the set holds in have, after every
// step of seeded random sequences: a payer's record paying the holder a
// coin (whole or in part), the holder's set gaining a coin paid to it or
// losing one it holds (telling which, or not), the holder spending a
// coin, a second set (a clone presenting the same id) read in turn, and
// instances held besides (have). It fails when the incremental look misses mail.
func TestMailKeptIsMail(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	for trial := range 6 {
		f := newFixture(t, suite.Default())
		reg := f.cb.Registry()
		coins := f.withdraw(t, walletA, 40_000)
		sets := []*heldSet{{held: map[Instance]bool{}}, {held: map[Instance]bool{}}}
		set := sets[0]
		counter := uint64(100)
		paid := []Instance{} // outputs paid to the holder
		for step := range 40 {
			op := rng.IntN(7)
			switch {
			case op <= 1 && len(coins) > 0:
				h := coins[0]
				coins = coins[1:]
				v := statedValue(h)
				amount := v
				if rng.IntN(2) == 0 && v > 1 {
					amount = 1 + rng.Int64N(v-1)
				}
				counter++
				rec := f.record(t, h, walletA, walletB, amount, counter)
				f.add(t, h, rec)
				for _, o := range rec.Outputs {
					if o.Holder == walletB {
						paid = append(paid, Instance{Creator: rec.ID(), Serial: o.Serial})
					}
				}
			case op == 2 && len(paid) > 0:
				set.held[paid[rng.IntN(len(paid))]] = true
			case op == 3 && len(set.held) > 0:
				held := slices.SortedFunc(maps.Keys(set.held), func(a, b Instance) int { return cmpInstance(a, b) })
				gone := held[rng.IntN(len(held))]
				delete(set.held, gone)
				set.removed = append(set.removed, gone)
			case op == 4 && len(paid) > 0:
				inst := paid[rng.IntN(len(paid))]
				if reg.Spent(inst) {
					break
				}
				h := reg.children[inst]
				counter++
				f.add(t, h, f.record(t, h, walletB, walletA, statedValue(h), counter))
			case op == 5:
				set = sets[rng.IntN(2)]
			case op == 6 && len(set.held) > 0:
				// Read whole (a Core after a rollback): it lost a coin
				// and cannot tell which.
				held := slices.SortedFunc(maps.Keys(set.held), func(a, b Instance) int { return cmpInstance(a, b) })
				delete(set.held, held[rng.IntN(len(held))])
				set.removed = append(set.removed, Instance{})
				set.base = uint64(len(set.removed))
			}
			have := map[Instance]bool{}
			if len(paid) > 0 && rng.IntN(3) == 0 {
				have[paid[rng.IntN(len(paid))]] = true
			}
			all := maps.Clone(have)
			for i := range set.held {
				all[i] = true
			}
			want := reg.Mail(walletB, all)
			got := reg.MailKept(walletB, set, have)
			if diff := cmp.Diff(holdingBytes(want), holdingBytes(got)); diff != "" {
				t.Fatalf("trial %d, step %d (op %d): MailKept (-Mail +MailKept):\n%s", trial, step, op, diff)
			}
		}
	}
}

func cmpInstance(a, b Instance) int {
	if c := slices.Compare(a.Creator[:], b.Creator[:]); c != 0 {
		return c
	}
	return slices.Compare(a.Serial[:], b.Serial[:])
}

func holdingBytes(hs []*transfer.Holding) []string {
	var out []string
	for _, h := range hs {
		out = append(out, string(h.Marshal()))
	}
	return out
}
