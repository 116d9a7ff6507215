package world

import (
	"slices"
	"strings"
)

// keyIndex is a device's store keys grouped by their head (the key up to
// and including its first '/', or the whole key without one), each group
// sorted only when Keys reads it after a change. A sorted slice of every
// key moved, at each new or deleted key, as many strings as the store
// holds (a merchant's card holds every coin it was paid), while Keys reads
// one group ("coin/", "pcert/") and seldom the one that changes most.
type keyIndex struct {
	groups map[string]*keyGroup
}

// keyGroup is the keys of one head: a set, and its sorted list when clean.
type keyGroup struct {
	set    map[string]struct{}
	sorted []string
	dirty  bool
}

func keyHead(k string) string {
	if i := strings.IndexByte(k, '/'); i >= 0 {
		return k[:i+1]
	}
	return k
}

// add puts key k (not yet in the index).
func (x *keyIndex) add(k string) {
	if x.groups == nil {
		x.groups = map[string]*keyGroup{}
	}
	h := keyHead(k)
	g := x.groups[h]
	if g == nil {
		g = &keyGroup{set: map[string]struct{}{}}
		x.groups[h] = g
	}
	g.set[k] = struct{}{}
	g.dirty = true
}

// remove takes key k (in the index) out.
func (x *keyIndex) remove(k string) {
	h := keyHead(k)
	g := x.groups[h]
	if g == nil {
		return
	}
	delete(g.set, k)
	g.dirty = true
	if len(g.set) == 0 {
		delete(x.groups, h)
	}
}

// list returns g's keys, sorted.
func (g *keyGroup) list() []string {
	if g.dirty || g.sorted == nil {
		g.sorted = g.sorted[:0]
		for k := range g.set {
			g.sorted = append(g.sorted, k)
		}
		slices.Sort(g.sorted)
		g.dirty = false
	}
	return g.sorted
}

// keys returns the keys that start with prefix, sorted, in a slice of
// the caller's.
func (x *keyIndex) keys(prefix string) []string {
	if i := strings.IndexByte(prefix, '/'); i >= 0 {
		g := x.groups[prefix[:i+1]]
		if g == nil {
			return nil
		}
		l := g.list()
		lo, _ := slices.BinarySearch(l, prefix)
		hi := lo
		for hi < len(l) && strings.HasPrefix(l[hi], prefix) {
			hi++
		}
		if lo == hi {
			return nil
		}
		return slices.Clone(l[lo:hi])
	}
	// A prefix without '/' covers every group whose head starts with it.
	var out []string
	for h, g := range x.groups {
		if strings.HasPrefix(h, prefix) {
			out = append(out, g.list()...)
		}
	}
	slices.Sort(out)
	return out
}

// clone returns a copy of the index.
func (x *keyIndex) clone() keyIndex {
	c := keyIndex{groups: make(map[string]*keyGroup, len(x.groups))}
	for h, g := range x.groups {
		set := make(map[string]struct{}, len(g.set))
		for k := range g.set {
			set[k] = struct{}{}
		}
		c.groups[h] = &keyGroup{set: set, dirty: true}
	}
	return c
}

// of returns the index of the keys of store.
func keyIndexOf(store map[string][]byte) keyIndex {
	var x keyIndex
	for k := range store {
		x.add(k)
	}
	return x
}
