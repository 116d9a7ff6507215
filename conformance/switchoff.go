package conformance

import (
	"maps"

	"github.com/dualoffline/dualoffline/models/world"
)

// SwitchOff takes kinds out of every profile until restore is called: the
// switchedOff hook for tests outside this package (the interactive
// suite's broken wallets, examples/vendor), to show that a bug is found
// only because a kind is scheduled. It is global: no Check may run
// concurrently with a caller's. Never used in a real run.
func SwitchOff(kinds ...world.FaultKind) (restore func()) {
	old := switchedOff
	next := maps.Clone(old)
	if next == nil {
		next = map[world.FaultKind]bool{}
	}
	for _, k := range kinds {
		next[k] = true
	}
	switchedOff = next
	return func() { switchedOff = old }
}
