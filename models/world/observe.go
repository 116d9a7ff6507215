package world

import (
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

// Get returns a copy of the value stored under key.
func (s Snapshot) Get(key string) ([]byte, bool) {
	v, ok := s.store[key]
	return slices.Clone(v), ok
}
