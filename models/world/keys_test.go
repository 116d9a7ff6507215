package world

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// keysOf is Keys as it was before the device kept its keys sorted: a scan
// of the whole store.
func keysOf(d *Device, prefix string) []string {
	var ks []string
	for k := range d.store {
		if strings.HasPrefix(k, prefix) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

// TestKeysIndex: the sorted key index answers every prefix as a scan of
// the store does, after puts, overwrites, deletes (of keys present and
// absent), a rollback and a clone.
func TestKeysIndex(t *testing.T) {
	w := New(1)
	d := w.AddDevice("dev", false)
	check := func(when string, d *Device) {
		t.Helper()
		for _, p := range []string{"", "h/", "h/b", "log/", "z", "h"} {
			if diff := cmp.Diff(keysOf(d, p), d.Keys(p)); diff != "" {
				t.Errorf("%s: Keys(%q) (-want +got):\n%s", when, p, diff)
			}
		}
	}
	check("empty", d)
	d.Commit(map[string][]byte{"h/b": {1}, "h/a": {2}, "log/1": {3}, "h": {4}}, nil)
	check("after puts", d)
	snap := d.Snapshot()
	d.Commit(map[string][]byte{"h/a": {5}, "h/c": {6}}, []string{"log/1", "absent"})
	check("after overwrite and deletes", d)
	if b, _ := snap.Get("h/a"); !slices.Equal(b, []byte{2}) {
		t.Errorf("the snapshot's h/a is %v after the store overwrote it, want [2]", b)
	}
	if diff := cmp.Diff([]string{"h", "h/a", "h/b", "log/1"}, snap.Keys()); diff != "" {
		t.Errorf("the snapshot's keys changed with the store (-want +got):\n%s", diff)
	}
	c := d.Clone("dev~clone")
	d.Restore(snap)
	check("after restore", d)
	check("clone", c)
	if !maps.EqualFunc(d.store, snap.store, slices.Equal) {
		t.Error("the restored store is not the snapshot")
	}
	got := d.Keys("h/")
	got[0] = "changed"
	check("after a caller changed what Keys returned", d)
}
