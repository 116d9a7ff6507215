package kit_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

// TestPendingDepositsFresh: PendingDeposits answers what the store holds
// now: an entry rewritten, rolled back or deleted is read again, and a
// caller's change to what it was given reaches neither the store nor the
// next read.
func TestPendingDepositsFresh(t *testing.T) {
	w := world.New(1)
	dev := w.AddDevice("se", false)
	c := &kit.Core{Dev: dev}
	k := kit.DepKey(1)
	put := func(h, r string) {
		dev.Put(k, kit.MustJSON(kit.PendingStore{Holdings: [][]byte{[]byte(h)}, Records: [][]byte{[]byte(r)}}))
	}
	read := func() []kit.DepositEntry {
		t.Helper()
		ds, err := c.PendingDeposits(dev.Keys(kit.PrefDep))
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	want := func(h, r string) []kit.DepositEntry {
		return []kit.DepositEntry{{Key: k, Holdings: [][]byte{[]byte(h)}, Records: [][]byte{[]byte(r)}}}
	}
	put("h1", "r1")
	snap := dev.Snapshot()
	got := read()
	if d := cmp.Diff(want("h1", "r1"), got); d != "" {
		t.Fatalf("first read (-want +got):\n%s", d)
	}
	got[0].Holdings[0][0] = 'X' // the caller's copy
	if d := cmp.Diff(want("h1", "r1"), read()); d != "" {
		t.Errorf("a caller's change reached the next read (-want +got):\n%s", d)
	}
	put("h2", "r2")
	if d := cmp.Diff(want("h2", "r2"), read()); d != "" {
		t.Errorf("after a rewrite (-want +got):\n%s", d)
	}
	dev.Restore(snap)
	if d := cmp.Diff(want("h1", "r1"), read()); d != "" {
		t.Errorf("after a rollback (-want +got):\n%s", d)
	}
	dev.Put(k, []byte("{"))
	if _, err := c.PendingDeposits(dev.Keys(kit.PrefDep)); err == nil {
		t.Error("an entry that does not decode was read")
	}
	dev.Delete(k)
	if got := read(); len(got) != 0 {
		t.Errorf("a deleted entry was read: %v", got)
	}
}
