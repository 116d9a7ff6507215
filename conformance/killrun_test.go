package conformance

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// killShrinkTime is rapid's shrinking budget in the tests that ask only
// whether a mutant is killed: a kill is a verdict, and the verdict does
// not wait for the counterexample to be minimal (the documented witnesses
// match unshrunk failures too; TestMutants' bases, settled at this budget,
// show it). At the default budget, shrinking every killing failure for
// two seconds was most of those tests' wall time.
const killShrinkTime = 100 * time.Millisecond

// killer scores one mutant at a time as CheckMutants does (GM, the
// properties of opts.Only, judged against its base's verdicts), but runs
// each base once per set of options: the base's results do not depend on
// which mutant is judged against them, and several mutants share a base
// and a sub-property. Only runs with nothing switched off may use it: the
// test hooks change what a base does.
type killer struct {
	mu    sync.Mutex
	bases map[string]func() ([]Result, error)
}

// gmOpts are opts under GM only, at killShrinkTime.
func gmOpts(t *testing.T, opts Options) Options {
	t.Helper()
	gm, err := suite.ByID(suite.GM)
	if err != nil {
		t.Fatal(err)
	}
	opts.Suites = []suite.Suite{gm}
	opts.ShrinkTime = killShrinkTime
	return opts
}

// checkOrFatal runs target under opts on CheckAll's pool, one property
// per worker: Check runs a target's properties one after another on one
// core, and CheckAll's results are Check's (TestScheduleSameResults).
func checkOrFatal(t *testing.T, target models.Scheme, opts Options) []Result {
	t.Helper()
	rs, err := CheckAll(context.Background(), []models.Scheme{target}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rs.Results
}

// kill runs m and (unless an earlier run had the same options) its base
// side by side, and judges m against the base.
func (k *killer) kill(t *testing.T, m models.Mutant, opts Options) MutantRun {
	t.Helper()
	opts = gmOpts(t, opts)
	key := fmt.Sprintf("%s %v %d", m.Base.Info().Name, opts.Only, opts.Checks)
	k.mu.Lock()
	if k.bases == nil {
		k.bases = map[string]func() ([]Result, error){}
	}
	base, ok := k.bases[key]
	if !ok {
		base = sync.OnceValues(func() ([]Result, error) {
			// The base shrinks at the default budget: its documented
			// violations settle by matching their witness against the
			// failure, which a shrink cut short under load could change.
			bo := opts
			bo.ShrinkTime = 0
			rs, err := CheckAll(context.Background(), []models.Scheme{m.Base}, bo)
			if err != nil {
				return nil, err
			}
			return rs.Results, nil
		})
		k.bases[key] = base
	}
	k.mu.Unlock()
	done := make(chan struct{})
	go func() { defer close(done); base() }() // beside the mutant's run, as CheckMutants' workers
	got := checkOrFatal(t, m.Scheme, opts)
	<-done
	rs, err := base()
	if err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]Verdict{}
	for _, r := range rs {
		verdicts[r.ID()] = r.Verdict
	}
	return judge(m, got, verdicts)
}

// survives runs m alone and judges it without its base, so any fail of a
// property of its requirement is a kill: stricter than judging against
// the base (which discounts a property that fails on the base too), and
// it spares the base's run, which the tests' second runs would make under
// a test hook no other run shares.
// A property that ran no case (a test hook took out all it stages) kills
// nothing: it fails on the base as well.
func survives(t *testing.T, m models.Mutant, opts Options) MutantRun {
	t.Helper()
	var ran []Result
	for _, r := range checkOrFatal(t, m.Scheme, gmOpts(t, opts)) {
		if r.Runs > 0 || r.Counterexample != nil {
			ran = append(ran, r)
		}
	}
	if len(ran) == 0 {
		t.Fatalf("%s: no property of %v ran a case with the hook on: its survival would be unearned", m.Scheme.Info().Name, opts.Only)
	}
	return judge(m, ran, nil)
}
