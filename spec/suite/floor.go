package suite

import (
	"time"

	"github.com/dualoffline/dualoffline/spec/detrand"
)

// Costs are unit costs of a suite's public-key operations, measured in the
// running process, for pricing counted Ops.
type Costs struct {
	Sign, Verify, Seal, Open, KeyGen time.Duration
}

// MeasureCosts times reps of each operation on a msgLen-byte message
// (sealing msgLen/4 bytes) with a fixed key. Measure in the process whose
// run you price, just before or after it: the costs depend on the machine
// and its load.
func MeasureCosts(s Suite, msgLen, reps int) (Costs, error) {
	r := detrand.New(1, "crypto floor")
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
		t0 := time.Now()
		for range reps {
			f()
		}
		return time.Since(t0) / time.Duration(reps)
	}
	before := CountedOps()
	c := Costs{
		Sign:   unit(func() { _, _ = k.Sign(msg) }),
		Verify: unit(func() { _ = k.Public().Verify(msg, sig) }),
		Seal:   unit(func() { _, _ = k.Public().Seal(r, pt, info) }),
		Open:   unit(func() { _, _ = k.Open(sealed, info) }),
		KeyGen: unit(func() { _, _ = s.GenerateKey(r) }),
	}
	// The measurement itself is not part of anyone's run.
	uncount(CountedOps().Sub(before))
	return c, nil
}

// Floor prices ops at c: the time the cryptography alone takes.
func (c Costs) Floor(ops Ops) time.Duration {
	return time.Duration(ops.Sign)*c.Sign + time.Duration(ops.Verify)*c.Verify +
		time.Duration(ops.Seal)*c.Seal + time.Duration(ops.Open)*c.Open +
		time.Duration(ops.KeyGen)*c.KeyGen
}

func uncount(o Ops) {
	ops.sign.Add(-o.Sign)
	ops.verify.Add(-o.Verify)
	ops.seal.Add(-o.Seal)
	ops.open.Add(-o.Open)
	ops.keygen.Add(-o.KeyGen)
}
