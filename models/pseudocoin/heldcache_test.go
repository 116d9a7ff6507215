package pseudocoin

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestHoldingsCacheFollowsStore: element.holdings serves a holding from
// its index only while the store holds the very bytes it was parsed from.
// A holding rewritten under the same key (as a storage corruption or a
// rollback rewrites it) is read anew, and a deleted one is gone.
func TestHoldingsCacheFollowsStore(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a := in.Wallets()[0]
	modeltest.MustFund(t, in, a, 60000)
	e := in.elementMust(t, a)
	hs := e.holdings() // fills the cache
	var target *held
	for i := range hs {
		if hs[i].h.Bundle != nil {
			target = &hs[i]
			break
		}
	}
	if target == nil {
		t.Fatalf("a funded wallet holds no bundle: %d holdings", len(hs))
	}
	b := *target.h.Bundle
	b.Coins = append([]int64(nil), b.Coins...)
	b.Coins[0]++
	e.dev.Put(prefHold+target.name, storeHolding(target.priv, b.Marshal()))
	found := false
	for _, h := range e.holdings() {
		if h.name == target.name {
			found = true
			if got, want := h.h.Value(), target.h.Value()+1; got != want {
				t.Errorf("holding %s rewritten to value %d reads as %d: served stale from the cache", h.name, want, got)
			}
		}
	}
	if !found {
		t.Fatalf("holding %s (rewritten, still parseable) is missing", target.name)
	}
	e.dev.Delete(prefHold + target.name)
	for _, h := range e.holdings() {
		if h.name == target.name {
			t.Errorf("holding %s was deleted but is still listed", h.name)
		}
	}
}
