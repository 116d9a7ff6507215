package conformance

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// wholeStoreChanges is how the game read the merchant's store before
// world.Snapshot.Changed: every key of both stores copied and sorted, the
// changed ones kept. It is the reference storeChanges must equal.
func wholeStoreChanges(before, after world.Snapshot) []viewItem {
	old := map[string][]byte{}
	for _, k := range before.Keys() {
		old[k], _ = before.Get(k)
	}
	var out []viewItem
	for _, k := range after.Keys() {
		if b, _ := after.Get(k); !bytes.Equal(old[k], b) {
			out = append(out, viewItem{"merchant store " + k, b})
		}
	}
	return out
}

// TestStoreChangesSame: on the merchant's snapshots around game payments
// of every reference scheme (those that leak and those that pass),
// storeChanges gives the adversary exactly the items the whole-store
// reading gave, in the same order, and so does the game's own look at the
// store by its change log (storeLook, what the view holds); and a diff that missed a changed value
// would differ (the check is not vacuous: some trials change the store).
func TestStoreChangesSame(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	for _, sc := range all.Schemes() {
		name := sc.Info().Name
		tt := &T{Target: sc, Info: sc.Info(), Suite: gm, Seed: 3, ctx: context.Background(), checks: 5, steps: 10, name: name}
		changed := 0
		done := make(chan struct{})
		go func() {
			defer close(done)
			g := newGame(tt, "store", 1, anyAmount)
			m := g.merchants[0]
			for n := 0; n < 12; n++ {
				before := g.in.Snapshot(m)
				v := g.pay(g.cands[n%2].party, m, 1+g.rng.Int64N(tt.Threshold()))
				after := g.in.Snapshot(m)
				want, got := wholeStoreChanges(before, after), storeChanges(before, after)
				if d := cmp.Diff(want, got, cmp.AllowUnexported(viewItem{})); d != "" {
					tt.Errorf("trial %d: merchant store items (-want +got):\n%s", n, d)
				}
				// What the game's view took of the store (storeLook, by
				// the device's change log) is the same.
				var looked []viewItem
				for _, it := range v.items {
					if strings.HasPrefix(it.label, "merchant store ") {
						looked = append(looked, it)
					}
				}
				if d := cmp.Diff(want, looked, cmp.AllowUnexported(viewItem{}), cmpopts.EquateEmpty()); d != "" {
					tt.Errorf("trial %d: the view's merchant store items (-want +got):\n%s", n, d)
				}
				changed += len(want)
				if len(want) > 0 && len(storeChanges(after, after)) != 0 {
					tt.Errorf("trial %d: a store compared with itself shows changes", n)
				}
			}
		}()
		<-done
		if tt.Failed() {
			t.Fatalf("%s: %v", name, tt.errs)
		}
		if changed == 0 {
			t.Errorf("%s: 12 payments changed no key of the merchant's store: the comparison tested nothing", name)
		}
		t.Logf("%s: %d changed store items over 12 payments, the same both ways", name, changed)
	}
}
