package conformance_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
)

// determinismShort are the properties TestParallelDeterminism compares
// under -short: cheap ones, several of them documented violations of some
// scheme, so counterexamples with traces are compared and not only pass
// verdicts. The full run adds heavier ones: a rapid-shrunk counterexample, a game.
var (
	determinismShort = []string{
		"R1.3-uncertified-payee-refused", // expected-fail on chain
		"R1.4-revoked-payer-refused",     // chain: refused at the master nodes too
		"R1.4-expired-payee-refused",
		"R5.3-exposure-window-bounded", // notes with measurements
		"R6.3-serial-version-lineage",  // chain: the lineage it keeps
	}
	determinismFull = []string{
		"R2.2-rollback-repays-same-payee", // expected-fail, rapid-shrunk
		"R3.6-threshold-split",            // anonymity game statistics
		"R4.1-forged-coin-refused",
	}
)

// outcome is what must not depend on scheduling: everything in a result
// but its wall time.
type outcome struct {
	Verdict        conformance.Verdict
	Runs           int
	Reason         string
	Replay         string
	Notes          []string
	Counterexample *conformance.Counterexample
	Game           *conformance.Game
}

func outcomes(rs *conformance.Results) map[string]outcome {
	m := map[string]outcome{}
	for _, r := range rs.Results {
		m[r.Key()] = outcome{r.Verdict, r.Runs, r.Reason, r.Replay, r.Notes, r.Counterexample, r.Game}
	}
	return m
}

// TestParallelDeterminism runs a representative subset of properties over
// every reference scheme and both suites twice with one seed: once
// sequentially (Check, target by target, one goroutine) and once on
// CheckAll's worker pool with at least four workers, whatever the machine.
// Verdicts, runs, reasons, notes, game statistics and counterexamples with
// their traces must be identical. Shrinking gets a budget it never
// exhausts, since a timed-out shrink is the one documented source of
// differing counterexamples.
func TestParallelDeterminism(t *testing.T) {
	only := determinismShort
	if !testing.Short() {
		only = append(append([]string(nil), only...), determinismFull...)
	}
	opts := conformance.Options{Checks: 5, Seed: 20261125, Only: only, ShrinkTime: 5 * time.Minute}
	ctx := context.Background()
	var targets []models.Scheme
	for _, s := range all.Schemes() {
		if !documentsGames(s) {
			// Its R3.6 game plays all N trials (four streams here, two
			// minutes of CPU); that a passing game's results are the same
			// on CheckAll's pool as alone is
			// TestStreamGamesIndependentOfSelection's.
			s = withoutGames{s}
		}
		targets = append(targets, s)
	}

	seq := map[string]outcome{}
	for _, target := range targets {
		rs, err := conformance.Check(ctx, target, opts)
		if err != nil {
			t.Fatal(err)
		}
		for k, o := range outcomes(rs) {
			seq[k] = o
		}
	}

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0))))
	rs, err := conformance.CheckAll(ctx, targets, opts)
	if err != nil {
		t.Fatal(err)
	}
	par := outcomes(rs)

	if len(seq) == 0 || len(seq) != len(par) {
		t.Fatalf("%d results sequentially, %d in parallel", len(seq), len(par))
	}
	withCounterexample := 0
	for k, want := range seq {
		got, ok := par[k]
		if !ok {
			t.Errorf("%s: no parallel result", k)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: sequential and parallel runs differ (-sequential +parallel):\n%s", k, diff)
		}
		if want.Counterexample != nil && len(want.Counterexample.Trace) > 0 {
			withCounterexample++
		}
	}
	if withCounterexample == 0 {
		t.Error("no result carried a counterexample with a trace: the subset compares verdicts only")
	}
}
