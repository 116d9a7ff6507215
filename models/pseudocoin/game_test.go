package pseudocoin_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models/pseudocoin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// gamesEnv, set to 1, runs the three anonymity games (R3.1, R3.2, R3.6)
// in TestAnonymityGames: each plays N = 4021 trials to certify a pass,
// about 15 s (R3.1, R3.6) to 30 s (R3.2: two payments a trial) of CPU and
// a GB of memory per game and suite (the game keeps every 8-byte window
// of every payer's uploads), beyond the budget of go test ./... on two
// cores. Without it the test runs the rest of R3 under both suites. Set
// to a comma-separated list of properties (e.g. R3.1), it runs those
// under GM only: how a game is profiled (LANDING.md).
const gamesEnv = "PSEUDOCOIN_GAMES"

// TestAnonymityGames runs the R3 suite on pseudocoin under both suites:
// every property must pass.
func TestAnonymityGames(t *testing.T) {
	only, suites := []string{"R3.3", "R3.4", "R3.5"}, suiteList()
	switch v := os.Getenv(gamesEnv); v {
	case "1":
		only = []string{"R3"}
	case "":
		t.Logf("%s is not set: the games R3.1, R3.2 and R3.6 are not played (each is N = 4021 trials; see gamesEnv)", gamesEnv)
	default:
		only, suites = strings.Split(v, ","), suites[:1]
	}
	rs, err := conformance.Check(context.Background(), pseudocoin.Scheme{}, conformance.Options{Only: only, Suites: suites})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Results) == 0 {
		t.Fatal("no R3 property ran")
	}
	for _, r := range rs.Results {
		t.Logf("%s %s-%s %s: %s", r.Suite, r.Sub, r.Property, r.Verdict, r.Reason)
		if g := r.Game; g != nil {
			for _, d := range g.Distinguishers {
				t.Logf("  %s after %d trials: %s success %.4f, 99%% interval [%.4f, %.4f]", g.Outcome, g.Trials, d.Name, d.Success, d.Low, d.High)
			}
		}
		if r.Verdict != conformance.Pass {
			t.Errorf("%s-%s under %s: %s: %s", r.Sub, r.Property, r.Suite, r.Verdict, r.Reason)
		}
	}
}

func suiteList() []suite.Suite { return suite.All() }

// TestAnonymityMutantsKilled: each anonymity mutant fails the R3
// sub-property that names its bug (the which-payer game stops at its
// first look on a leak; R3.3 and R3.5 run no game), on the suite's
// default seed, while the reference passes them (TestAnonymityGames).
// large-not-logged is killed by R3.6, whose game then runs in full: only
// with gamesEnv.
func TestAnonymityMutantsKilled(t *testing.T) {
	kills := map[string]string{
		"escrow-fixed-ephemeral": "R3.1",
		"escrow-to-payee":        "R3.3",
		"escrow-to-agent":        "R3.3",
		"upload-in-clear":        "R3.3",
		"mint-in-clear":          "R3.1",
		"desk-trusts-escrow":     "R3.5",
		"large-not-logged":       "R3.6",
		"change-key-per-element": "R3.1",
		"escrow-to-desk-key":     "R3.4",
	}
	games := os.Getenv(gamesEnv) == "1"
	if !games {
		t.Logf("%s is not 1: large-not-logged, which only R3.6 shows (its game then runs in full), is left to TestMutantsObservable", gamesEnv)
	}
	for _, m := range pseudocoin.Mutants() {
		sub, ok := kills[m.Name]
		if !ok {
			continue
		}
		delete(kills, m.Name)
		if sub == "R3.6" && !games {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			rs, err := conformance.Check(context.Background(), m.Scheme, conformance.Options{Only: []string{sub}, Suites: suiteList()[:1]})
			if err != nil {
				t.Fatal(err)
			}
			failed := false
			for _, r := range rs.Results {
				if strings.Contains(r.Reason, "corrupt ") && strings.Contains(r.Reason, " with ") {
					t.Errorf("%s-%s failed staging its attack, not on the bug: %s", r.Sub, r.Property, r.Reason)
				}
				if r.Verdict == conformance.Fail {
					failed = true
					t.Logf("killed by %s-%s: %s", r.Sub, r.Property, r.Reason)
				}
			}
			if !failed {
				t.Errorf("%s survives %s", m.Name, sub)
			}
		})
	}
	if len(kills) > 0 {
		t.Errorf("mutants not in the catalogue: %v", kills)
	}
}
