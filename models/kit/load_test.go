package kit_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestLoadFollowsStore: Load brings the holdings and certificates up to
// date by the keys the store's change log names (not by reading every
// key), and what it hands out is what a Load from the store alone gives
// (the oracle, a fresh Core) after each kind of change: a holding
// rewritten with other bytes, one deleted, a certificate added, a
// rollback to a snapshot (the log cannot tell: read whole), and the
// element changing the maps it was handed.
func TestLoadFollowsStore(t *testing.T) {
	dev, keys := fundedCard(t)
	c := &kit.Core{S: suite.Default(), Dev: dev}
	load := func() { c.Load("test", func() {}, func() {}) }
	check := func(after string) {
		t.Helper()
		fresh := &kit.Core{S: suite.Default(), Dev: dev}
		fresh.Load("oracle", func() {}, func() {})
		if diff := cmp.Diff(coinBytes(fresh.Held), coinBytes(c.Held)); diff != "" {
			t.Errorf("after %s, holdings (-want +got):\n%s", after, diff)
		}
		if diff := cmp.Diff(slices.Sorted(maps.Keys(fresh.Certs)), slices.Sorted(maps.Keys(c.Certs))); diff != "" {
			t.Errorf("after %s, certificates (-want +got):\n%s", after, diff)
		}
	}
	load()
	check("the first load")
	snap := dev.Snapshot()
	other, _ := dev.Get(keys[1])
	dev.Put(keys[0], other)
	load()
	check("a holding rewritten")
	dev.Delete(keys[1])
	load()
	check("a holding deleted")
	raw, _ := dev.Get(kit.KeyCert)
	dev.Put(kit.PrefCert+c.OwnCert.ID, raw)
	load()
	check("a certificate added")
	for k := range c.Held {
		delete(c.Held, k)
	}
	clear(c.Certs)
	load()
	check("the element cleared the maps it was handed")
	dev.Restore(snap)
	load()
	check("a rollback")
}

func coinBytes(held map[string]*transfer.Holding) map[string]string {
	out := map[string]string{}
	for k, h := range held {
		out[k] = string(h.Marshal())
	}
	return out
}
