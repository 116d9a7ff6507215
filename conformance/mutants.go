package conformance

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// mutantWorkers is how many checks (mutants and their bases) run at once.
const mutantWorkers = 2

// CheckMutants runs each mutant against the properties of the requirement
// it names, under the GM suite only (opts.Suites and opts.Only are
// replaced), and scores the suites: a mutant is killed when some property
// of its requirement fails on it (a fail: not the base's documented
// violation) and was expected on the mutant's base (pass, or
// expected-fail with the documented cause); see judge. Each base is
// checked once per requirement its mutants name; its unexpected verdicts
// are counted as false alarms (MutantScore.Alarms), and a property
// unexpected or skipped on the base kills nothing. Checks run on a
// small pool, all with the same depth, seed and shrink time, as Check
// requires. It returns the score and every result (bases' included), each
// Target naming its scheme ("chip", "chip~name").
func CheckMutants(ctx context.Context, mutants []models.Mutant, opts Options) (*MutantScore, []Result, error) {
	opts = opts.withDefaults()
	gm, err := suite.ByID(suite.GM)
	if err != nil {
		return nil, nil, err
	}
	opts.Suites = []suite.Suite{gm}
	opts.Progress = nil
	if err := opts.check(); err != nil {
		return nil, nil, err
	}
	// rapid's settings are process-wide: set them once for every worker
	// (and write no fail files: a mutant's failures are not regressions).
	defer setRapid(opts, true)()
	start := time.Now()

	// The jobs: every (base, requirement) pair the catalogue needs, then
	// every mutant.
	type job struct {
		target models.Scheme
		req    spec.ReqID
	}
	type baseKey struct {
		base string
		req  spec.ReqID
	}
	var jobs []job
	baseJob := map[baseKey]int{}
	for _, m := range mutants {
		if m.Base == nil {
			continue
		}
		k := baseKey{m.Base.Info().Name, m.Breaks}
		if _, ok := baseJob[k]; !ok {
			baseJob[k] = len(jobs)
			jobs = append(jobs, job{m.Base, m.Breaks})
		}
	}
	first := len(jobs)
	for _, m := range mutants {
		jobs = append(jobs, job{m.Scheme, m.Breaks})
	}
	results := make([][]Result, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(mutantWorkers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := opts
				o.Only = onlyWithin(opts.Only, jobs[i].req)
				results[i] = checkTarget(ctx, jobs[i].target, o).Results
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	score := &MutantScore{
		Total: len(mutants), ByReq: map[string]int{}, OfReq: map[string]int{},
		Suite: string(suite.GM), Checks: opts.Checks,
	}
	var all []Result
	for i := 0; i < first; i++ {
		for _, r := range results[i] {
			if r.Verdict.Unexpected() {
				score.Alarms++
			}
		}
		all = append(all, results[i]...)
	}
	for i, m := range mutants {
		var base map[string]Verdict
		if m.Base != nil {
			base = map[string]Verdict{}
			for _, r := range results[baseJob[baseKey{m.Base.Info().Name, m.Breaks}]] {
				base[r.ID()] = r.Verdict
			}
		}
		run := judge(m, results[first+i], base)
		score.Runs = append(score.Runs, run)
		score.OfReq[string(m.Breaks)]++
		if run.Killed {
			score.Killed++
			score.ByReq[string(m.Breaks)]++
		}
		all = append(all, results[first+i]...)
	}
	if score.Total > 0 {
		score.Score = float64(score.Killed) / float64(score.Total)
	}
	score.DurationS = time.Since(start).Seconds()
	return score, all, nil
}

// onlyWithin narrows a mutant job's run to the ids of only that lie in
// requirement req (sub-properties, properties); with none, the whole
// requirement runs.
func onlyWithin(only []string, req spec.ReqID) []string {
	var out []string
	for _, f := range only {
		if f != string(req) && strings.HasPrefix(f, string(req)+".") {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return []string{string(req)}
	}
	return out
}

// judge decides whether a mutant's results kill it. A property kills the
// mutant when its verdict on the mutant is unexpected — fail: it failed
// and the base documents no violation of it, or documents one whose
// witness the failure does not match — and its verdict on the base was
// expected: pass, or expected-fail with the documented cause (the
// mutant's bug made it fail for another cause). Without a base, a fail
// kills. An expected-fail on the mutant kills nothing: the failure is the
// base's documented one. A fail of another requirement's property is
// listed in Also.
func judge(m models.Mutant, results []Result, base map[string]Verdict) MutantRun {
	run := MutantRun{Mutant: m.Name, Scheme: m.Scheme.Info().Name, Breaks: m.Breaks, Doc: m.Doc}
	for _, r := range results {
		if r.Verdict != Fail {
			continue
		}
		id := r.ID()
		switch {
		case r.Requirement != m.Breaks:
			run.Also = append(run.Also, id)
		case base == nil, base[id] == Pass, base[id] == ExpectedFail:
			run.KilledBy = append(run.KilledBy, id)
		}
	}
	sort.Strings(run.KilledBy)
	run.Killed = len(run.KilledBy) > 0
	return run
}
