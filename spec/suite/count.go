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
	// Hashed counts the bytes the suite hashed: every message signed or
	// verified by a suite key and every input of Suite.Hash. It is
	// reported, not priced: the unit costs of Sign and Verify already
	// hash a message of the size they were measured with.
	Hashed int64
}

// counters are one suite's running counts.
type counters struct{ sign, verify, seal, open, keygen, hashed atomic.Int64 }

func (c *counters) load() Ops {
	return Ops{Sign: c.sign.Load(), Verify: c.verify.Load(), Seal: c.seal.Load(), Open: c.open.Load(), KeyGen: c.keygen.Load(), Hashed: c.hashed.Load()}
}

var opsGM, opsINTL counters

func countersOf(id ID) *counters {
	if id == INTL {
		return &opsINTL
	}
	return &opsGM
}

// CountedOps returns the operations counted so far, under every suite.
func CountedOps() Ops { return opsGM.load().Add(opsINTL.load()) }

// CountedOpsOf returns the operations counted so far under one suite, to
// be priced at that suite's unit costs.
func CountedOpsOf(id ID) Ops { return countersOf(id).load() }

// Sub returns o − p, the operations between two readings.
func (o Ops) Sub(p Ops) Ops {
	return Ops{Sign: o.Sign - p.Sign, Verify: o.Verify - p.Verify, Seal: o.Seal - p.Seal, Open: o.Open - p.Open, KeyGen: o.KeyGen - p.KeyGen, Hashed: o.Hashed - p.Hashed}
}

// Add returns o + p.
func (o Ops) Add(p Ops) Ops {
	return Ops{Sign: o.Sign + p.Sign, Verify: o.Verify + p.Verify, Seal: o.Seal + p.Seal, Open: o.Open + p.Open, KeyGen: o.KeyGen + p.KeyGen, Hashed: o.Hashed + p.Hashed}
}

// PublicKeyOps returns the number of public-key operations in o.
func (o Ops) PublicKeyOps() int64 { return o.Sign + o.Verify + o.Seal + o.Open + o.KeyGen }

// CountVerify records a signature verification under suite id done
// outside this package (X.509 certificate and CRL signatures checked by
// the x509 libraries).
func CountVerify(id ID) { countersOf(id).verify.Add(1) }
