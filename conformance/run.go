package conformance

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// DefaultSeed is the base seed when none is given: a fixed seed keeps CI
// runs identical; raise --seed (or -rapid.seed) to explore.
const DefaultSeed = 1

// Defaults of Options.
const (
	DefaultChecks     = 30
	DefaultSteps      = 12
	DefaultTimeout    = 10 * time.Minute
	DefaultShrinkTime = 2 * time.Second
)

// maxNotes bounds the notes a result carries.
const maxNotes = 24

// maxTraceEvents bounds the trace a counterexample carries (the last
// events are kept: the violation is at the end).
const maxTraceEvents = 3000

// Options configure Check. The zero value runs every property of every
// requirement under both suites at the default depth.
type Options struct {
	Checks     int           // generated cases per property (DefaultChecks)
	Steps      int           // average actions per generated sequence (DefaultSteps)
	Seed       uint64        // base seed (DefaultSeed)
	Suites     []suite.Suite // nil means suite.All()
	Only       []string      // requirement ("R2"), sub-property ("R2.3") or property ("R2.3-…") ids; nil means all
	Timeout    time.Duration // per property (DefaultTimeout)
	ShrinkTime time.Duration // rapid's budget to minimise a failure (DefaultShrinkTime)
	// Threshold is the anonymity threshold T, fen (R3.6): payments of at
	// most T are the small, anonymous ones. The catalogue does not fix it;
	// the R3 properties state it in their log, and every instance the
	// suites build is told it (models.Config.Threshold). It must stay below
	// the per-payment offline limit so that a payment of T+1 is allowed.
	// 0 means models.DefaultThreshold.
	Threshold int64
	// Command is how the replay line names the CLI ("dualoffline").
	Command string
	// ReplayFlags are added to every replay line (the interactive suites'
	// --impl).
	ReplayFlags string
	// Progress, if set, is called right after each property finishes,
	// from the worker goroutine that ran it, with the property's result
	// before the target's documented violations are applied (a Fail may
	// still become ExpectedFail in the returned Results). CheckAll runs
	// targets concurrently, so Progress must be safe for concurrent use.
	// See Total for how many calls to expect.
	Progress func(r Result)
	// Shard, if set, runs only this shard's part of a Check, CheckAll or
	// CheckSeeds (shard.go; CheckMutants ignores it);
	// the results' Env.Shard identifies it for MergeShards.
	Shard Shard
	// Workers bounds how many properties CheckAll runs at once; 0 means
	// one per core. Targets sharing hardware (cards in readers) set 1 and
	// run one property at a time.
	Workers int
	// keep, if set, selects the units a run checks (the shard's).
	keep func(target string, s suite.ID, p Property) bool
	// streams are the run's anonymity streams (stream.go), set once the
	// run's jobs are known.
	streams *streams
}

func (o Options) withDefaults() Options {
	if o.Checks <= 0 {
		o.Checks = DefaultChecks
	}
	if o.Steps <= 0 {
		o.Steps = DefaultSteps
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Suites == nil {
		o.Suites = suite.All()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ShrinkTime <= 0 {
		o.ShrinkTime = DefaultShrinkTime
	}
	if o.Command == "" {
		o.Command = "dualoffline"
	}
	if o.Threshold == 0 {
		o.Threshold = models.DefaultThreshold
	}
	return o
}

// selects reports whether the Only filter keeps property p.
func (o Options) selects(p Property) bool {
	if len(o.Only) == 0 {
		return true
	}
	for _, f := range o.Only {
		if f == string(p.Sub.Req()) || f == string(p.Sub) || f == p.ID() {
			return true
		}
	}
	return false
}

// ErrBadOption is returned (wrapped) for an unusable Options value.
var ErrBadOption = errors.New("conformance: bad option")

func (o Options) check() error {
	if o.Threshold < 0 || o.Threshold >= bank.DefaultLimits.PerPayment {
		return fmt.Errorf("%w: threshold %d fen: T must be positive (0: the default) and below the per-payment offline limit of %d fen", ErrBadOption, o.Threshold, bank.DefaultLimits.PerPayment)
	}
	if o.Shard.active() && (o.Shard.Count > MaxShards || o.Shard.Index < 1 || o.Shard.Index > o.Shard.Count) {
		return fmt.Errorf("%w: shard %s: want 1 ≤ i ≤ n ≤ %d", ErrBadOption, o.Shard, MaxShards)
	}
	for _, f := range o.Only {
		ok := false
		for _, p := range Properties() {
			if f == string(p.Sub.Req()) || f == string(p.Sub) || f == p.ID() {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("%w: %q names no requirement, sub-property or property", ErrBadOption, f)
		}
	}
	return nil
}

// Check runs the selected properties against target outside go test and
// returns every result. For the duration of the call it holds rapid's
// process-wide settings (checks, steps, seed, shrink time, no fail
// files) and raises the garbage collector's target (applyGC): concurrent Checks with the same depth and seed share them, one
// with other settings waits for the others to finish. It returns an error
// only for bad options; verdicts, including failures, are in the Results.
func Check(ctx context.Context, target models.Scheme, opts Options) (*Results, error) {
	opts = opts.withDefaults()
	if err := opts.check(); err != nil {
		return nil, err
	}
	defer setRapid(opts, true)()
	var info *ShardInfo
	if opts.Shard.active() {
		info = shardFilter([]models.Scheme{target}, &opts)
	}
	rs := checkTarget(ctx, target, opts)
	rs.Env.Shard = info
	return rs, nil
}

// CheckAll runs Check over several targets on a pool of workers, one per
// CPU (Options.Workers bounds it). The unit of work is one property on one
// target under one suite, dealt out longest first by the shard cost table
// (ShardCost), so that no core idles while one long job finishes.
// Verdicts and counterexamples do not depend on the schedule: every
// property draws only from the seed, and each builds its own world. The
// results come back sorted, the same as running Check on each target.
func CheckAll(ctx context.Context, targets []models.Scheme, opts Options) (*Results, error) {
	opts = opts.withDefaults()
	if err := opts.check(); err != nil {
		return nil, err
	}
	defer setRapid(opts, true)()
	var info *ShardInfo
	if opts.Shard.active() {
		info = shardFilter(targets, &opts)
	}
	jobs := schedule(targets, opts)
	opts.streams = newStreams(ctx, jobs, opts)
	out := make([]Result, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	if opts.Workers > 0 {
		workers = opts.Workers
	}
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = runJob(ctx, jobs[i], opts)
			}
		}()
	}
	for _, i := range longestFirst(jobs) {
		next <- i
	}
	close(next)
	wg.Wait()
	rs := &Results{Schema: SchemaVersion, Env: NewEnv(opts)}
	rs.Env.Shard = info
	// out is in target, suite, property order, as Check's would be: Sort
	// ranks targets by first appearance. settle is per result.
	rs.Results = out
	for i, j := range jobs {
		settle(rs.Results[i:i+1], j.target.Info())
	}
	rs.Sort()
	return rs, nil
}

// job is one property on one target under one suite: what CheckAll
// schedules.
type job struct {
	target models.Scheme
	suite  suite.Suite
	prop   Property
	cost   int // ShardCost of prop
}

// schedule lists the jobs opts selects over targets in target, suite and
// property order.
func schedule(targets []models.Scheme, opts Options) []job {
	var jobs []job
	for _, t := range targets {
		name := t.Info().Name
		for _, s := range opts.Suites {
			for _, p := range Properties() {
				if !opts.selects(p) || (opts.keep != nil && !opts.keep(name, s.ID(), p)) {
					continue
				}
				jobs = append(jobs, job{t, s, p, ShardCost(name, p.ID())})
			}
		}
	}
	// The anonymity games of a target and suite score one stream, which
	// the first of them to run plays while the others wait for it: the
	// first carries the games' summed cost, the others go last, so that
	// no worker waits on a stream another is playing.
	first := map[string]int{}
	for i, j := range jobs {
		if _, game := gameOf(j.prop.ID()); !game {
			continue
		}
		k := streamKey(j.target.Info().Name, j.suite.ID())
		if f, ok := first[k]; ok {
			jobs[f].cost += j.cost
			jobs[i].cost = 1
			continue
		}
		first[k] = i
	}
	return jobs
}

// longestFirst is the order to start jobs in: by ShardCost, longest first
// (ties in list order), so the short ones fill the cores at the end.
func longestFirst(jobs []job) []int {
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(jobs[b].cost, jobs[a].cost) })
	return order
}

// runJob runs one job and reports it to Progress.
func runJob(ctx context.Context, j job, opts Options) Result {
	name := fmt.Sprintf("dualoffline/%s/%s/%s", j.target.Info().Name, j.suite.ID(), j.prop.ID())
	r := runProperty(ctx, j.target, j.suite, j.prop, opts, name)
	if opts.Progress != nil {
		opts.Progress(r)
	}
	return r
}

// Total is the number of properties Check or CheckAll runs (and so the
// number of Progress calls) for targets under opts.
func Total(opts Options, targets []models.Scheme) int {
	opts = opts.withDefaults()
	if opts.Shard.active() && opts.check() == nil {
		return shardFilter(targets, &opts).Units
	}
	n := 0
	for _, p := range Properties() {
		if opts.selects(p) {
			n++
		}
	}
	return n * len(opts.Suites) * len(targets)
}

// checkTarget is Check without touching rapid's settings: the caller has
// set them from opts.
func checkTarget(ctx context.Context, target models.Scheme, opts Options) *Results {
	rs := &Results{Schema: SchemaVersion, Env: NewEnv(opts)}
	jobs := schedule([]models.Scheme{target}, opts)
	opts.streams = newStreams(ctx, jobs, opts)
	for _, j := range jobs {
		rs.Results = append(rs.Results, runJob(ctx, j, opts))
	}
	settle(rs.Results, target.Info())
	rs.Sort()
	return rs
}

// Run runs every property against target as subtests of t, one subtest
// per requirement with one per property inside it, for each suite (the
// shape of nettest.TestConn). Depth and seed come from rapid's flags
// (-rapid.checks, -rapid.steps, -rapid.seed); a zero -rapid.seed means
// DefaultSeed, so runs are reproducible. Skips skip, expected failures
// are logged with their counterexample, unexpected verdicts fail.
func Run(t *testing.T, target models.Scheme) {
	t.Helper()
	RunSuites(t, target, suite.All()...)
}

// RunSuites is Run restricted to the given suites.
func RunSuites(t *testing.T, target models.Scheme, suites ...suite.Suite) {
	t.Helper()
	opts := optionsFromFlags()
	opts.Suites = suites
	opts.streams = newStreams(context.Background(), schedule([]models.Scheme{target}, opts), opts)
	info := target.Info()
	for _, s := range suites {
		t.Run(string(s.ID()), func(t *testing.T) {
			for _, req := range spec.Catalogue() {
				t.Run(string(req.ID), func(t *testing.T) {
					var results []Result
					var props []Property
					for _, p := range Properties() {
						if p.Sub.Req() != req.ID {
							continue
						}
						props = append(props, p)
						results = append(results, runProperty(context.Background(), target, s, p, opts, t.Name()+"/"+p.ID()))
					}
					settle(results, info)
					for i, r := range results {
						t.Run(props[i].ID(), func(t *testing.T) { report(t, r) })
					}
				})
			}
		})
	}
}

// report turns a result into the verdict of a go test subtest.
func report(t *testing.T, r Result) {
	t.Helper()
	switch r.Verdict {
	case Skip:
		t.Skipf("skip: %s", r.Reason)
	case Pass:
		t.Logf("pass: %d runs, seed %d", r.Runs, r.Seed)
		for _, n := range r.Notes {
			t.Log(n)
		}
	case ExpectedFail:
		t.Logf("expected-fail (%s): %s", r.Reason, r.Counterexample.Message)
	case UnexpectedPass:
		t.Errorf("unexpected pass after %d runs: the target documents %s, but the property held\nreplay: %s", r.Runs, r.Reason, r.Replay)
	case Fail:
		var b strings.Builder
		fmt.Fprintf(&b, "fail after %d runs: %s\nreplay: %s", r.Runs, r.Reason, r.Replay)
		if d := r.Documented; d != nil {
			fmt.Fprintf(&b, "\nthe target documents a violation of this property, but not this one: documented cause: %s\nwitness (does not match the failure): %s", d.Reason, d.Witness.Match)
		}
		if cx := r.Counterexample; cx != nil {
			if cx.Plan != "" {
				fmt.Fprintf(&b, "\nfault plan: %s", cx.Plan)
			}
			for _, l := range cx.Log {
				fmt.Fprintf(&b, "\n  %s", l)
			}
			if len(cx.Trace) > 0 {
				fmt.Fprintf(&b, "\ntrace of the run under test:\n")
				cx.WriteTrace(&b, 40, "  ")
			}
		}
		t.Error(b.String())
	}
}

// runProperty runs one property in its own goroutine and turns what it
// recorded into a Result (verdicts are settled later, per sub-property).
func runProperty(ctx context.Context, target models.Scheme, s suite.Suite, p Property, opts Options, name string) Result {
	info := target.Info()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	t := &T{
		Target: target, Info: info, Suite: s, Seed: opts.Seed,
		name: name, ctx: ctx, checks: opts.Checks, steps: opts.Steps,
		threshold: opts.Threshold, streams: opts.streams,
	}
	if short() {
		t.checks = max(1, t.checks/5)
	}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer t.closeInstance()
		defer func() {
			if r := recover(); r != nil {
				t.fail(fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
			}
		}()
		p.Check(t)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.mu.Lock()
		t.timedOut = true
		t.mu.Unlock()
	}
	r := Result{
		Target:      info.Name,
		Suite:       string(s.ID()),
		Requirement: p.Sub.Req(),
		Sub:         p.Sub,
		Property:    p.Name,
		Doc:         p.Doc,
		Seed:        opts.Seed,
		Replay:      replay(opts, info.Name, s, p),
		DurationMS:  float64(time.Since(start).Microseconds()) / 1000,
	}
	t.mu.Lock()
	r.Runs, r.Game = t.runs, t.game
	for _, l := range t.logs {
		if len(r.Notes) == maxNotes {
			r.Notes = append(r.Notes, "…")
			break
		}
		if !strings.HasPrefix(l, "[rapid]") {
			r.Notes = append(r.Notes, l)
		}
	}
	skipped, timedOut := t.skipped, t.timedOut
	var first string
	if len(t.errs) > 0 {
		first = t.errs[0]
	}
	t.mu.Unlock()
	switch {
	case timedOut:
		r.Verdict, r.Reason = Fail, fmt.Sprintf("timed out after %v (%d runs)", opts.Timeout, r.Runs)
	case skipped:
		r.Verdict, r.Reason = Skip, first
	case t.Failed():
		r.Verdict, r.Reason = Fail, first
		r.Counterexample = t.finish()
		if n := len(r.Counterexample.Trace); n > maxTraceEvents {
			r.Counterexample.Trace = r.Counterexample.Trace[n-maxTraceEvents:]
		}
	case r.Runs == 0:
		r.Verdict, r.Reason = Fail, "the property ran no case, so it could not have failed"
	default:
		r.Verdict = Pass
	}
	stabilise(&r)
	return r
}

// stabilise makes a result's text the same bytes in every process:
// go-cmp's diffs (which many properties report) indent with a space or a
// no-break space, chosen at random once per process so that nobody
// compares its output; a result must not differ between the shards of a
// run, or between a run and its replay, so every no-break space becomes a
// space.
func stabilise(r *Result) {
	fix := func(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }
	r.Reason = fix(r.Reason)
	for i := range r.Notes {
		r.Notes[i] = fix(r.Notes[i])
	}
	if cx := r.Counterexample; cx != nil {
		cx.Message = fix(cx.Message)
		for i := range cx.Log {
			cx.Log[i] = fix(cx.Log[i])
		}
	}
}

// settle applies the target's documented violations, property by
// property (models.Info.Expected). A documented property that failed with
// a counterexample whose first violation matches the documented witness
// is expected-fail; one that failed for another cause, or without a
// counterexample (timed out, ran nothing), stays fail; one that held is
// unexpected-pass. Every documented result carries the documented reason
// and witness beside the observed cause (Result.Documented). A property
// the target does not document keeps its own verdict, whatever its
// sub-property: a failure there is a fail.
func settle(rs []Result, info models.Info) {
	for i := range rs {
		r := &rs[i]
		v, documented := info.Violation(r.ID())
		if !documented || r.Verdict == Skip {
			continue
		}
		d := &Documented{Reason: v.Reason, Witness: results.Witness(v.Witness)}
		switch r.Verdict {
		case Fail:
			d.Observed = r.Reason
			if r.Counterexample != nil && v.Witness.Matches(r.Reason) {
				r.Verdict, r.Reason = ExpectedFail, v.Reason
			}
		case Pass:
			r.Verdict, r.Reason = UnexpectedPass, v.Reason
		}
		r.Documented = d
	}
}

// ValidateInfo checks a target's documented violations: each is valid
// for package models (Info.Validate: a catalogued sub-property, a reason,
// a witness that compiles and names something, no property twice) and
// names a property the suites have.
func ValidateInfo(info models.Info) error {
	if err := info.Validate(); err != nil {
		return err
	}
	ids := map[string]bool{}
	for _, p := range Properties() {
		ids[p.ID()] = true
	}
	for _, v := range info.Expected {
		if !ids[v.Property] {
			return fmt.Errorf("%s: violation of %q: the suites have no such property", info.Name, v.Property)
		}
	}
	return nil
}

// replay is the command that reruns one property alone.
func replay(o Options, target string, s suite.Suite, p Property) string {
	var t string
	if o.Threshold != models.DefaultThreshold {
		t = fmt.Sprintf(" --threshold %d", o.Threshold)
	}
	return fmt.Sprintf("go run ./cmd/%s check --scheme %s --suite %s --only %s --seed %d --checks %d --steps %d%s%s",
		o.Command, target, s.ID(), p.ID(), o.Seed, o.Checks, o.Steps, t, o.ReplayFlags)
}

// rapidSettings are the process-wide rapid flags one run needs.
type rapidSettings struct {
	checks, steps int
	seed          uint64
	shrink        time.Duration
	cli           bool
}

// rapidState shares the flags between concurrent runs: runs that need the
// same settings share them, a run that needs others waits until no run
// holds them, and the last run out restores what was there before.
var rapidState struct {
	mu      sync.Mutex
	cond    *sync.Cond
	holders int
	current rapidSettings
	undo    func()
}

// setRapid pushes opts into rapid's process-wide flags (parsing the flag
// set first where nothing has: rapid and testing.Short read it) and
// returns a function that releases them; the previous values come back
// when the last concurrent holder releases. Concurrent runs with other
// settings wait for the flags (rapid reads them while it runs, so two
// runs cannot hold different values at once).
func setRapid(o Options, cli bool) (release func()) {
	want := rapidSettings{o.Checks, o.Steps, o.Seed, o.ShrinkTime, cli}
	st := &rapidState
	st.mu.Lock()
	if st.cond == nil {
		st.cond = sync.NewCond(&st.mu)
	}
	for st.holders > 0 && st.current != want {
		st.cond.Wait()
	}
	if st.holders == 0 {
		undoRapid, undoGC := applyRapid(want), applyGC()
		st.current, st.undo = want, func() { undoGC(); undoRapid() }
	}
	st.holders++
	st.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.holders--; st.holders == 0 {
				st.undo()
				st.undo = nil
				st.cond.Broadcast()
			}
		})
	}
}

// runGCPercent is the garbage collector's target while a Check holds the
// settings, unless GOGC is set: a run's live heap is small (tens of MB)
// and short-lived per case, and at the default 100 the collector and its
// assists took about a tenth of a run's CPU (BENCHMARKS.md).
const runGCPercent = 400

// runMemoryLimit is the soft memory limit a Check sets with runGCPercent,
// unless GOMEMLIMIT is set: a target four times the live heap is cheap
// while the heap is tens of MB, but the anonymity games' streams keep
// hundreds of MB live each (a merchant's coins, the views the
// distinguishers compare), and at runGCPercent two of them in parallel
// held 8.8 GB resident; under the limit the collector runs as often as
// it must to stay near it instead (BENCHMARKS.md).
const runMemoryLimit = 4 << 30

// applyGC raises the collector's target to runGCPercent where GOGC leaves
// it to the program, bounded by runMemoryLimit where GOMEMLIMIT does, and
// returns what restores both.
func applyGC() (restore func()) {
	restoreLimit := func() {}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(runMemoryLimit)
		if old < runMemoryLimit {
			debug.SetMemoryLimit(old)
		} else {
			restoreLimit = func() { debug.SetMemoryLimit(old) }
		}
	}
	if os.Getenv("GOGC") != "" {
		return restoreLimit
	}
	old := debug.SetGCPercent(runGCPercent)
	if old > runGCPercent || old < 0 {
		debug.SetGCPercent(old)
		return restoreLimit
	}
	return func() { debug.SetGCPercent(old); restoreLimit() }
}

// applyRapid sets the flags and returns what restores them.
func applyRapid(r rapidSettings) (restore func()) {
	testing.Init()
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	var undo []func()
	set := func(name, v string) {
		f := flag.Lookup(name)
		if f == nil {
			return
		}
		old := f.Value.String()
		_ = flag.Set(name, v)
		undo = append(undo, func() { _ = flag.Set(name, old) })
	}
	checks := r.checks
	if testing.Short() && checks < 5 {
		// rapid runs a fifth of its checks under -short: at least one.
		checks = 5
	}
	set("rapid.checks", strconv.Itoa(checks))
	set("rapid.steps", strconv.Itoa(r.steps))
	set("rapid.seed", strconv.FormatUint(r.seed, 10))
	set("rapid.shrinktime", r.shrink.String())
	if r.cli {
		set("rapid.nofailfile", "true")
	}
	return func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
}

// optionsFromFlags reads the depth and seed of a go test run from rapid's
// flags, giving rapid DefaultSeed when no seed was set.
func optionsFromFlags() Options {
	o := Options{
		Checks: rapidInt("rapid.checks", DefaultChecks),
		Steps:  rapidInt("rapid.steps", DefaultSteps),
	}
	if f := flag.Lookup("rapid.seed"); f != nil {
		o.Seed, _ = strconv.ParseUint(f.Value.String(), 10, 64)
	}
	o = o.withDefaults()
	if f := flag.Lookup("rapid.seed"); f != nil && f.Value.String() == "0" {
		_ = flag.Set("rapid.seed", strconv.FormatUint(o.Seed, 10))
	}
	return o
}

// NewEnv describes the running harness.
func NewEnv(o Options) Env {
	o = o.withDefaults()
	e := Env{
		Module:    "github.com/dualoffline/dualoffline",
		Version:   moduleVersion(),
		GoVersion: runtime.Version(),
		Seed:      o.Seed,
		Checks:    o.Checks,
		Steps:     o.Steps,
		Started:   time.Now().UTC().Truncate(time.Second),
	}
	for _, s := range o.Suites {
		e.Suites = append(e.Suites, string(s.ID()))
	}
	if o.Threshold != models.DefaultThreshold { // the default is stated in the R3 logs
		e.Params = map[string]string{"threshold": fmt.Sprintf("%d fen", o.Threshold)}
	}
	return e
}

// moduleVersion reads the main module's version from the build info.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
