package conformance_test

import (
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models/all"
)

// TestReference runs every property against every reference model under
// both suites: go test -json names one test per (scheme, suite,
// requirement) cell and one per property inside it.
func TestReference(t *testing.T) {
	for _, s := range all.Schemes() {
		t.Run(s.Info().Name, func(t *testing.T) {
			t.Parallel()
			conformance.Run(t, s)
		})
	}
}
