package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Unit costs for --profile are measured on a message of profileMsgLen
// bytes (about a transfer record's TBS), in profileRounds rounds of
// profileReps of each operation before the run and as many after it
// (cryptofloor.MeasureRounds); the floor prices at the mean of the pooled
// rounds, and their quartiles give the ratio's range.
const (
	profileMsgLen = 300
	profileReps   = 40
	profileRounds = 5
)

// profileSamples are the unit costs measured before a run
// (measureBefore), by suite, and the process CPU time measuring took,
// which is no part of the run.
type profileSamples struct {
	by  map[suite.ID]cryptofloor.Samples
	cpu time.Duration
}

// measureBefore measures, when on, the unit costs of suites (nil: all)
// before the run, so that the floor does not rest on one measurement
// taken after it.
func measureBefore(on bool, suites []suite.Suite) profileSamples {
	ps := profileSamples{by: map[suite.ID]cryptofloor.Samples{}}
	if !on {
		return ps
	}
	if suites == nil {
		suites = suite.All()
	}
	c0, _ := cputime.Process()
	for _, s := range suites {
		if ss, err := cryptofloor.MeasureRounds(s, profileMsgLen, profileReps, profileRounds); err == nil {
			ps.by[s.ID()] = ss
		}
	}
	c1, _ := cputime.Process()
	ps.cpu = c1 - c0
	// Nor are the measurement's key constructions the run's lookups.
	profileStart.Lock()
	profileStart.caches = memo.All()
	profileStart.Unlock()
	return ps
}

// profileStart is the reading --profile sets the run against, taken as
// each command starts (cobra.OnInitialize), so that in-process runs of
// several commands (the tests) each count only their own operations.
var profileStart struct {
	sync.Mutex
	ops, saved map[suite.ID]opcount.Ops
	cpu        time.Duration
	caches     []memo.Stats
}

func init() { cobra.OnInitialize(markProfileStart) }

func markProfileStart() {
	profileStart.Lock()
	defer profileStart.Unlock()
	profileStart.ops, profileStart.saved = map[suite.ID]opcount.Ops{}, map[suite.ID]opcount.Ops{}
	for _, s := range suite.All() {
		profileStart.ops[s.ID()] = opcount.Of(s.ID())
		profileStart.saved[s.ID()] = opcount.SavedOf(s.ID())
	}
	profileStart.cpu, _ = cputime.Process()
	profileStart.caches = memo.All()
}

// floorProfile is a run set against its cryptographic floor.
type floorProfile struct {
	Wall, CPU time.Duration // CPU is 0 where the platform does not report it
	Workers   int           // properties run concurrently: min(GOMAXPROCS, results)
	Suites    []suiteFloor
	Floor     time.Duration // Σ over suites of counted operations × unit costs
	Low, High time.Duration // the same at the quartiles of the measured rounds
	Caches    []memo.Stats  // what each cache (internal/memo) answered during the run
}

type suiteFloor struct {
	ID    suite.ID
	Ops   opcount.Ops
	Costs cryptofloor.Costs // the mean of the rounds
	Floor time.Duration
	// Low and High are the floor at the rounds' first and third
	// quartiles, Rounds how many rounds were pooled.
	Low, High time.Duration
	Rounds    int
	// Saved are the operations sharing spared: keys, certificates,
	// revocation lists and signatures made or verified once and reused
	// (opcount.SavedOf). They are not in Ops nor in the floor.
	Saved opcount.Ops
}

// WallRatio is wall time over the floor spread across the workers: 1.0
// would be a run doing nothing but cryptography on every core.
func (p floorProfile) WallRatio() float64 {
	return float64(p.Wall) * float64(p.Workers) / float64(p.Floor)
}

// Saved prices the operations sharing spared at the run's unit costs.
func (p floorProfile) Saved() time.Duration {
	var d time.Duration
	for _, s := range p.Suites {
		d += s.Costs.Floor(s.Saved)
	}
	return d
}

// CPURatio is process CPU time over the floor: the same measure, immune
// to other processes' load.
func (p floorProfile) CPURatio() float64 { return float64(p.CPU) / float64(p.Floor) }

// CPURange is the CPU ratio against the floor at the third and the first
// quartile of the measured unit costs: how far the measurement's own
// noise moves the ratio.
func (p floorProfile) CPURange() (lo, hi float64) {
	if p.High <= 0 || p.Low <= 0 {
		return p.CPURatio(), p.CPURatio()
	}
	return float64(p.CPU) / float64(p.High), float64(p.CPU) / float64(p.Low)
}

// measureProfile reads the operations counted since the command started,
// measures unit costs in this process, in CPU time so that a shared
// machine's load does not inflate them, pools them with those measured
// before the run, and prices them at the mean.
func measureProfile(rs *conformance.Results, start time.Time, workers int, before profileSamples) (floorProfile, error) {
	p := floorProfile{Wall: time.Since(start)}
	profileStart.Lock()
	base, saved0, cpu0, caches0 := profileStart.ops, profileStart.saved, profileStart.cpu, profileStart.caches
	profileStart.Unlock()
	p.Caches = cacheUse(caches0, memo.All())
	if cpu1, ok := cputime.Process(); ok {
		p.CPU = cpu1 - cpu0 - before.cpu
	}
	// CheckAll runs one property at a time on each of its workers:
	// GOMAXPROCS unless the run set fewer (cards in readers: one).
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p.Workers = max(1, min(workers, len(rs.Results)))
	for _, s := range suite.All() {
		ops := opcount.Of(s.ID()).Sub(base[s.ID()])
		saved := opcount.SavedOf(s.ID()).Sub(saved0[s.ID()])
		if ops.PublicKeyOps() == 0 && saved.PublicKeyOps() == 0 {
			continue
		}
		ss, err := cryptofloor.MeasureRounds(s, profileMsgLen, profileReps, profileRounds)
		if err != nil {
			return p, err
		}
		ss = before.by[s.ID()].Add(ss)
		costs := ss.Mean()
		sf := suiteFloor{ID: s.ID(), Ops: ops, Costs: costs, Floor: costs.Floor(ops), Saved: saved,
			Low: ss.Quantile(0.25).Floor(ops), High: ss.Quantile(0.75).Floor(ops), Rounds: ss.Len()}
		p.Suites = append(p.Suites, sf)
		p.Floor += sf.Floor
		p.Low += sf.Low
		p.High += sf.High
	}
	return p, nil
}

// cacheUse returns, by cache name, the lookups between two readings of
// memo.All, leaving out the caches nothing looked up.
func cacheUse(before, after []memo.Stats) []memo.Stats {
	var out []memo.Stats
	for _, a := range after {
		for _, b := range before {
			if b.Name == a.Name {
				a = a.Sub(b)
				break
			}
		}
		if a.Hits+a.Misses > 0 {
			out = append(out, a)
		}
	}
	return out
}

// writeProfile prints, when on, the run's wall time against the
// cryptographic floor: the public-key operations counted during the run,
// per suite, priced at unit costs measured in this process in rounds
// before and after it.
func writeProfile(w io.Writer, on bool, rs *conformance.Results, start time.Time, workers int, before profileSamples) {
	if !on {
		return
	}
	p, err := measureProfile(rs, start, workers, before)
	if err != nil {
		fmt.Fprintf(w, "\nprofile: measuring unit costs: %v\n", err)
		return
	}
	printProfile(w, p)
}

func printProfile(w io.Writer, p floorProfile) {
	us := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Nanoseconds())/1e3) }
	fmt.Fprintf(w, "\nprofile: wall time against the crypto floor (operations counted in this run × unit costs measured in this process)\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "suite\tsign\tverify\tseal\topen\tkeygen\tbytes hashed\tfloor\t")
	for _, s := range p.Suites {
		o := s.Ops
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.2fs\t\n", s.ID, o.Sign, o.Verify, o.Seal, o.Open, o.KeyGen, o.Hashed, s.Floor.Seconds())
		c := s.Costs
		fmt.Fprintf(tw, "  µs each\t%s\t%s\t%s\t%s\t%s\t\t\t\n", us(c.Sign), us(c.Verify), us(c.Seal), us(c.Open), us(c.KeyGen))
		if v := s.Saved; v.PublicKeyOps() > 0 {
			fmt.Fprintf(tw, "  saved\t%d\t%d\t%d\t%d\t%d\t\t%.2fs\t\n", v.Sign, v.Verify, v.Seal, v.Open, v.KeyGen, c.Floor(v).Seconds())
		}
	}
	tw.Flush()
	if p.Floor <= 0 {
		fmt.Fprintln(w, "  no public-key operation was counted: no floor to compare with")
		return
	}
	var n int64
	for _, s := range p.Suites {
		n += s.Saved.PublicKeyOps()
	}
	if n > 0 {
		fmt.Fprintf(w, "  sharing saved %d operations (keys, certificates, revocation lists and signatures made or verified once, then reused): %.2fs at these costs, not in the floor\n", n, p.Saved().Seconds())
	}
	for _, c := range p.Caches {
		fmt.Fprintf(w, "  cache %s: %d hits, %d misses, emptied %d times\n", c.Name, c.Hits, c.Misses, c.Resets)
	}
	fmt.Fprintf(w, "  floor %.2fs of CPU, %.2fs on %d workers; wall %.2fs: ratio %.2f×\n",
		p.Floor.Seconds(), p.Floor.Seconds()/float64(p.Workers), p.Workers, p.Wall.Seconds(), p.WallRatio())
	if p.CPU > 0 {
		fmt.Fprintf(w, "  process CPU %.2fs: ratio %.2f× (moved less by other processes' load than wall time)\n", p.CPU.Seconds(), p.CPURatio())
		if lo, hi := p.CPURange(); lo != hi {
			n := 0
			for _, s := range p.Suites {
				n = max(n, s.Rounds)
			}
			fmt.Fprintf(w, "  unit costs: mean of %d rounds before and after the run; at their quartiles the CPU ratio is %.2f–%.2f×\n", n, lo, hi)
		}
	}
}

// startCPUProfile starts, when path is set, a CPU profile of the
// property run (--cpuprofile, read with "go tool pprof") and returns what
// stops it and closes the file. The profile covers the properties only:
// the unit-cost measurements of --profile, the mutants and the reports
// are outside it. A path that cannot be created is a usage error, found
// before anything runs.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, usageErrorf("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		return nil
	}, nil
}
