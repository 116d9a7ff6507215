// Package cryptofloor prices counted public-key operations (package
// opcount) at unit costs measured in the running process: the time the
// cryptography of a run alone takes, its floor. Measuring reads clocks,
// which is why it lives here and not in spec/suite.
package cryptofloor

import (
	"fmt"
	"runtime"
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

// MeasureCPU is Measure timed in the CPU time of the measuring thread
// rather than wall time, so that other processes' load on a shared machine
// does not inflate the costs, nor the garbage collector finishing an
// earlier run's work; it falls back to wall time where the platform does
// not report thread CPU time. Compare its floor with the process CPU time
// of the run it prices.
func MeasureCPU(s suite.Suite, msgLen, reps int) (Costs, error) {
	if _, ok := cputime.Thread(); !ok {
		return Measure(s, msgLen, reps)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	runtime.GC()
	return measure(s, msgLen, reps, func() time.Duration {
		d, _ := cputime.Thread()
		return d
	})
}

// measurements numbers the measurements of this process (measure).
var measurements atomic.Uint64

func measure(s suite.Suite, msgLen, reps int, clock func() time.Duration) (Costs, error) {
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
		return Costs{}, err
	}
	msg := make([]byte, msgLen)
	sig, err := k.Sign(msg)
	if err != nil {
		return Costs{}, err
	}
	info := []byte("dualoffline crypto floor")
	pt := msg[:msgLen/4]
	sealed, err := k.Public().Seal(r, pt, info)
	if err != nil {
		return Costs{}, err
	}
	unit := func(f func()) time.Duration {
		t0 := clock()
		for range reps {
			f()
		}
		return (clock() - t0) / time.Duration(reps)
	}
	c := Costs{
		Sign:   unit(func() { _, _ = k.Sign(msg) }),
		Verify: unit(func() { _ = k.Public().Verify(msg, sig) }),
		Seal:   unit(func() { _, _ = k.Public().Seal(r, pt, info) }),
		Open:   unit(func() { _, _ = k.Open(sealed, info) }),
		KeyGen: unit(func() { _, _ = s.GenerateKey(r) }),
	}
	return c, nil
}

// Floor prices ops at c: the time the cryptography alone takes.
func (c Costs) Floor(ops opcount.Ops) time.Duration {
	return time.Duration(ops.Sign)*c.Sign + time.Duration(ops.Verify)*c.Verify +
		time.Duration(ops.Seal)*c.Seal + time.Duration(ops.Open)*c.Open +
		time.Duration(ops.KeyGen)*c.KeyGen
}
