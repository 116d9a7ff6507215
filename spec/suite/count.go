package suite

import "sync/atomic"

// Ops counts the public-key operations performed process-wide, so a run
// can be set against its cryptographic floor (operation counts times unit
// costs). Counting is a few atomic adds per operation.
type Ops struct {
	Sign, Verify, Seal, Open int64
	// KeyGen counts private keys built from a scalar (generated, or
	// loaded from a device's store): one scalar multiplication each.
	KeyGen int64
}

var ops struct{ sign, verify, seal, open, keygen atomic.Int64 }

// CountedOps returns the operations counted so far.
func CountedOps() Ops {
	return Ops{Sign: ops.sign.Load(), Verify: ops.verify.Load(), Seal: ops.seal.Load(), Open: ops.open.Load(), KeyGen: ops.keygen.Load()}
}

// Sub returns o − p, the operations between two readings.
func (o Ops) Sub(p Ops) Ops {
	return Ops{Sign: o.Sign - p.Sign, Verify: o.Verify - p.Verify, Seal: o.Seal - p.Seal, Open: o.Open - p.Open, KeyGen: o.KeyGen - p.KeyGen}
}

// Add returns o + p.
func (o Ops) Add(p Ops) Ops {
	return Ops{Sign: o.Sign + p.Sign, Verify: o.Verify + p.Verify, Seal: o.Seal + p.Seal, Open: o.Open + p.Open, KeyGen: o.KeyGen + p.KeyGen}
}

// CountVerify records a signature verification done outside this package
// (X.509 certificate and CRL signatures checked by the x509 libraries).
func CountVerify() { ops.verify.Add(1) }
