package conformance

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
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
	if n := trialsFor(gameEpsilon); n != 664 {
		t.Errorf("trialsFor(0.05) = %d, want 664", n)
	}
}

// TestCoverage checks that the 99% interval covers a fair coin's rate in
// about 99% of games, and that a coin at chance almost never looks like
// a leak under the game's sequential stopping rule.
func TestCoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const games, n = 2000, 200
	miss, falseLeak := 0, 0
	for g := 0; g < games; g++ {
		s := &tally{name: "coin"}
		stopped := false
		for i := 0; i < n; i++ {
			s.add(r.IntN(2) == 0, "")
			if s.trials >= minTrials && s.verdict(gameEpsilon) == leaks {
				stopped = true
				break
			}
		}
		if stopped {
			falseLeak++
		}
		lo, hi := s.interval()
		if !stopped && (lo > 0.5 || hi < 0.5) {
			miss++
		}
	}
	if rate := float64(miss) / games; rate > 0.02 {
		t.Errorf("the interval missed 1/2 in %.3f of fixed-length games, want about 0.01", rate)
	}
	if rate := float64(falseLeak) / games; rate > 0.02 {
		t.Errorf("sequential stopping declared a leak for a fair coin in %.3f of games", rate)
	}
	t.Logf("misses %d, false leaks %d of %d games", miss, falseLeak, games)
}

func TestJudge(t *testing.T) {
	sb := newScoreboard()
	for i := 0; i < 40; i++ {
		for j, s := range sb.tallies {
			s.add(j == 1 || i%2 == 0, "the field")
		}
	}
	err := sb.judge("game", gameEpsilon)
	if err == nil || !strings.Contains(err.Error(), library[1].name) || !strings.Contains(err.Error(), "the field") {
		t.Fatalf("judge with a perfect distinguisher: %v", err)
	}
	g := sb.game(gameEpsilon)
	if g.Trials != 40 || len(g.Distinguishers) != len(library) || g.Distinguishers[1].Leak == "" || g.Distinguishers[0].Leak != "" {
		t.Fatalf("game statistics: %+v", g)
	}
	sb = newScoreboard()
	for i := 0; i < 200; i++ {
		for _, s := range sb.tallies {
			s.add(i%2 == 0, "")
		}
	}
	if err := sb.judge("game", gameEpsilon); err == nil || !strings.Contains(err.Error(), "lack of evidence") {
		t.Fatalf("judge at chance with 200 trials: %v", err)
	}
	sb = newScoreboard()
	for i := 0; i < 10000; i++ {
		for _, s := range sb.tallies {
			s.add(i%2 == 0, "")
		}
	}
	if err := sb.judge("game", gameEpsilon); err != nil {
		t.Fatalf("judge at chance with 10000 trials: %v", err)
	}
}
