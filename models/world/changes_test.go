package world

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestChangedSince: the change log names every key a Commit put or
// deleted since a version, and refuses to answer (ok = false) across a
// Restore, for a clone's store, for a version the store never had, and
// once it has forgotten the changes back to the version asked.
func TestChangedSince(t *testing.T) {
	w := New(1)
	d := w.AddDevice("dev", false)
	v0 := d.Version()
	if keys, ok := d.ChangedSince(v0); !ok || len(keys) != 0 {
		t.Errorf("a new device: ChangedSince(%d) = %q, %v; want nothing, true", v0, keys, ok)
	}
	d.Commit(map[string][]byte{"h/b": {1}, "h/a": {2}}, nil)
	v1 := d.Version()
	d.Delete("h/b")
	d.Put("log/1", []byte{3})
	v3 := d.Version()
	if v1 <= v0 || v3 != v1+2 {
		t.Errorf("versions %d, %d, %d: want one more per Commit", v0, v1, v3)
	}
	for _, c := range []struct {
		since uint64
		want  []string
	}{{v0, []string{"h/a", "h/b", "h/b", "log/1"}}, {v1, []string{"h/b", "log/1"}}, {v3, nil}} {
		keys, ok := d.ChangedSince(c.since)
		if diff := cmp.Diff(c.want, keys); !ok || diff != "" {
			t.Errorf("ChangedSince(%d): ok=%v (-want +got):\n%s", c.since, ok, diff)
		}
	}
	if _, ok := d.ChangedSince(v3 + 1); ok {
		t.Errorf("ChangedSince(%d), a version the store never had: ok", v3+1)
	}

	// A crash at a Commit changes nothing, the version included.
	d.ArmCrash(0)
	func() {
		defer func() { _ = recover() }()
		d.Put("h/c", []byte{4})
	}()
	if d.Version() != v3 {
		t.Errorf("a Commit that crashed made the version %d, want %d", d.Version(), v3)
	}

	snap := d.Snapshot()
	c := d.Clone("dev~clone")
	if _, ok := c.ChangedSince(v3); ok {
		t.Error("a clone answers ChangedSince for a version of the store it was copied from")
	}
	if _, ok := c.ChangedSince(c.Version()); !ok {
		t.Error("a clone does not answer ChangedSince for its own version")
	}
	d.Restore(snap)
	if _, ok := d.ChangedSince(v3); ok {
		t.Error("ChangedSince answers across a Restore")
	}
	v4 := d.Version()
	d.Put("h/d", []byte{5})
	if keys, ok := d.ChangedSince(v4); !ok || !slices.Equal(keys, []string{"h/d"}) {
		t.Errorf("after a Restore: ChangedSince(%d) = %q, %v", v4, keys, ok)
	}

	// The log is bounded: old versions are forgotten, recent ones kept.
	for i := range 2 * maxChanges {
		d.Put(fmt.Sprintf("k/%d", i%7), []byte{byte(i)})
	}
	if _, ok := d.ChangedSince(v4); ok {
		t.Errorf("ChangedSince(%d) still answers after %d changes", v4, 2*maxChanges)
	}
	if len(d.changes.entries) > maxChanges {
		t.Errorf("the log keeps %d changes, bound %d", len(d.changes.entries), maxChanges)
	}
	recent := d.Version() - 10
	keys, ok := d.ChangedSince(recent)
	if !ok || len(keys) != 10 {
		t.Errorf("ChangedSince(%d), ten versions back: %d keys, ok=%v; want 10, true", recent, len(keys), ok)
	}
}

// TestSnapshotShared: snapshots of an unchanged store share one map, a
// change makes the next snapshot a new one, and neither a later write
// nor a Restore from a shared snapshot changes what it holds.
func TestSnapshotShared(t *testing.T) {
	w := New(1)
	d := w.AddDevice("dev", false)
	d.Put("a", []byte{1})
	s1, s2 := d.Snapshot(), d.Snapshot()
	if fmt.Sprintf("%p", s1.store) != fmt.Sprintf("%p", s2.store) {
		t.Error("two snapshots of an unchanged store are two copies")
	}
	d.Put("a", []byte{2})
	s3 := d.Snapshot()
	if fmt.Sprintf("%p", s3.store) == fmt.Sprintf("%p", s1.store) {
		t.Fatal("a snapshot after a write shares the one before it")
	}
	d.Put("b", []byte{3})
	d.Restore(s1)
	d.Put("c", []byte{4})
	for _, s := range []Snapshot{s1, s2} {
		if diff := cmp.Diff([]string{"a"}, s.Keys()); diff != "" {
			t.Errorf("a shared snapshot's keys changed with the store (-want +got):\n%s", diff)
		}
		if b, _ := s.Get("a"); !slices.Equal(b, []byte{1}) {
			t.Errorf("a shared snapshot's a is %v, want [1]", b)
		}
	}
	if b, _ := s3.Get("a"); !slices.Equal(b, []byte{2}) {
		t.Errorf("the snapshot after the write holds a = %v, want [2]", b)
	}
}

// TestChangeLogOff: a device whose version nobody asked for logs no
// change, and answers ChangedSince from the version first asked on.
func TestChangeLogOff(t *testing.T) {
	w := New(1)
	d := w.AddDevice("dev", false)
	for i := range 10 {
		d.Put(fmt.Sprint(i), []byte{byte(i)})
	}
	if n := len(d.changes.entries); n != 0 {
		t.Fatalf("a device nobody reads by its changes logged %d", n)
	}
	v := d.Version()
	if _, ok := d.ChangedSince(v - 1); ok {
		t.Error("ChangedSince answers for a version before the log was on")
	}
	d.Put("x", nil)
	if keys, ok := d.ChangedSince(v); !ok || !slices.Equal(keys, []string{"x"}) {
		t.Errorf("ChangedSince(%d) = %q, %v; want [x], true", v, keys, ok)
	}
}

// TestSnapshotChangedIsScan: Changed between two snapshots, which reads
// the device's change log where it can, names exactly the keys a
// comparison of the two whole stores names, for every ordered pair of a
// snapshot and the ten before it, taken across seeded puts (new values
// and the same value again), deletes, Restores, a clone and more changes
// than the log keeps; and the log answered for most pairs of one device
// in order, so the comparison is of the path the anonymity game takes.
func TestSnapshotChangedIsScan(t *testing.T) {
	w := New(1)
	rng := w.Rand("changed")
	d := w.AddDevice("dev", false)
	var snaps []Snapshot
	var c *Device
	logged, pairs := 0, 0
	compare := func(before, after Snapshot) {
		var want []string
		for k, v := range after.store {
			if b, ok := before.store[k]; !ok || !slices.Equal(b, v) {
				want = append(want, k)
			}
		}
		slices.Sort(want)
		if got := after.Changed(before); !slices.Equal(want, got) {
			t.Fatalf("Changed between snapshots of versions %d (%s) and %d (%s) (-scan +changed):\n%s", before.version, before.dev, after.version, after.dev, cmp.Diff(want, got))
		}
		if before.src == after.src && before.version <= after.version {
			pairs++
			if _, ok := after.writtenSince(before); ok {
				logged++
			}
		}
	}
	for i := range 3 * maxChanges {
		dev := d
		if c != nil && rng.IntN(3) == 0 {
			dev = c
		}
		k := fmt.Sprintf("k/%d", rng.IntN(40))
		switch r := rng.IntN(100); {
		case r < 60:
			dev.Put(k, []byte{byte(rng.IntN(3))}) // often the value it holds
		case r < 85:
			dev.Commit(map[string][]byte{k: {byte(rng.IntN(3))}, fmt.Sprintf("m/%d", rng.IntN(9)): {1}}, []string{fmt.Sprintf("k/%d", rng.IntN(40))})
		case r < 90:
			dev.Delete(k)
		case r < 91 && len(snaps) > 0 && i%maxChanges < 300: // a few Restores
			dev.Restore(snaps[rng.IntN(len(snaps))])
		case r < 92 && c == nil:
			c = d.Clone("dev~clone")
		}
		if i%23 == 0 {
			s := dev.Snapshot()
			for _, o := range snaps[max(0, len(snaps)-10):] {
				compare(o, s)
				compare(s, o)
			}
			snaps = append(snaps, s)
		}
	}
	if logged == 0 || 2*logged < pairs {
		t.Errorf("the change log answered for %d of %d ordered pairs of one device's snapshots: the log path is not what was compared", logged, pairs)
	}
}
