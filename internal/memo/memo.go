// Package memo is the one bounded cache of the module: a map from a key to
// the result of a pure function of it, safe for concurrent use, emptied
// when it reaches its bound so that no input can grow it without limit.
// It counts its hits, misses and resets, by name (All), so a profile can
// say what the caches spared. It reads no clock and does no I/O.
//
// What a cache may hold is the caller's contract: the result of a pure
// function of the key (the bytes parsed, the scalar, the fields signed),
// never state a write can change. A caller that keeps state must key it
// by everything the state depends on, or not use a memo.
package memo

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Map is a bounded cache from K to V. The zero value is not usable: make
// one with New.
type Map[K comparable, V any] struct {
	name  string
	bound int
	mu    sync.Mutex
	m     map[K]V
	stats *counts // shared by every cache of the name
}

type counts struct{ hits, misses, resets atomic.Int64 }

// Stats are a cache's counts since it was made.
type Stats struct {
	Name string
	// Hits and Misses count Get's answers; Resets how many times Put
	// found the map full and emptied it; Len is the entries held now.
	Hits, Misses, Resets int64
	Len                  int
}

// New returns an empty cache of at most bound entries (bound ≥ 1),
// counted under name for All; caches of one name (one per instance of a
// model) count together.
func New[K comparable, V any](name string, bound int) *Map[K, V] {
	if bound < 1 {
		panic("memo: bound must be at least 1")
	}
	return &Map[K, V]{name: name, bound: bound, stats: register(name)}
}

// Get returns the value kept for k, if any, and counts a hit or a miss.
func (c *Map[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		c.stats.hits.Add(1)
	} else {
		c.stats.misses.Add(1)
	}
	return v, ok
}

// Put keeps v for k. A full cache is emptied first (cheaper than tracking
// use, and the working sets of a run are far below every bound).
func (c *Map[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.bound {
		c.m = nil
		c.stats.resets.Add(1)
	}
	if c.m == nil {
		c.m = map[K]V{}
	}
	c.m[k] = v
}

// Do returns the value kept for k, or computes it with f and keeps it
// if f succeeds. Concurrent misses of one key may each call f: f must be
// a pure function of k.
func (c *Map[K, V]) Do(k K, f func() (V, error)) (V, bool, error) {
	if v, ok := c.Get(k); ok {
		return v, true, nil
	}
	v, err := f()
	if err != nil {
		return v, false, err
	}
	c.Put(k, v)
	return v, false, nil
}

// Len returns how many entries the cache holds.
func (c *Map[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Clear empties the cache (counted as a reset).
func (c *Map[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
	c.stats.resets.Add(1)
}

// Stats returns the counts of this cache's name, with this cache's Len:
// the counts are the name's running totals in this process (every cache
// made under the name, now or before), Len this cache's alone.
func (c *Map[K, V]) Stats() Stats { return c.stats.read(c.name, c.Len()) }

func (s *counts) read(name string, n int) Stats {
	return Stats{Name: name, Hits: s.hits.Load(), Misses: s.misses.Load(), Resets: s.resets.Load(), Len: n}
}

// registry holds the counts of every name: caches made under one name
// (one per model instance) count together, and the registry holds no
// reference to a cache, so a cache no longer used is collected.
var registry struct {
	sync.Mutex
	byName map[string]*counts
}

func register(name string) *counts {
	registry.Lock()
	defer registry.Unlock()
	if registry.byName == nil {
		registry.byName = map[string]*counts{}
	}
	c := registry.byName[name]
	if c == nil {
		c = new(counts)
		registry.byName[name] = c
	}
	return c
}

// All returns the counts of every name a cache was made under, sorted by
// name (Len is 0: the caches themselves are not held). Read it before and
// after a run and Sub the two.
func All() []Stats {
	registry.Lock()
	defer registry.Unlock()
	out := make([]Stats, 0, len(registry.byName))
	for name, c := range registry.byName {
		out = append(out, c.read(name, 0))
	}
	slices.SortFunc(out, func(a, b Stats) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Sub returns s − t, the counts between two readings of one name (Len is
// s's).
func (s Stats) Sub(t Stats) Stats {
	return Stats{Name: s.Name, Hits: s.Hits - t.Hits, Misses: s.Misses - t.Misses, Resets: s.Resets - t.Resets, Len: s.Len}
}
