package transfer

// Fuzz targets of the transfer layer (spec/transfer):
//
//   - FuzzRecord: transfer.Parse, then Record.Validate and Signed.Verify.
//   - FuzzHolding: transfer.ParseHolding, then Holding.Verify against a
//     fixture lineage (root coin → agent record → wallet A → wallet B).
//
// They keep the contract of the fuzz targets: no panic; a rejection is a
// typed error whose code is canonical and not internal; an accepted
// transfer record or holding re-encodes byte for byte.

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/fuzz/internal/fixture"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Device ids of the transfer lineage.
const (
	lineageAgent = "AGENT-0001"
	lineageA     = "SE-000A"
	lineageB     = "SE-000B"
)

var lineageIDs = []string{lineageAgent, lineageA, lineageB}

// lineage is one coin's history under one suite: the issuer signs a 1000
// fen coin for the agent, the agent hands it to A, A pays B 230 of it.
type lineage struct {
	s      suite.Suite
	issuer suite.PrivateKey
	root   *devcert.Authority
	keys   map[string]suite.PrivateKey
	certs  map[string]*devcert.Certificate // checked against root at fixture time

	coin     *coin.Signed
	records  []*transfer.Signed  // agent → A (1000), A → B (230 of 1000)
	holdings []*transfer.Holding // the root coin, A's coin, then every output of A → B
	// owners is who holds each coin of the lineage, by serial: the only
	// answers Holding.Verify may give.
	owners map[coin.Serial]transfer.Owner
	// signed is, by signer id, the TBS bytes that signer signed: the only
	// messages its key may verify.
	signed map[string][][]byte
}

// lineages returns the GM lineage then the INTL one.
var lineages = sync.OnceValue(func() []*lineage {
	var ls []*lineage
	for _, s := range suite.All() {
		l, err := newLineage(s)
		if err != nil {
			panic(fmt.Sprintf("fuzz: building the %s lineage: %v", s.ID(), err))
		}
		ls = append(ls, l)
	}
	return ls
})

func newLineage(s suite.Suite) (*lineage, error) {
	label := "fuzz/" + string(s.ID()) + "/lineage/"
	key := func(name string) (suite.PrivateKey, error) {
		return s.GenerateKey(detrand.New(fixture.Seed, label+"key/"+name))
	}
	l := &lineage{
		s: s, keys: map[string]suite.PrivateKey{}, certs: map[string]*devcert.Certificate{},
		owners: map[coin.Serial]transfer.Owner{}, signed: map[string][][]byte{},
	}
	var err error
	if l.issuer, err = key("issuer"); err != nil {
		return nil, err
	}
	rootKey, err := key("root")
	if err != nil {
		return nil, err
	}
	if l.root, err = devcert.NewRoot(s, rootKey, "PBOC-ROOT", 1, fixture.T0, fixture.T0.AddDate(10, 0, 0)); err != nil {
		return nil, err
	}
	for i, id := range lineageIDs {
		role := devcert.RoleWallet
		if id == lineageAgent {
			role = devcert.RoleAgent
		}
		if l.keys[id], err = key(id); err != nil {
			return nil, err
		}
		c, err := l.root.Issue(devcert.Template{
			Serial: uint64(20 + i), ID: id, Role: role, PublicKey: l.keys[id].Public(),
			NotBefore: fixture.T0, NotAfter: fixture.T0.AddDate(1, 0, 0),
		})
		if err != nil {
			return nil, err
		}
		if err := c.Verify(l.root.Cert, fixture.At, nil); err != nil {
			return nil, err
		}
		l.certs[id] = c
	}

	var serial coin.Serial
	for i := range serial {
		serial[i] = byte(0x30 + i)
	}
	if l.coin, err = coin.Sign(l.issuer, coin.New(serial, 1000, coin.Serial{}, lineageAgent)); err != nil {
		return nil, err
	}
	l.owners[serial] = transfer.Owner{Holder: lineageAgent, Value: 1000}
	pay := func(h *transfer.Holding, from, to string, value, amount int64, challenge byte) (*transfer.Signed, error) {
		outs, err := transfer.Split(h.Serial, value, amount, from, to)
		if err != nil {
			return nil, err
		}
		r := transfer.Record{
			Version: transfer.Version1, Parent: h.Serial, ParentValue: value, Outputs: outs,
			Payer: from, Payee: to, Counter: 1,
		}
		for i := range r.Challenge {
			r.Challenge[i] = challenge + byte(i)
		}
		rec, err := transfer.Sign(l.keys[from], r)
		if err != nil {
			return nil, err
		}
		for _, o := range outs {
			l.owners[o.Serial] = transfer.Owner{Holder: o.Holder, Value: o.Value}
		}
		l.signed[from] = append(l.signed[from], rec.TBS())
		l.records = append(l.records, rec)
		return rec, nil
	}
	h0 := &transfer.Holding{Root: l.coin, Serial: serial}
	toA, err := pay(h0, lineageAgent, lineageA, 1000, 1000, 0)
	if err != nil {
		return nil, err
	}
	hA := h0.Extend(toA, toA.Outputs[0].Serial)
	toB, err := pay(hA, lineageA, lineageB, 1000, 230, 0xC0)
	if err != nil {
		return nil, err
	}
	l.holdings = []*transfer.Holding{h0, hA}
	for _, o := range toB.Outputs {
		l.holdings = append(l.holdings, hA.Extend(toB, o.Serial))
	}
	// The fixture must be what it claims: every holding verifies.
	for _, h := range l.holdings {
		o, err := h.Verify(l.issuer.Public(), l.lookup)
		if err != nil {
			return nil, fmt.Errorf("fixture holding of %s: %w", h.Serial, err)
		}
		if o != l.owners[h.Serial] {
			return nil, fmt.Errorf("fixture holding of %s verifies as %+v, want %+v", h.Serial, o, l.owners[h.Serial])
		}
	}
	return l, nil
}

// lookup is the Certs of the lineage: its three device certificates,
// checked when the fixture was built.
func (l *lineage) lookup(id string) (*devcert.Certificate, error) {
	c, ok := l.certs[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "fuzz: no certificate for device %q", id)
	}
	return c, nil
}

// recordSeeds are the lineage records of both suites and near misses.
func recordSeeds() [][]byte {
	var out [][]byte
	for _, l := range lineages() {
		for _, r := range l.records {
			m := r.Marshal()
			out = append(out, m, fixture.Truncate(m, 1), fixture.Trailing(m), fixture.Flip(m, -3), fixture.Flip(m, 40), fixture.NonMinimal(m),
				fixture.Retag(m, 0x65)) // [APPLICATION 5], the TBS tag
		}
		toA, toB := l.records[0], l.records[1]
		for _, f := range []func(r *transfer.Signed){
			func(r *transfer.Signed) { r.Version = 2 },                                           // unknown version
			func(r *transfer.Signed) { r.Outputs = nil },                                         // no outputs
			func(r *transfer.Signed) { r.Outputs[0].Value = 999 },                                // off the table: parses, Validate refuses
			func(r *transfer.Signed) { r.Outputs[0].Holder = "SE-000C" },                         // a third party
			func(r *transfer.Signed) { r.Outputs[1].Serial[0] ^= 1 },                             // a fresh child serial
			func(r *transfer.Signed) { r.Payee = r.Payer },                                       // a self payment
			func(r *transfer.Signed) { r.ParentValue = 2000 },                                    // outputs short of the parent
			func(r *transfer.Signed) { r.Counter = 1 << 63 },                                     // counter out of range
			func(r *transfer.Signed) { r.Payer = "SE 000A" },                                     // not printable
			func(r *transfer.Signed) { r.Signature = toA.Signature },                             // another record's signature
			func(r *transfer.Signed) { r.Signature = r.Signature[:7] },                           // too short a signature
			func(r *transfer.Signed) { r.Challenge = [transfer.ChallengeSize]byte{} },            // another challenge
			func(r *transfer.Signed) { r.Outputs = append(r.Outputs, r.Outputs...) },             // repeated outputs
			func(r *transfer.Signed) { r.Outputs = slices.Repeat(r.Outputs[:1], 17) },            // above MaxOutputs
			func(r *transfer.Signed) { r.Outputs[0], r.Outputs[1] = r.Outputs[1], r.Outputs[0] }, // reordered
		} {
			out = append(out, fixture.MutRecord(toB, f))
		}
	}
	return out
}

// FuzzRecord: transfer.Parse, then Validate, and Verify under the key of
// the payer the record names (the agent's if it names no fixture device).
// A signature may verify only over a TBS that key signed.
func FuzzRecord(f *testing.F) {
	for _, b := range recordSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := transfer.Parse(b)
		if err != nil {
			fixture.Reject(t, "transfer.Parse", err)
			return
		}
		if r == nil {
			t.Fatal("transfer.Parse: nil record and nil error")
		}
		if got := r.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("transfer.Parse accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		fixture.Optional(t, "Record.Validate", r.Validate())
		for _, l := range lineages() {
			signer := r.Payer
			if l.keys[signer] == nil {
				signer = lineageAgent
			}
			err := r.Verify(l.keys[signer].Public())
			if err != nil {
				fixture.Reject(t, "Signed.Verify", err, spec.CodeBadSignature)
				continue
			}
			tbs := r.TBS()
			if !slices.ContainsFunc(l.signed[signer], func(s []byte) bool { return bytes.Equal(s, tbs) }) {
				t.Fatalf("%s: a record %s never signed verifies under its key:\n in %x", l.s.ID(), signer, b)
			}
		}
	})
}

// holdingSeeds are the lineage holdings of both suites and near misses.
func holdingSeeds() [][]byte {
	var out [][]byte
	ls := lineages()
	for i, l := range ls {
		for _, h := range l.holdings {
			out = append(out, h.Marshal())
		}
		toA, toB := l.records[0], l.records[1]
		hB := l.holdings[2] // B's first coin: two hops
		m := hB.Marshal()
		out = append(out, fixture.Truncate(m, 1), fixture.Trailing(m), fixture.Flip(m, -3), fixture.Flip(m, 100), fixture.NonMinimal(m),
			fixture.Retag(m, 0x64)) // [APPLICATION 4], the record tag
		other := ls[(i+1)%len(ls)]
		var stray coin.Serial
		stray[0] = 0x5A
		for _, h := range []*transfer.Holding{
			{Root: l.coin, Chain: hB.Chain, Serial: stray},                                                     // names no output
			{Root: l.coin, Chain: []*transfer.Signed{toB, toA}, Serial: hB.Serial},                             // hops reversed
			{Root: l.coin, Chain: []*transfer.Signed{toB}, Serial: hB.Serial},                                  // first hop missing
			{Root: l.coin, Serial: hB.Serial},                                                                  // no chain, a child serial
			{Root: l.coin, Chain: slices.Repeat([]*transfer.Signed{toA}, 2), Serial: hB.Serial},                // a hop repeated
			{Root: l.coin, Chain: slices.Repeat([]*transfer.Signed{toA}, transfer.MaxHops), Serial: hB.Serial}, // a full chain
			{Root: l.coin, Chain: slices.Repeat([]*transfer.Signed{toA}, transfer.MaxHops+1), Serial: hB.Serial},
			{Root: other.coin, Chain: hB.Chain, Serial: hB.Serial},            // the other suite's root
			{Root: l.coin, Chain: other.holdings[2].Chain, Serial: hB.Serial}, // the other suite's records
			{Root: fixture.All()[i].Coin, Chain: hB.Chain, Serial: hB.Serial}, // a root of another issuer
		} {
			out = append(out, h.Marshal())
		}
	}
	return out
}

// FuzzHolding: transfer.ParseHolding, then Verify under each lineage's
// issuer and certificates. A holding that verifies names a coin of the
// lineage, and Verify returns its true holder and value.
func FuzzHolding(f *testing.F) {
	for _, b := range holdingSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := transfer.ParseHolding(b)
		if err != nil {
			fixture.Reject(t, "transfer.ParseHolding", err)
			return
		}
		if h == nil || h.Root == nil {
			t.Fatal("transfer.ParseHolding: nil holding (or root) and nil error")
		}
		if got := h.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("transfer.ParseHolding accepted bytes that do not round-trip:\n in  %x\n out %x", b, got)
		}
		for _, l := range lineages() {
			o, err := h.Verify(l.issuer.Public(), l.lookup)
			if err != nil {
				fixture.Reject(t, "Holding.Verify", err)
				continue
			}
			if !coin.ValidDenomination(o.Value) || !slices.Contains(lineageIDs, o.Holder) {
				t.Fatalf("%s: Holding.Verify returned %+v: off the table or not a fixture device\n in %x", l.s.ID(), o, b)
			}
			if want, ok := l.owners[h.Serial]; !ok || o != want {
				t.Fatalf("%s: Holding.Verify says %s is %+v; the lineage says %+v (known %v)\n in %x", l.s.ID(), h.Serial, o, want, ok, b)
			}
		}
	})
}
