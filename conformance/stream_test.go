package conformance_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestStreamGamesIndependentOfSelection: the three games score one stream
// (stream.md), yet each game's result (verdict, reason, runs, game
// statistics, counterexample and its trace) is the same whether the run
// selects it alone or with the others. The target is the control's
// mutant that leaks only at T: its R3.6 game stops at the first look
// while R3.1's and R3.2's run all N trials (certified), so the stream
// runs on after R3.6's game stopped. (Check and CheckAll give the same
// results: TestScheduleSameResults.)
func TestStreamGamesIndependentOfSelection(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the control mutant's R3.1 and R3.2 games run all N trials, in four streams: some 20 s of CPU")
	}
	gm, _ := suite.ByID(suite.GM)
	var target models.Scheme
	for _, m := range control.Mutants() {
		if m.Name == "payer-dependent-length-at-threshold" {
			target = m.Scheme
		}
	}
	if target == nil {
		t.Fatal("the control has no payer-dependent-length-at-threshold mutant")
	}
	ignore := cmpopts.IgnoreFields(conformance.Result{}, "DurationMS")
	games := []string{"R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split"}
	together, err := conformance.CheckAll(context.Background(), []models.Scheme{target}, conformance.Options{Only: games, Suites: []suite.Suite{gm}})
	if err != nil {
		t.Fatal(err)
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
			t.Logf("%s: %s, %s after %d trials", id, alone.Results[0].Verdict, g.Outcome, g.Trials)
		}
	}
	if len(trials) < 2 {
		t.Errorf("every game stopped after the same number of trials %v: the test does not see a stream that runs on after a game stopped", trials)
	}
}

// failsAfter wraps a scheme whose instances refuse every payment after
// the first n (an error, which fails a game payment), to end a stream in
// failure while one of its games still plays.
func failsAfter(base models.Scheme, n int) models.Scheme {
	return conformance.WrapInstances(base, "~fails-after", func(in models.Instance) models.Instance {
		return &failingInstance{Instance: in, left: n}
	})
}

type failingInstance struct {
	models.Instance
	left int
}

func (in *failingInstance) Pay(payer, payee world.PartyID, amount int64, plan world.Plan) (models.Payment, error) {
	if in.left--; in.left < 0 {
		return models.Payment{}, errors.New("injected: no more payments")
	}
	return in.Instance.Pay(payer, payee, amount, plan)
}

func (in *failingInstance) AgentView(w world.PartyID) []models.Observed {
	return in.Instance.(models.Observer).AgentView(w)
}

func (in *failingInstance) AdversaryOpen(m world.PartyID, b []byte) []models.Observed {
	return in.Instance.(models.Opener).AdversaryOpen(m, b)
}

// TestStreamFailureAfterAGameStopped: a stream that fails after one of
// its games stopped fails only the games still playing: R3.6's game on
// the mutant that leaks at T stops at the first look, R3.1's plays on
// until the payments run out; R3.6 selected with R3.1 is R3.6 selected
// alone (its leak), and R3.1 fails with the refused payment.
func TestStreamFailureAfterAGameStopped(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	var target models.Scheme
	for _, m := range control.Mutants() {
		if m.Name == "payer-dependent-length-at-threshold" {
			target = failsAfter(m.Scheme, 400)
		}
	}
	if target == nil {
		t.Fatal("the control has no payer-dependent-length-at-threshold mutant")
	}
	ignore := cmpopts.IgnoreFields(conformance.Result{}, "DurationMS")
	alone, err := conformance.Check(context.Background(), target, conformance.Options{Only: []string{"R3.6-threshold-split"}, Suites: []suite.Suite{gm}})
	if err != nil {
		t.Fatal(err)
	}
	both, err := conformance.Check(context.Background(), target, conformance.Options{Only: []string{"R3.1-which-payer-game", "R3.6-threshold-split"}, Suites: []suite.Suite{gm}})
	if err != nil {
		t.Fatal(err)
	}
	if len(alone.Results) != 1 || len(both.Results) != 2 {
		t.Fatalf("%d results alone, %d with R3.1", len(alone.Results), len(both.Results))
	}
	if r := alone.Results[0]; r.Verdict != conformance.Fail || !strings.Contains(r.Reason, "distinguisher length-timing") {
		t.Fatalf("R3.6 alone: %s: %s, want its game's leak", r.Verdict, r.Reason)
	}
	if d := cmp.Diff(alone.Results[0], both.Results[1], ignore); d != "" {
		t.Errorf("R3.6 with R3.1 differs from R3.6 alone (-alone +with R3.1):\n%s", d)
	}
	if r := both.Results[0]; r.Verdict != conformance.Fail || !strings.Contains(r.Reason, "injected: no more payments") {
		t.Errorf("R3.1: %s: %s, want the stream's refused payment", r.Verdict, r.Reason)
	}
}

// noGames is a target that asks not to play the anonymity games.
type noGames struct{ models.Scheme }

func (noGames) SkipGames() string { return "the test's reason" }

func (s noGames) Info() models.Info {
	i := s.Scheme.Info()
	i.Name += "~no-games"
	return i
}

// TestSkipsGames: a target that implements SkipsGames with a reason gets
// a skip naming it for each game (without playing the stream), except
// that R3.6's first half still runs and its failure stands: on the
// control's mutant whose large payments are anonymous, R3.6 fails.
func TestSkipsGames(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	games := []string{"R3.1-which-payer-game", "R3.2-linking-game", "R3.6-threshold-split"}
	rs, err := conformance.Check(context.Background(), noGames{control.Ideal()}, conformance.Options{Only: games, Suites: []suite.Suite{gm}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.Results {
		if r.Verdict != conformance.Skip || !strings.Contains(r.Reason, "is not played: the test's reason") || r.Game != nil {
			t.Errorf("%s: %s (%s), want a skip naming the target's reason and no game", r.ID(), r.Verdict, r.Reason)
		}
	}
	for _, m := range control.Mutants() {
		if m.Name != "large-payment-anonymous" {
			continue
		}
		rs, err := conformance.Check(context.Background(), noGames{m.Scheme}, conformance.Options{Only: []string{"R3.6-threshold-split"}, Suites: []suite.Suite{gm}})
		if err != nil {
			t.Fatal(err)
		}
		if r := rs.Results[0]; r.Verdict != conformance.Fail || !strings.Contains(r.Reason, "a payment of T+1") {
			t.Errorf("R3.6 on %s without games: %s (%s), want its first half's failure", m.Name, r.Verdict, r.Reason)
		}
		return
	}
	t.Fatal("the control has no large-payment-anonymous mutant")
}
