package world

import (
	"bytes"
	"maps"
	"slices"
)

// This file gives the anonymity game (conformance, R3) the adversary's
// view of a party: the payloads delivered to it and its persistent store.
// It reads what RunSession already keeps for replay faults and adds no
// state of its own.

// Mark returns a position in the log of delivered messages; Delivered
// returns what arrived after it.
func (w *World) Mark() int { return len(w.pool) }

// Delivered returns copies of the messages delivered to party after mark
// (a value of Mark), in delivery order.
func (w *World) Delivered(party PartyID, mark int) []Message {
	var out []Message
	for i := max(0, mark); i < len(w.pool); i++ {
		if w.pool[i].To == party {
			out = append(out, cloneMsg(w.pool[i]))
		}
	}
	return out
}

// Device returns the id of the device the snapshot copies.
func (s Snapshot) Device() PartyID { return s.dev }

// Keys returns the snapshot's store keys in sorted order.
func (s Snapshot) Keys() []string { return slices.Sorted(maps.Keys(s.store)) }

// Changed returns the keys of s whose value differs from (or is absent
// in) before, in sorted order: what the device added or changed between
// two snapshots. It copies nothing but the keys and sorts only those, so
// a caller diffing a large store on every step pays for what changed:
// between two snapshots of one device, taken in that order, it compares
// only the keys the device's change log says were written between them
// (every other key holds the value it held at before), and it compares
// the whole store only where the log cannot tell (a Restore between
// them, or more changes than the log keeps).
func (s Snapshot) Changed(before Snapshot) []string {
	var ks []string
	differs := func(k string) bool {
		v, ok := s.store[k]
		if !ok {
			return false
		}
		b, ok := before.store[k]
		return !ok || !bytes.Equal(b, v)
	}
	if written, ok := s.writtenSince(before); ok {
		slices.Sort(written)
		for _, k := range slices.Compact(written) {
			if differs(k) {
				ks = append(ks, k)
			}
		}
		return ks
	}
	for k := range s.store {
		if differs(k) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

// writtenSince returns the keys the device wrote after before's version
// and up to s's (a key may be listed more than once), and ok, when s and
// before are snapshots of one device, before no newer than s, and the
// device's change log still holds every change between them.
func (s Snapshot) writtenSince(before Snapshot) (keys []string, ok bool) {
	if s.src == nil || before.src != s.src {
		return nil, false
	}
	return s.src.changes.between(before.version, s.version)
}

// Origin returns the device and the store version a snapshot of a
// device copied, or nil (StoreSnapshot, ExternalSnapshot): a reader that
// follows the store from there by Device.ChangedSince.
func (s Snapshot) Origin() (*Device, uint64) { return s.src, s.version }

// Get returns a copy of the value stored under key.
func (s Snapshot) Get(key string) ([]byte, bool) {
	v, ok := s.store[key]
	return slices.Clone(v), ok
}

// externalKey is the one key of the snapshot of an external device.
const externalKey = "external-state"

// ExternalSnapshot wraps the opaque saved state of an external device (a
// vendor's implementation, models.Link) as a Snapshot, so rollback and
// clone faults treat it like a model device's store.
func ExternalSnapshot(dev PartyID, state []byte) Snapshot {
	return Snapshot{dev: dev, store: map[string][]byte{externalKey: slices.Clone(state)}}
}

// External returns the saved state ExternalSnapshot wrapped (nil for the
// snapshot of a model device).
func (s Snapshot) External() []byte { return slices.Clone(s.store[externalKey]) }

// Unsaved reports whether s is an external device's snapshot holding no
// state (ExternalSnapshot of nil): the device could not be saved (a card
// in a reader), so no rollback can be staged from s.
func (s Snapshot) Unsaved() bool {
	v, ok := s.store[externalKey]
	return ok && v == nil
}

// StoreSnapshot makes a snapshot of dev holding store (copied): how a
// device whose store was kept elsewhere (a file) is restored into a world.
func StoreSnapshot(dev PartyID, store map[string][]byte) Snapshot {
	s := Snapshot{dev: dev, store: make(map[string][]byte, len(store))}
	for k, v := range store {
		s.store[k] = slices.Clone(v)
	}
	return s
}
