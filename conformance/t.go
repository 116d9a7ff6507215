package conformance

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// maxLogLines bounds what a property may log; the rest is counted.
const maxLogLines = 400

// T is what a property runs against: the target under test, the crypto
// suite, the run's depth and seed, and a test context that records
// failures instead of aborting the harness. T implements rapid.TB, so a
// property calls rapid.Check(t, …) directly.
//
// Fatal, FailNow and Skip stop the property's goroutine (like
// testing.T); Errorf records a failure and returns.
type T struct {
	Target models.Scheme
	Info   models.Info
	Suite  suite.Suite
	Seed   uint64

	name   string
	ctx    context.Context
	checks int
	steps  int
	// threshold is the run's anonymity threshold T (Options.Threshold);
	// 0 means models.DefaultThreshold.
	threshold int64

	mu       sync.Mutex
	failed   bool
	skipped  bool
	errs     []string
	logs     []string
	dropped  int
	runs     int
	witness  *world.World
	plan     world.Plan
	game     *Game
	timedOut bool
	open     io.Closer // the latest instance, if it holds external devices
	streams  *streams  // the run's anonymity streams (stream.go); nil: the game's own

	// runFrom is the Seq the first event of the run under test gets: the
	// first after New built the instance, or after Witness named the run.
	runFrom int
	// first is where the first violation was reported; nil until then.
	first *firstViolation
}

// firstViolation is the state of a property at its first violation: the
// witness then, its plan, the Seq of its last event, the run's start, and
// whether rapid reported it.
type firstViolation struct {
	w         *world.World
	plan      world.Plan
	at, from  int
	fromRapid bool
	// cut: the trace ends at at (a stream's game: the world went on for
	// other games after it stopped, stream.go).
	cut bool
	// tail, if not nil, is the trace's last events up to at, taken then
	// (a stream's world holds only its last events, Trace.Keep).
	tail []world.Event
}

// Name is the property's full name (rapid files fail files under it).
func (t *T) Name() string { return t.name }

// Helper is a no-op, for rapid.TB.
func (t *T) Helper() {}

// Logf records a line of the property's log.
func (t *T) Logf(format string, args ...any) { t.log(fmt.Sprintf(format, args...)) }

// Log records a line of the property's log.
func (t *T) Log(args ...any) { t.log(fmt.Sprint(args...)) }

func (t *T) log(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.logs) >= maxLogLines {
		t.dropped++
		return
	}
	t.logs = append(t.logs, s)
}

// Errorf records a violation; the property goes on.
func (t *T) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }

// Error records a violation; the property goes on.
func (t *T) Error(args ...any) { t.fail(fmt.Sprint(args...)) }

// Fatalf records a violation and stops the property.
func (t *T) Fatalf(format string, args ...any) {
	t.fail(fmt.Sprintf(format, args...))
	t.FailNow()
}

// Fatal records a violation and stops the property.
func (t *T) Fatal(args ...any) {
	t.fail(fmt.Sprint(args...))
	t.FailNow()
}

func (t *T) fail(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	t.errs = append(t.errs, msg)
	if t.first == nil {
		t.first = &firstViolation{w: t.witness, plan: t.plan, at: lastSeq(t.witness), from: t.runFrom, fromRapid: strings.HasPrefix(msg, "[rapid] ")}
	}
}

// lastSeq is the Seq of the last event of w's trace, 0 if none.
func lastSeq(w *world.World) int {
	if w == nil {
		return 0
	}
	return w.Trace().Len() // Seq is 1-based and dense
}

// Fail marks the property failed.
func (t *T) Fail() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
}

// FailNow marks the property failed and stops it.
func (t *T) FailNow() {
	t.Fail()
	runtime.Goexit()
}

// Failed reports whether a violation was recorded.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// Skipf stops the property with verdict skip; the reason must name what
// the target lacks.
func (t *T) Skipf(format string, args ...any) {
	t.mu.Lock()
	t.skipped = true
	t.errs = append(t.errs, fmt.Sprintf(format, args...))
	t.mu.Unlock()
	runtime.Goexit()
}

// Skip stops the property with verdict skip.
func (t *T) Skip(args ...any) { t.Skipf("%s", fmt.Sprint(args...)) }

// SkipNow stops the property with verdict skip.
func (t *T) SkipNow() { t.Skipf("skipped") }

// Checks is how many generated cases a property should run (rapid's
// -rapid.checks, divided by 5 under -short as rapid does).
func (t *T) Checks() int { return t.checks }

// Steps is the average number of actions in a generated sequence.
func (t *T) Steps() int { return t.steps }

// Threshold is the run's anonymity threshold T, fen (Options.Threshold):
// payments of at most T are the small, anonymous ones of R3.6, and the
// anonymity games draw their payments from [1, T]. Every instance New
// builds is told it (models.Config.Threshold).
func (t *T) Threshold() int64 { return cmp.Or(t.threshold, models.DefaultThreshold) }

// Context is cancelled when the run is abandoned.
func (t *T) Context() context.Context { return t.ctx }

// FreshSetup is implemented by a target whose cases must each be set up
// from their own seed (T.New): one whose devices are a vendor's or a
// card's, seeded at personalisation with a value setup draws, so that a
// shared setup would replay the same device randomness in every case.
type FreshSetup interface{ FreshSetup() }

// New builds a fresh instance of the target in a world seeded with seed,
// using the run's suite. It counts one run, makes the world the witness a
// failure shows (what the target recorded while building the instance is
// setup), and stops the property if the run was abandoned.
//
// The setup (banks, keys, certificates, personalised devices) is drawn
// from the run's seed, whatever seed says, and the world is reseeded with
// seed after it (world.Reseed): the cases of a property share one setup,
// whose keys, certificates and revocation lists the suite and devcert
// packages then make once and reuse, and everything the case does is
// drawn from seed. With seed equal to the run's seed the world is exactly
// world.New(seed)'s. A target whose devices draw their own randomness
// from what setup gives them (FreshSetup) is set up from seed instead.
func (t *T) New(f interface{ Fatalf(string, ...any) }, seed uint64, cfg models.Config) models.Instance {
	if err := t.ctx.Err(); err != nil {
		t.mu.Lock()
		t.timedOut = true
		t.mu.Unlock()
		runtime.Goexit()
	}
	cfg.Suite = t.Suite
	cfg.Threshold = t.Threshold()
	t.closeInstance() // a case's instance is done when the next one starts
	setup := t.Seed
	if _, ok := t.Target.(FreshSetup); ok {
		setup = seed
	}
	w := world.New(setup)
	in, err := t.Target.New(w, cfg)
	if err != nil {
		f.Fatalf("%s: new instance (setup seed %d, case seed %d): %v", t.Info.Name, setup, seed, err)
		return nil
	}
	w.Reseed(seed)
	t.mu.Lock()
	t.runs++
	t.witness, t.plan, t.runFrom = w, nil, lastSeq(w)+1 // building the instance was setup
	if c, ok := in.(io.Closer); ok {
		t.open = c
	}
	t.mu.Unlock()
	return in
}

// closeInstance closes the latest instance if it holds external devices
// (their processes and state directories).
func (t *T) closeInstance() {
	t.mu.Lock()
	c := t.open
	t.open = nil
	t.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
}

// Witness names the world (and the fault plan of the payment under test)
// whose trace a failure recorded from now on shows. The run under test
// starts with the next event of w: what w recorded before is setup, which
// reports collapse. Call it just before the run a property judges.
func (t *T) Witness(w *world.World, plan world.Plan) {
	t.mu.Lock()
	t.witness, t.plan, t.runFrom = w, plan, lastSeq(w)+1
	t.mu.Unlock()
}

// Count adds n to the number of runs (for properties that enumerate cases
// inside one instance).
func (t *T) Count(n int) {
	t.mu.Lock()
	t.runs += n
	t.mu.Unlock()
}

// SetGame attaches anonymity-game statistics to the result.
func (t *T) SetGame(g *Game) {
	t.mu.Lock()
	t.game = g
	t.mu.Unlock()
}

// Gopter runs gopter properties with the run's seed and depth; a falsified
// or erroring property fails t with gopter's report.
func (t *T) Gopter(props *gopter.Properties) {
	var buf bytes.Buffer
	if !props.Run(gopter.NewFormatedReporter(true, 100, &buf)) {
		t.Fatalf("gopter: %s", strings.TrimSpace(buf.String()))
	}
	t.Count(t.checks)
}

// GopterParams returns gopter parameters seeded from the run's seed.
func (t *T) GopterParams() *gopter.TestParameters {
	p := gopter.DefaultTestParametersWithSeed(int64(t.Seed))
	p.MinSuccessfulTests = t.checks
	p.MaxShrinkCount = 200
	return p
}

func (t *T) counterexampleLocked(msg string) *Counterexample {
	return t.counterexampleOf(msg, t.witness, t.plan, t.runFrom)
}

func (t *T) counterexampleOf(msg string, w *world.World, plan world.Plan, runFrom int) *Counterexample {
	cx := &Counterexample{Message: msg, RunFrom: runFrom}
	if plan != nil {
		cx.Plan = plan.String()
	}
	if w != nil {
		cx.Trace = w.Trace().Events()
		cx.BrokeAt = w.Trace().Len() // held or not (Trace.Keep)
	}
	return cx
}

// finish returns the counterexample: its trace, and BrokeAt, the Seq of
// the last event before the violation was reported.
//
// rapid reports a failure first and then replays the shrunk case, whose
// failing assertion stops it, so for a rapid failure the witness at the
// end is the minimal case and it broke at its last event. Any other
// failure is shown in the world it was reported in (a property that goes
// on after Errorf may name other worlds later) and broke where the trace
// stood then.
func (t *T) finish() *Counterexample {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.failed {
		return nil
	}
	msg := strings.Join(t.errs, "\n")
	var cx *Counterexample
	switch {
	case t.first == nil || t.first.fromRapid || t.first.w == nil:
		cx = t.counterexampleLocked(msg)
	default:
		cx = t.counterexampleOf(msg, t.first.w, t.first.plan, t.first.from)
		if t.first.tail != nil {
			cx.Trace = slices.Clone(t.first.tail)
		}
		cx.BrokeAt = t.first.at
		if t.first.cut {
			cx.Trace = slices.DeleteFunc(cx.Trace, func(e world.Event) bool { return e.Seq > t.first.at })
		}
	}
	cx.Log = append([]string(nil), t.logs...)
	if t.dropped > 0 {
		cx.Log = append(cx.Log, fmt.Sprintf("(%d more lines)", t.dropped))
	}
	return cx
}

// rapidInt reads one of rapid's command-line settings.
func rapidInt(name string, def int) int {
	f := flag.Lookup(name)
	if f == nil {
		return def
	}
	n, err := strconv.Atoi(f.Value.String())
	if err != nil || n <= 0 {
		return def
	}
	return n
}

// short reports testing.Short() where the testing flags exist.
func short() bool {
	if flag.Lookup("test.short") == nil {
		return false
	}
	return testing.Short()
}
