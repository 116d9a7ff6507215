package kit_test

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestBalanceKeptAsHeldChanges: Balance, a total Load, SetHeld and
// DropHeld keep, is the value of Held summed from scratch after each way
// Held changes: a Load after a holding is rewritten with one of another
// value, deleted, or the store rolled back (read whole); SetHeld
// replacing a coin and adding one; DropHeld of a held key and of a key
// not held. It fails when an increment forgets the value a key held
// before.
func TestBalanceKeptAsHeldChanges(t *testing.T) {
	c, dev, keys, load := loadedCard(t)
	check := func(after string) {
		t.Helper()
		var want int64
		for _, h := range c.Held {
			want += h.Value()
		}
		if got := c.Balance(); got != want {
			t.Errorf("after %s, Balance %d, Held worth %d", after, got, want)
		}
	}
	check("the first load")
	// Two stored coins of different values.
	a, b := "", ""
	for _, k := range keys {
		for _, l := range keys {
			if k != l && c.Held[k[len(kit.PrefCoin):]].Value() != c.Held[l[len(kit.PrefCoin):]].Value() {
				a, b = k, l
			}
		}
	}
	if a == "" {
		t.Fatalf("the funded card holds %d coins, all of one value", len(keys))
	}
	snap := dev.Snapshot()
	other, _ := dev.Get(b)
	dev.Put(a, other)
	load()
	check("a holding rewritten with one of another value")
	dev.Delete(b)
	load()
	check("a holding deleted")
	ka, kb := a[len(kit.PrefCoin):], b[len(kit.PrefCoin):]
	small := c.Held[ka]
	var big *transfer.Holding
	for _, h := range c.Held {
		if h.Value() != small.Value() {
			big = h
		}
	}
	if big == nil {
		big = small
	}
	c.SetHeld(ka, big)
	check("SetHeld replacing a coin")
	c.SetHeld(kb, small)
	check("SetHeld adding a coin")
	c.DropHeld(ka)
	check("DropHeld of a held coin")
	c.DropHeld(ka)
	check("DropHeld of a coin not held")
	dev.Restore(snap)
	load()
	check("a rollback")
}
