package conformance

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func TestWilsonInterval(t *testing.T) {
	for _, c := range []struct {
		k, n      int
		low, high float64
	}{
		// Reference values of the 99% Wilson score interval.
		{0, 0, 0, 1},
		{10, 20, 0.2504, 0.7496},
		{20, 20, 0.7506, 1},
		{0, 20, 0, 0.2494},
		{5000, 10000, 0.4871, 0.5129},
	} {
		lo, hi := wilson(c.k, c.n)
		if math.Abs(lo-c.low) > 1e-3 || math.Abs(hi-c.high) > 1e-3 {
			t.Errorf("wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", c.k, c.n, lo, hi, c.low, c.high)
		}
		if p := float64(c.k) / math.Max(1, float64(c.n)); c.n > 0 && (p < lo || p > hi) {
			t.Errorf("wilson(%d, %d) = [%.4f, %.4f] does not contain %.4f", c.k, c.n, lo, hi, p)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		k, n int
		want verdict
	}{
		{20, 20, leaks},
		{0, 20, leaks},
		{10, 20, undecided},
		{100, 200, undecided},
		{5000, 10000, chance},
		{5600, 10000, undecided},
		{5800, 10000, leaks},
	} {
		lo, hi := wilson(c.k, c.n)
		if got := classify(lo, hi, gameEpsilon); got != c.want {
			t.Errorf("%d/%d, interval [%.3f, %.3f]: verdict %d, want %d", c.k, c.n, lo, hi, got, c.want)
		}
	}
}

// TestGameParameters pins N and the looks to the figures
// spec/requirements.md states.
func TestGameParameters(t *testing.T) {
	if math.Abs(z99-2.5758) > 1e-4 {
		t.Errorf("z99 = %.5f, want 2.5758", z99)
	}
	// The bare minimum: a rate of exactly 1/2 needs 664 trials for its
	// 99% interval to fit in 1/2±0.05 at all (z_beta = 0: beta/(2d) = 1/2).
	if n := trialsFor(gameEpsilon, gameAlpha, 1, 1); n != 664 {
		t.Errorf("trialsFor(0.05, 0.01, 1, 1) = %d, want 664", n)
	}
	if len(library) != 6 {
		t.Errorf("%d distinguishers, want D = 6 (spec/requirements.md)", len(library))
	}
	if gameN != 4021 || len(gameLooks) != 9 || gameLooks[0] != minTrials || gameLooks[len(gameLooks)-1] != gameN {
		t.Errorf("N = %d, looks %v: want N = 4021 (the catalogue's figure) and 9 looks from %d to N", gameN, gameLooks, minTrials)
	}
	if math.Abs(zLeak-3.7384) > 1e-3 {
		t.Errorf("zLeak = %.4f, want 3.738 (alpha 0.01 over 9 looks and 6 distinguishers)", zLeak)
	}
	t.Log(GameParameters())
}

// playCoins runs the game's procedure on d independent coins of success
// probability p: the leak looks, then certification at N. It returns the
// outcome and the trial it stopped at.
func playCoins(r *rand.Rand, p float64, d int) (string, int) {
	sb := &scoreboard{}
	for i := 0; i < d; i++ {
		sb.tallies = append(sb.tallies, &tally{name: "coin"})
	}
	n, s := sb.play(func() {
		for _, s := range sb.tallies {
			s.add(r.Float64() < p, "")
		}
	})
	if s != nil {
		return OutcomeLeak, n
	}
	return sb.outcome(gameEpsilon), n
}

// TestGameErrorRates measures the game's sequential rule on simulated
// games of len(library) independent coins (a seeded source): at a fair
// coin (an ideal target) the false-leak rate must stay within alpha and
// the lack-of-evidence rate within beta; at the band's edge (rate
// 1/2+epsilon, the worst target the null admits) the false-leak rate
// must stay within alpha too. A coin that always wins stops at the first
// look. The old rule (a 99% interval after every trial from 20 on) is
// measured at the edge for comparison.
func TestGameErrorRates(t *testing.T) {
	games := 2000
	if testing.Short() {
		games = 400
	}
	d := len(library)
	r := rand.New(rand.NewPCG(1, 2))
	count := func(p float64) map[string]int {
		m := map[string]int{}
		for g := 0; g < games; g++ {
			o, _ := playCoins(r, p, d)
			m[o]++
		}
		return m
	}
	// Three standard errors above a rate's bound, so that a correct rule
	// fails the test with negligible probability.
	slack := func(rate float64) float64 { return rate + 3*math.Sqrt(rate*(1-rate)/float64(games)) }
	fair := count(0.5)
	t.Logf("fair coins, %d games of N = %d: certified %d, lack of evidence %d, false leak %d (alpha %g, beta %g)",
		games, gameN, fair[OutcomeCertified], fair[OutcomeNoEvidence], fair[OutcomeLeak], gameAlpha, gameBeta)
	if rate := float64(fair[OutcomeLeak]) / float64(games); rate > slack(gameAlpha) {
		t.Errorf("fair coins: false-leak rate %.4f, nominal alpha %.2f", rate, gameAlpha)
	}
	if rate := float64(fair[OutcomeNoEvidence]) / float64(games); rate > slack(gameBeta) {
		t.Errorf("fair coins: lack-of-evidence rate %.4f, nominal beta %g", rate, gameBeta)
	}
	edge := count(0.5 + gameEpsilon)
	t.Logf("coins at 1/2+epsilon, %d games: false leak %d (rate %.4f, alpha %.2f)", games, edge[OutcomeLeak], float64(edge[OutcomeLeak])/float64(games), gameAlpha)
	if rate := float64(edge[OutcomeLeak]) / float64(games); rate > slack(gameAlpha) {
		t.Errorf("coins at the band's edge: false-leak rate %.4f, nominal alpha %.2f", rate, gameAlpha)
	}
	if o, n := playCoins(r, 1, d); o != OutcomeLeak || n != minTrials {
		t.Errorf("a distinguisher that always wins: %s after %d trials, want a leak at the first look (%d)", o, n, minTrials)
	}
	// The old rule, for the log: one coin at the edge, a 99% interval
	// after every trial from 20 on.
	old := 0
	for g := 0; g < games; g++ {
		s := &tally{name: "coin"}
		for i := 0; i < gameN; i++ {
			s.add(r.Float64() < 0.5+gameEpsilon, "")
			lo, hi := s.interval()
			if s.trials >= minTrials && classify(lo, hi, gameEpsilon) == leaks {
				old++
				break
			}
		}
	}
	t.Logf("old rule (99%% interval after every trial) on one coin at the edge: false leak in %d of %d games (%.4f)", old, games, float64(old)/float64(games))
}

func TestJudge(t *testing.T) {
	sb := newScoreboard()
	for i := 0; i < 40; i++ {
		for j, s := range sb.tallies {
			s.add(j == 1 || i%2 == 0, "the field")
		}
	}
	err := sb.judge("game", gameEpsilon)
	if err == nil || !strings.Contains(err.Error(), library[1].name) || !strings.Contains(err.Error(), "keyed on the field") {
		t.Fatalf("judge with a perfect distinguisher: %v", err)
	}
	g := sb.game(gameEpsilon)
	if g.Trials != 40 || g.Outcome != OutcomeLeak || len(g.Distinguishers) != len(library) || g.Distinguishers[1].Leak == "" || g.Distinguishers[0].Leak != "" {
		t.Fatalf("game statistics: %+v", g)
	}
	sb = newScoreboard()
	for i := 0; i < 200; i++ {
		for _, s := range sb.tallies {
			s.add(i%2 == 0, "the field")
		}
	}
	err = sb.judge("game", gameEpsilon)
	if err == nil || !strings.Contains(err.Error(), "lack of evidence") || strings.Contains(err.Error(), "keyed on") || strings.Contains(err.Error(), "the field") {
		t.Fatalf("judge at chance with 200 trials: %v", err)
	}
	if g := sb.game(gameEpsilon); g.Outcome != OutcomeNoEvidence || g.Distinguishers[0].Leak != "" {
		t.Fatalf("game at chance with 200 trials: outcome %q, leak %q", g.Outcome, g.Distinguishers[0].Leak)
	}
	// 60% over 200 trials: the 99% interval [0.509, 0.686] leaves the
	// band, the adjusted one does not: lack of evidence, not a leak.
	sb = newScoreboard()
	for i := 0; i < 200; i++ {
		for _, s := range sb.tallies {
			s.add(i%5 < 3, "the field")
		}
	}
	if err := sb.judge("game", gameEpsilon); err == nil || !strings.Contains(err.Error(), "lack of evidence") || strings.Contains(err.Error(), "keyed on") {
		t.Fatalf("judge at 60%% with 200 trials: %v", err)
	}
	sb = newScoreboard()
	for i := 0; i < gameN; i++ {
		for _, s := range sb.tallies {
			s.add(i%2 == 0, "")
		}
	}
	if err := sb.judge("game", gameEpsilon); err != nil {
		t.Fatalf("judge at chance with N trials: %v", err)
	}
	if g := sb.game(gameEpsilon); g.Outcome != OutcomeCertified || g.Planned != gameN || g.Trials != gameN {
		t.Fatalf("game at chance with N trials: %+v", g)
	}
}

// TestOpenersOpen: the reference models' models.Opener opens what a
// payment seals to a key the adversary holds (cert: the coins sealed to
// the merchant; chain: the transfer sealed to the master nodes' chain
// key), so R3.3's decryption clause reads real plaintexts; chip seals
// nothing.
func TestOpenersOpen(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	for _, c := range []struct {
		scheme models.Scheme
		opens  bool
	}{{chip.Scheme{}, false}, {cert.Scheme{Variant: cert.Recovering}, true}, {chain.Scheme{}, true}} {
		name := c.scheme.Info().Name
		tt := &T{Target: c.scheme, Info: c.scheme.Info(), Suite: gm, Seed: 1, ctx: context.Background(), checks: 5, steps: 10, name: name}
		done := make(chan []viewItem)
		go func() {
			defer close(done)
			g := newGame(tt, "opener", 1, anyAmount)
			v := g.pay(g.cands[0].party, g.merchants[0], 100)
			plain, ok := opened(g.in, g.merchants[0], v.items)
			if !ok {
				tt.Errorf("%s implements no models.Opener", name)
			}
			done <- plain
		}()
		plain := <-done
		if tt.Failed() {
			t.Fatalf("%s: %v", name, tt.errs)
		}
		if got := len(plain) > 0; got != c.opens {
			t.Errorf("%s: opened %d plaintexts of a payment's view, want some: %v", name, len(plain), c.opens)
		}
		for _, p := range plain {
			t.Logf("%s: %s (%d bytes)", name, p.label, len(p.b))
		}
	}
}
