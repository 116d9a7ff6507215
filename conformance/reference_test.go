package conformance_test

import (
	"flag"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestReference runs every property against every reference model under
// the GM suite, at the depth of rapid's flags (goTestChecks, a third of
// the default depth, unless -rapid.checks says otherwise; under -short a
// fifth of the default), and fails on any
// verdict other than the documented one: go test -json names one test per
// (scheme, suite, requirement) cell and one per property inside it. GM is
// the suite the mutant catalogue is scored under, so the verdicts here
// are those the kills are judged against. The INTL matrix is the same
// properties with other primitives, which the spec packages test under
// both suites and TestParallelDeterminism runs properties under; to keep
// go test ./... within five minutes it runs in .ci/run, with the GM
// matrix at the default depth, over seeds 1–3 (`dualoffline check
// --seeds 1..3`, both suites), and in any `dualoffline check`;
// -all-suites runs it here too. Under -short it runs the schemes the
// mutant catalogue is judged against (the bases of all.Mutants()) and
// skips the others (today the literal readings of cert and chain), naming
// each, which the full suite runs. A scheme whose anonymity games pass
// (pseudocoin) plays them all N trials: TestMutants' base run of its R3
// plays them and holds their verdicts, so here they skip, and under
// -short its whole matrix does.
func TestReference(t *testing.T) {
	suites := suite.All()
	if !*allSuites {
		gm, err := suite.ByID(suite.GM)
		if err != nil {
			t.Fatal(err)
		}
		suites = []suite.Suite{gm}
	}
	bases := map[string]bool{}
	for _, m := range all.Mutants() {
		bases[m.Base.Info().Name] = true
	}
	for _, s := range all.Schemes() {
		t.Run(s.Info().Name, func(t *testing.T) {
			if testing.Short() && !bases[s.Info().Name] {
				t.Skipf("-short: %s is no mutant's base (-short runs the matrix of the schemes the mutant catalogue is judged against); the full suite runs its matrix", s.Info().Name)
			}
			target := s
			if !documentsGames(s) {
				if testing.Short() {
					t.Skipf("-short: %s documents no anonymity game as failing, so its games play all N = 4021 trials (one stream of 8042 payments, half a minute of CPU), over -short's budget; the full suite runs its matrix", s.Info().Name)
				}
				target = withoutGames{s}
			}
			t.Parallel()
			conformance.RunSuites(t, target, suites...)
		})
	}
}

// documentsGames reports whether s documents a violation of one of the
// three anonymity games: a scheme that does not passes them only after
// all N trials.
func documentsGames(s models.Scheme) bool {
	for _, v := range s.Info().Expected {
		switch v.Property {
		case "R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split":
			return true
		}
	}
	return false
}

// withoutGames is a scheme whose anonymity games pass, without them: they
// play all N trials, and TestMutants' run of the scheme's R3 (the base of
// its R3 mutant) plays the same stream and holds its verdicts, as do
// .ci/run's `dualoffline check` runs under both suites at seeds 1–3.
type withoutGames struct{ models.Scheme }

func (withoutGames) SkipGames() string {
	return "its games play all N trials; TestMutants' base run of its R3 and .ci/run's `dualoffline check` hold them"
}

// allSuites runs TestReference under every suite.
var allSuites = flag.Bool("all-suites", false, "TestReference: run the reference matrix under every suite (GM and INTL), not GM only")
