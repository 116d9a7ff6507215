package conformance_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// thresholdSeen is chip, recording the threshold every instance is built
// with.
type thresholdSeen struct {
	chip.Scheme
	mu   sync.Mutex
	seen map[int64]bool
}

func (s *thresholdSeen) New(w *world.World, cfg models.Config) (models.Instance, error) {
	s.mu.Lock()
	s.seen[cfg.Threshold] = true
	s.mu.Unlock()
	return s.Scheme.New(w, cfg)
}

// TestThresholdOption: the anonymity threshold is the run's option, not
// process state: every instance of a run is built with it, a run with
// another T says so in its parameters and replay lines, and a default run
// with neither (its results' bytes do not change).
func TestThresholdOption(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	for _, c := range []struct {
		threshold, want int64
		stated          bool
	}{
		{0, models.DefaultThreshold, false},
		{models.DefaultThreshold, models.DefaultThreshold, false},
		{12345, 12345, true},
	} {
		s := &thresholdSeen{seen: map[int64]bool{}}
		rs, err := conformance.Check(context.Background(), s, conformance.Options{
			Checks: 1, Suites: []suite.Suite{gm}, Only: []string{"R6.5"}, Threshold: c.threshold,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.seen) != 1 || !s.seen[c.want] {
			t.Errorf("Threshold %d: instances built with %v, want only %d", c.threshold, s.seen, c.want)
		}
		if len(rs.Results) == 0 {
			t.Fatalf("Threshold %d: the run has no results", c.threshold)
		}
		_, inParams := rs.Env.Params["threshold"]
		for _, r := range rs.Results {
			if strings.Contains(r.Replay, "--threshold") != c.stated || inParams != c.stated {
				t.Errorf("Threshold %d: replay %q, params %v: want T stated %v", c.threshold, r.Replay, rs.Env.Params, c.stated)
			}
		}
	}
}

// A threshold the per-payment limit would refuse to pay at T+1, or a
// negative one, is a bad option for Go callers as for the CLI.
func TestThresholdRefused(t *testing.T) {
	for _, th := range []int64{-1, bank.DefaultLimits.PerPayment, 60000} {
		_, err := conformance.Check(context.Background(), &thresholdSeen{seen: map[int64]bool{}}, conformance.Options{Checks: 1, Only: []string{"R6.5"}, Threshold: th})
		if !errors.Is(err, conformance.ErrBadOption) {
			t.Errorf("Threshold %d: %v, want ErrBadOption", th, err)
		}
	}
}
