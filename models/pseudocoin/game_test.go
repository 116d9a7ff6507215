package pseudocoin_test

import (
	"context"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models/pseudocoin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestAnonymityGames runs the R3 suite (the anonymity games at their full
// N, the trace, the corrupted identities, the threshold split) on
// pseudocoin under both suites: every property must pass.
func TestAnonymityGames(t *testing.T) {
	if testing.Short() {
		t.Skip("the anonymity games run N = 3963 trials each (about a minute of CPU per game and suite); run without -short")
	}
	rs, err := conformance.Check(context.Background(), pseudocoin.Scheme{}, conformance.Options{Only: []string{"R3"}, Suites: suiteList()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.Results {
		t.Logf("%s %s %s: %s", r.Suite, r.Property, r.Verdict, r.Reason)
		if r.Verdict != conformance.Pass {
			t.Errorf("%s under %s: %s: %s", r.Property, r.Suite, r.Verdict, r.Reason)
		}
	}
}

func suiteList() []suite.Suite { return suite.All() }
