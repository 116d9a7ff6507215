package conformance

import (
	"maps"
	"sync/atomic"

	"github.com/dualoffline/dualoffline/models/world"
)

// switchedOff is a test hook: fault kinds taken out of every profile
// (drawPlan, boundaryPlans and the properties that stage one kind), to
// show that a mutant is killed only because a kind is scheduled.
// Switching redirect off also takes out the relay's bridge to a far
// device, a redirect through the hop. Empty in every real run.
var switchedOff kindSet[world.FaultKind]

// kindSet is a set of kinds read and replaced atomically: a property's
// goroutine still running past its time budget reads either the set
// before a restore or the one after, never a torn map.
type kindSet[K comparable] struct {
	p atomic.Pointer[map[K]bool]
}

// has reports whether k is in the set.
func (s *kindSet[K]) has(k K) bool {
	m := s.p.Load()
	return m != nil && (*m)[k]
}

// add puts kinds in the set and returns the function that restores the
// set as it was.
func (s *kindSet[K]) add(kinds ...K) (restore func()) {
	old := s.p.Load()
	next := map[K]bool{}
	if old != nil {
		next = maps.Clone(*old)
	}
	for _, k := range kinds {
		next[k] = true
	}
	s.p.Store(&next)
	return func() { s.p.Store(old) }
}

// SwitchOff takes kinds out of every profile until restore is called: the
// switchedOff hook for tests in and outside this package (the interactive
// suite's broken wallets, examples/vendor), to show that a bug is found
// only because a kind is scheduled. It is global: a Check running
// concurrently with a caller's sees the kinds switched off too. Never
// used in a real run.
func SwitchOff(kinds ...world.FaultKind) (restore func()) {
	return switchedOff.add(kinds...)
}
