package conformance_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestStreamGamesIndependentOfSelection: the three games score one stream
// (stream.md), yet each game's result (verdict, reason, runs, game
// statistics, counterexample and its trace) is the same whether the run
// selects it alone or with the others, and whether Check runs the
// properties one after the other or CheckAll on its pool. Targets: the
// control's mutant that leaks only at T, whose R3.6 game stops at the
// first look while R3.1's and R3.2's run all N trials (the stream runs on
// after R3.6's game stopped), and the ideal control, whose games all run
// N.
func TestStreamGamesIndependentOfSelection(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	targets := map[string]models.Scheme{}
	for _, m := range control.Mutants() {
		if m.Name == "payer-dependent-length-at-threshold" {
			targets[m.Name] = m.Scheme
		}
	}
	if len(targets) == 0 {
		t.Fatal("the control has no payer-dependent-length-at-threshold mutant")
	}
	if testing.Short() {
		t.Skip("-short: the games of the control mutant that leaks only at T (R3.1 and R3.2 then run all N trials) take some 10 s of CPU")
	}
	targets["ideal"] = control.Ideal()
	ignore := cmpopts.IgnoreFields(conformance.Result{}, "DurationMS")
	games := []string{"R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split"}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			together, err := conformance.CheckAll(context.Background(), []models.Scheme{target}, conformance.Options{Only: games, Suites: []suite.Suite{gm}})
			if err != nil {
				t.Fatal(err)
			}
			serial, err := conformance.Check(context.Background(), target, conformance.Options{Only: games, Suites: []suite.Suite{gm}})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(together.Results, serial.Results, ignore); d != "" {
				t.Errorf("CheckAll and Check disagree on the games (-CheckAll +Check):\n%s", d)
			}
			trials := map[int]bool{}
			for i, id := range games {
				alone, err := conformance.Check(context.Background(), target, conformance.Options{Only: []string{id}, Suites: []suite.Suite{gm}})
				if err != nil {
					t.Fatal(err)
				}
				if len(alone.Results) != 1 || len(together.Results) != len(games) {
					t.Fatalf("%d results alone, %d together", len(alone.Results), len(together.Results))
				}
				if d := cmp.Diff(together.Results[i], alone.Results[0], ignore); d != "" {
					t.Errorf("%s selected alone differs from %s selected with the other games (-together +alone):\n%s", id, id, d)
				}
				if g := alone.Results[0].Game; g != nil {
					trials[g.Trials] = true
				}
				t.Logf("%s: %s after %v trials", id, alone.Results[0].Verdict, alone.Results[0].Game)
			}
			if name != "ideal" && len(trials) < 2 {
				t.Errorf("every game stopped after the same number of trials %v: the test does not see a stream that runs on after a game stopped", trials)
			}
		})
	}
}
