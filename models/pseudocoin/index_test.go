package pseudocoin

import (
	"fmt"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestStoreIndexFollowsStore: the element's store index, brought up to
// date by the device's change log, is at every step what reading the
// whole store gives (an index built anew): through payments,
// reconciliations, a rollback, a rewritten and an unparseable holding, and
// more paid and seen keys than the element remembers.
func TestStoreIndexFollowsStore(t *testing.T) {
	sc, err := Scheme{}.New(world.New(1), models.Config{Suite: suite.Default(), Wallets: 4, Opening: 100_000_000})
	if err != nil {
		t.Fatal(err)
	}
	in := sc.(*Instance)
	ws := in.Wallets()
	rng := detrand.New(7, "store index")
	type summary struct {
		Held, Exchange, PaidAge, SeenKeys []string
		Paid, Seen                        map[string]string
		SeenN                             map[string]int
	}
	sum := func(ix *storeIndex) summary {
		var age []string
		for _, p := range ix.paidAge {
			age = append(age, p.at+" "+p.key)
		}
		return summary{ix.heldKeys, ix.exchange, age, ix.seenKeys, ix.paid, ix.seen, ix.seenN}
	}
	check := func(step string) {
		t.Helper()
		for _, p := range ws {
			e := in.elementMust(t, p)
			got := sum(e.index())
			delete(in.stores, p)
			want := sum(e.index())
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s: %s's index (-want +got):\n%s", step, p, diff)
			}
			var wantEx []string
			for _, h := range e.holdings() {
				if h.h.Bundle == nil || h.h.Value() != bundleSize {
					wantEx = append(wantEx, h.name)
				}
			}
			var gotEx []string
			for _, h := range e.exchanged(false) {
				gotEx = append(gotEx, h.name)
			}
			if diff := cmp.Diff(wantEx, gotEx); diff != "" {
				t.Fatalf("%s: %s's holdings to exchange (-want +got):\n%s", step, p, diff)
			}
		}
	}
	for _, p := range ws[:2] {
		if err := in.Fund(p, 20*models.DefaultThreshold); err != nil {
			t.Fatal(err)
		}
	}
	check("funded")
	m := ws[2]
	snap := in.Snapshot(m)
	for i := range maxSeen + 40 {
		p := ws[rng.IntN(2)]
		amount := 1 + rng.Int64N(models.DefaultThreshold)
		if in.View(p).Offline() < amount {
			if err := in.Fund(p, 20*models.DefaultThreshold); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := in.Pay(p, m, amount, nil); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if err := in.Reconcile(m); err != nil {
				t.Fatal(err)
			}
			if err := in.Reconcile(p); err != nil {
				t.Fatal(err)
			}
		}
		switch i {
		case 20:
			in.Restore(m, snap)
		case 30:
			e := in.elementMust(t, m)
			hs := e.holdings()
			e.dev.Put(prefHold+hs[0].name, []byte("not a holding at all, long enough to split"))
		case 31:
			e := in.elementMust(t, m)
			h := e.holdings()[0]
			e.dev.Put(prefHold+h.name, storeHolding(h.priv, h.h.Marshal()))
		}
		check(fmt.Sprintf("payment %d", i))
	}
}
