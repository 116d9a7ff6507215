// Package cryptofloor prices counted public-key operations (package
// opcount) at unit costs measured in the running process: the time the
// cryptography of a run alone takes, its floor. Measuring reads clocks,
// which is why it lives here and not in spec/suite.
package cryptofloor

import (
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Costs are unit costs of a suite's public-key operations, measured in the
// running process, for pricing counted operations.
type Costs struct {
	Sign, Verify, Seal, Open, KeyGen time.Duration
}

// Measure times reps of each operation on a msgLen-byte message (sealing
// msgLen/4 bytes) with a fixed key. Measure in the process whose run you
// price, just before or after it: the costs depend on the machine and its
// load. The measured operations are not counted.
func Measure(s suite.Suite, msgLen, reps int) (Costs, error) {
	return measure(s, msgLen, reps, func() time.Duration { return time.Duration(time.Now().UnixNano()) })
}

// measurements numbers the measurements of this process (measure).
var measurements atomic.Uint64

func measure(s suite.Suite, msgLen, reps int, clock func() time.Duration) (Costs, error) {
	ss, err := measureRounds(s, msgLen, reps, 1, clock)
	if err != nil {
		return Costs{}, err
	}
	return ss.rounds[0], nil
}

// measureRounds times rounds rounds of reps of each operation, the
// operations in turn within a round, so that a passing disturbance (a
// collection, another process) lands on one round of one operation.
func measureRounds(s suite.Suite, msgLen, reps, rounds int, clock func() time.Duration) (Samples, error) {
	// The measurement, setup included, is not part of anyone's run.
	ctr := opcount.For(s.ID())
	before := ctr.Load()
	defer func() { ctr.Uncount(ctr.Load().Sub(before)) }()
	// A stream of its own per measurement: the key memo (spec/suite)
	// would otherwise hand a later measurement the keys an earlier one
	// made, and time a map lookup as a key generation.
	r := detrand.New(1, fmt.Sprintf("crypto floor %d", measurements.Add(1)))
	k, err := s.GenerateKey(r)
	if err != nil {
		return Samples{}, err
	}
	msg := make([]byte, msgLen)
	sig, err := k.Sign(msg)
	if err != nil {
		return Samples{}, err
	}
	info := []byte("dualoffline crypto floor")
	pt := msg[:msgLen/4]
	sealed, err := k.Public().Seal(r, pt, info)
	if err != nil {
		return Samples{}, err
	}
	unit := func(f func()) time.Duration {
		t0 := clock()
		for range reps {
			f()
		}
		return (clock() - t0) / time.Duration(reps)
	}
	var ss Samples
	// Uncached: spec/suite keeps the signatures it made and those that
	// verified, and would answer the repeated message from its memos.
	suite.Uncached(func() {
		for range rounds {
			ss.rounds = append(ss.rounds, Costs{
				Sign:   unit(func() { _, _ = k.Sign(msg) }),
				Verify: unit(func() { _ = k.Public().Verify(msg, sig) }),
				Seal:   unit(func() { _, _ = k.Public().Seal(r, pt, info) }),
				Open:   unit(func() { _, _ = k.Open(sealed, info) }),
				KeyGen: unit(func() { _, _ = s.GenerateKey(r) }),
			})
		}
	})
	return ss, nil
}

// Samples are unit costs measured in rounds (MeasureRounds), to be pooled
// (Add: before and after a run) and summed up: the mean is the unit cost,
// the quartiles say how much the measurement moved.
type Samples struct{ rounds []Costs }

// MeasureRounds times, in rounds, reps of every operation in turn, in the
// CPU time of the measuring thread rather than wall time (so that other
// processes' load and the garbage collector finishing an earlier run's
// work do not inflate the costs; wall time where the platform reports no
// thread CPU time): compare its floor with the process CPU time of the
// run it prices. One measurement of a few milliseconds per operation,
// taken after a run, moves by 10–20% with what else the machine does;
// rounds taken before and after a run, pooled, move less, and their
// spread shows how much.
func MeasureRounds(s suite.Suite, msgLen, reps, rounds int) (Samples, error) {
	if rounds < 1 || reps < 1 {
		return Samples{}, fmt.Errorf("cryptofloor: %d rounds of %d repetitions measure nothing", rounds, reps)
	}
	if _, ok := cputime.Thread(); !ok {
		return measureRounds(s, msgLen, reps, rounds, func() time.Duration { return time.Duration(time.Now().UnixNano()) })
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	runtime.GC()
	return measureRounds(s, msgLen, reps, rounds, func() time.Duration {
		d, _ := cputime.Thread()
		return d
	})
}

// Add pools t's rounds with s's.
func (s Samples) Add(t Samples) Samples {
	return Samples{rounds: append(slices.Clip(s.rounds), t.rounds...)}
}

// Len is the number of rounds.
func (s Samples) Len() int { return len(s.rounds) }

// Mean returns, operation by operation, the mean of the rounds' unit
// costs: with rounds of equal repetitions, the time of all of them over
// their repetitions, as one long measurement would give. It is the unit
// cost to price a run at: the run's own operations meet the disturbances
// (collections, preemption, other processes) the rounds met, which a
// median would leave out. No rounds give zero costs.
func (s Samples) Mean() Costs {
	var sum Costs
	for _, c := range s.rounds {
		sum.Sign += c.Sign
		sum.Verify += c.Verify
		sum.Seal += c.Seal
		sum.Open += c.Open
		sum.KeyGen += c.KeyGen
	}
	n := time.Duration(max(1, len(s.rounds)))
	return Costs{Sign: sum.Sign / n, Verify: sum.Verify / n, Seal: sum.Seal / n, Open: sum.Open / n, KeyGen: sum.KeyGen / n}
}

// Quantile returns, operation by operation, the q-quantile (0 ≤ q ≤ 1)
// of the rounds' unit costs, the nearest rank below; 0.5 is the median.
// No rounds give zero costs.
func (s Samples) Quantile(q float64) Costs {
	if len(s.rounds) == 0 {
		return Costs{}
	}
	i := int(q * float64(len(s.rounds)-1))
	i = max(0, min(i, len(s.rounds)-1))
	pick := func(f func(Costs) time.Duration) time.Duration {
		v := make([]time.Duration, len(s.rounds))
		for j, c := range s.rounds {
			v[j] = f(c)
		}
		slices.Sort(v)
		return v[i]
	}
	return Costs{
		Sign:   pick(func(c Costs) time.Duration { return c.Sign }),
		Verify: pick(func(c Costs) time.Duration { return c.Verify }),
		Seal:   pick(func(c Costs) time.Duration { return c.Seal }),
		Open:   pick(func(c Costs) time.Duration { return c.Open }),
		KeyGen: pick(func(c Costs) time.Duration { return c.KeyGen }),
	}
}

// Floor prices ops at c: the time the cryptography alone takes.
func (c Costs) Floor(ops opcount.Ops) time.Duration {
	return time.Duration(ops.Sign)*c.Sign + time.Duration(ops.Verify)*c.Verify +
		time.Duration(ops.Seal)*c.Seal + time.Duration(ops.Open)*c.Open +
		time.Duration(ops.KeyGen)*c.KeyGen
}
