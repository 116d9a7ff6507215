// Package opcount counts the public-key operations the crypto suites
// (spec/suite) and the certificate checks (spec/devcert) perform,
// process-wide and per suite, so a run can be set against its
// cryptographic floor (package cryptofloor prices the counts). Counting is
// a few atomic adds per operation; it reads no clock and does no I/O.
package opcount

import (
	"sync"
	"sync/atomic"
)

// Ops are counts of public-key operations.
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

// Counter is one suite's running counts; safe for concurrent use.
type Counter struct{ sign, verify, seal, open, keygen, hashed atomic.Int64 }

// Sign counts one signature.
func (c *Counter) Sign() { c.sign.Add(1) }

// Verify counts one signature verification.
func (c *Counter) Verify() { c.verify.Add(1) }

// Seal counts one public-key encryption.
func (c *Counter) Seal() { c.seal.Add(1) }

// Open counts one public-key decryption.
func (c *Counter) Open() { c.open.Add(1) }

// KeyGen counts one private key built from a scalar.
func (c *Counter) KeyGen() { c.keygen.Add(1) }

// Hashed counts n bytes hashed.
func (c *Counter) Hashed(n int) { c.hashed.Add(int64(n)) }

// Load returns the counts so far.
func (c *Counter) Load() Ops {
	return Ops{Sign: c.sign.Load(), Verify: c.verify.Load(), Seal: c.seal.Load(), Open: c.open.Load(), KeyGen: c.keygen.Load(), Hashed: c.hashed.Load()}
}

// Uncount takes o back out of the counts: for operations that are no
// run's (a measurement of unit costs).
func (c *Counter) Uncount(o Ops) {
	c.sign.Add(-o.Sign)
	c.verify.Add(-o.Verify)
	c.seal.Add(-o.Seal)
	c.open.Add(-o.Open)
	c.keygen.Add(-o.KeyGen)
	c.hashed.Add(-o.Hashed)
}

var counters struct {
	sync.Mutex
	bySuite map[string]*Counter
	order   []*Counter
}

// For returns the counter of the suite named id ("GM", "INTL"), made on
// first use. Callers on a hot path keep the pointer.
func For[ID ~string](id ID) *Counter {
	counters.Lock()
	defer counters.Unlock()
	if c, ok := counters.bySuite[string(id)]; ok {
		return c
	}
	if counters.bySuite == nil {
		counters.bySuite = map[string]*Counter{}
	}
	c := new(Counter)
	counters.bySuite[string(id)] = c
	counters.order = append(counters.order, c)
	return c
}

// Of returns the operations counted so far under the suite named id, to be
// priced at that suite's unit costs.
func Of[ID ~string](id ID) Ops { return For(id).Load() }

// Total returns the operations counted so far, under every suite.
func Total() Ops {
	counters.Lock()
	defer counters.Unlock()
	var o Ops
	for _, c := range counters.order {
		o = o.Add(c.Load())
	}
	return o
}
