package conformance_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkCheck runs every property once per scheme at a shallow depth
// and sets its wall time against the cryptography it performed: the
// public-key operations counted during the run, priced at unit costs
// measured in the same process. x-floor is the harness's overhead over
// pure cryptography (goal ≤ 1.3).
//
//	go test -run XXX -bench Check -benchtime 1x ./conformance/
func BenchmarkCheck(b *testing.B) {
	gm, _ := suite.ByID(suite.GM)
	for _, s := range all.Schemes() {
		b.Run(s.Info().Name, func(b *testing.B) {
			var elapsed time.Duration
			var counted opcount.Ops
			for b.Loop() {
				before := opcount.Total()
				start := time.Now()
				suite.ForgetSignatures() // see coldStart
				rs, err := conformance.Check(context.Background(), s, conformance.Options{Checks: 5, Suites: []suite.Suite{gm}})
				elapsed += time.Since(start)
				counted = counted.Add(opcount.Total().Sub(before))
				if err != nil {
					b.Fatal(err)
				}
				if u := rs.Unexpected(); len(u) > 0 {
					b.Fatalf("%d unexpected verdicts, first %s: %s", len(u), u[0].Key(), u[0].Reason)
				}
			}
			costs, err := cryptofloor.Measure(gm, 300, 200)
			if err != nil {
				b.Fatal(err)
			}
			n := float64(b.N)
			b.ReportMetric(float64(counted.Sign+counted.Verify+counted.Seal+counted.Open+counted.KeyGen)/n, "pk-ops/op")
			b.ReportMetric(float64(costs.Floor(counted))/n/1e6, "floor-ms/op")
			b.ReportMetric(float64(elapsed)/float64(costs.Floor(counted)), "x-floor")
		})
	}
}

// BenchmarkGameTrial measures one trial of the anonymity game (R3.1's
// which-payer game: a coin, a payment, the merchant's and the payer's
// reconciliation, every distinguisher's guess) on each reference scheme
// and on the ideal-anonymity control, setup shared as in the property.
// A leaky scheme stops after 20 trials; the control runs all N, so its
// cost times N is what a certifying game costs.
//
//	go test -run XXX -bench GameTrial -benchtime 400x ./conformance/
func BenchmarkGameTrial(b *testing.B) {
	targets := append(all.Schemes(), control.Ideal())
	for _, st := range suite.All() {
		for _, s := range targets {
			b.Run(s.Info().Name+"/"+string(st.ID()), func(b *testing.B) { gameTrials(b, s, st) })
		}
	}
}

// gameTrials times trials of s's which-payer game under st, setup shared.
func gameTrials(b *testing.B, s models.Scheme, st suite.Suite) {
	trial, failed := conformance.NewGameTrials(s, st, 1)
	// A failing trial ends the goroutine (T.Fatalf): say why.
	defer func() {
		if errs := failed(); len(errs) > 0 {
			b.Errorf("game: %v", errs)
		}
	}()
	for b.Loop() {
		trial()
	}
}

// BenchmarkMutantKill scores one mutant whose kill rapid finds and
// shrinks (chip~payee-seen-cache-volatile, killed by R2.2's generated
// rollbacks), with its base's run beside it, at the
// shrinking budget the kill tests used (conformance.DefaultShrinkTime)
// and the one they use (100 ms): a verdict is decided by the first
// failing case, and the rest of the budget only minimises the
// counterexample. cpu-s/op is the process's CPU time per scoring, which
// other processes' load does not inflate.
//
//	go test -run XXX -bench MutantKill -benchtime 3x ./conformance/
func BenchmarkMutantKill(b *testing.B) {
	const name = "chip~payee-seen-cache-volatile"
	var m models.Mutant
	for _, x := range all.Mutants() {
		if x.Scheme.Info().Name == name {
			m = x
		}
	}
	if m.Scheme == nil {
		b.Fatalf("no mutant %s", name)
	}
	for _, shrink := range []time.Duration{conformance.DefaultShrinkTime, 100 * time.Millisecond} {
		b.Run("shrink="+shrink.String(), func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				suite.ForgetSignatures() // see coldStart
				before, _ := cputime.Process()
				score, _, err := conformance.CheckMutants(context.Background(), []models.Mutant{m},
					conformance.Options{Checks: mutantChecks, Only: []string{"R2.2"}, ShrinkTime: shrink})
				after, _ := cputime.Process()
				cpu += after - before
				if err != nil {
					b.Fatal(err)
				}
				if score.Killed != 1 {
					b.Fatalf("%s survived R2.2", name)
				}
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkGameTrialCounterLinkage is BenchmarkGameTrial, under GM, on
// the targets whose games play all N trials (the listed schemes that
// document no R3 game failure, and the ideal control), with the whole
// library and without counter-linkage: what the sixth distinguisher adds
// to a trial.
//
//	go test -run XXX -bench GameTrialCounterLinkage -benchtime 200x -count 5 ./conformance/
func BenchmarkGameTrialCounterLinkage(b *testing.B) {
	gm, _ := suite.ByID(suite.GM)
	targets := []models.Scheme{control.Ideal()}
	for _, s := range all.Schemes() {
		if !slices.ContainsFunc(s.Info().Expected, func(v models.Violation) bool { return v.Property == "R3.1-which-payer-game" }) {
			targets = append(targets, s)
		}
	}
	for _, s := range targets {
		for _, lib := range []string{"six", "five"} {
			b.Run(s.Info().Name+"/"+lib, func(b *testing.B) {
				if lib == "five" {
					defer conformance.WithoutDistinguisher("counter-linkage")()
				}
				gameTrials(b, s, gm)
			})
		}
	}
}

// BenchmarkGameLive plays b.N trials of the which-payer game (as
// BenchmarkGameTrial) on chip and pseudocoin under GM, then reports the
// live heap (after a collection) in live-MB: what the game keeps, which
// the collector marks again at every cycle of a run. Unlike gctrace's
// figures it does not depend on when the collector ran.
//
//	go test -run XXX -bench GameLive -benchtime 1000x ./conformance/
func BenchmarkGameLive(b *testing.B) {
	gm, _ := suite.ByID(suite.GM)
	for _, s := range all.Schemes() {
		if n := s.Info().Name; n != "chip" && n != "pseudocoin" {
			continue
		}
		b.Run(s.Info().Name, func(b *testing.B) {
			trial, failed := conformance.NewGameTrials(s, gm, 1)
			for b.Loop() {
				trial()
			}
			if errs := failed(); len(errs) > 0 {
				b.Fatalf("game: %v", errs)
			}
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.HeapAlloc)/1e6, "live-MB")
			runtime.KeepAlive(trial)
		})
	}
}
