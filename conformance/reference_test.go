package conformance_test

import (
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestReference runs every property against every reference model under
// both suites (under -short, GM only: the suites share every property and
// differ in their primitives, which the spec packages test under both):
// go test -json names one test per (scheme, suite, requirement) cell and
// one per property inside it.
func TestReference(t *testing.T) {
	suites := suite.All()
	if testing.Short() {
		gm, err := suite.ByID(suite.GM)
		if err != nil {
			t.Fatal(err)
		}
		suites = []suite.Suite{gm}
	}
	for _, s := range all.Schemes() {
		t.Run(s.Info().Name, func(t *testing.T) {
			t.Parallel()
			conformance.RunSuites(t, s, suites...)
		})
	}
}
