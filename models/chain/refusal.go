package chain

import (
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Why the master nodes refuse a payment for what its sealed transfer
// says (Refusal.Reason). Only the chain key opens the transfer, so only
// the nodes can see these; the payer signed the commitment to it, so they
// name the payer.
const (
	ReasonUnknownCoin = 0 // an input no transaction the nodes know created
	ReasonNotOwned    = 1 // an input the chain holds for another address
	ReasonShort       = 2 // the inputs are worth less than the amount
	ReasonRepeated    = 3 // one input listed twice
	ReasonOtherPayee  = 4 // the transfer names another payee than the signed clear payee (version 1)
)

var reasonNames = []string{"unknown-coin", "not-owned", "short", "repeated", "other-payee"}

// Refusal is what a majority of the master nodes sign when they refuse a
// payment for its sealed transfer: refusal evidence carries it with their
// signatures (see DoubleSpends).
//
//	Refusal ::= SEQUENCE {
//	    version INTEGER (1),
//	    payment OCTET STRING (SIZE (32)),  -- id of the refused payment
//	    coin    OCTET STRING (SIZE (34)),  -- the offending input (outpoint)
//	    reason  ENUMERATED { unknown-coin (0), not-owned (1), short (2), repeated (3), other-payee (4) },
//	    nodes   INTEGER (4..64) }          -- master nodes in the backbone
//	Attestations ::= SEQUENCE SIZE (1..64) OF SEQUENCE {
//	    certificate Certificate,           -- a master node's (role node)
//	    signature   OCTET STRING }         -- its signature over the Refusal DER
type Refusal struct {
	Version int
	Payment TxID
	Coin    OutPoint
	Reason  int
	Nodes   int
}

// Marshal returns the canonical DER.
func (r *Refusal) Marshal() []byte {
	return der.Marshal(cbasn1.SEQUENCE, func(b *der.Builder) {
		b.AddASN1Int64(int64(r.Version))
		b.AddASN1OctetString(r.Payment[:])
		b.AddASN1OctetString(r.Coin.bytes())
		b.AddASN1Enum(int64(r.Reason))
		b.AddASN1Int64(int64(r.Nodes))
	})
}

// ParseRefusal decodes a Refusal.
func ParseRefusal(b []byte) (*Refusal, error) {
	rd := der.Open(b, cbasn1.SEQUENCE, 128, "refusal")
	r := &Refusal{Version: int(rd.Version(Version1))}
	copy(r.Payment[:], rd.Bytes("payment", IDSize, IDSize))
	if op := rd.Bytes("coin", OutPointSize, OutPointSize); op != nil {
		r.Coin = outPointFrom(op)
	}
	r.Reason = rd.Enum("reason", ReasonOtherPayee)
	r.Nodes = int(rd.Uint("nodes", 4, 64))
	if err := rd.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

type attestation struct {
	cert []byte
	sig  []byte
}

func marshalAttestations(as []attestation) []byte {
	return der.Marshal(cbasn1.SEQUENCE, func(b *der.Builder) {
		for _, a := range as {
			b.AddASN1(cbasn1.SEQUENCE, func(b *der.Builder) {
				b.AddBytes(a.cert)
				b.AddASN1OctetString(a.sig)
			})
		}
	})
}

func parseAttestations(b []byte) ([]attestation, error) {
	l := der.Open(b, cbasn1.SEQUENCE, 64*(devcert.MaxCertDER+128), "attestations")
	var out []attestation
	for i := 0; i < 64 && l.More(); i++ {
		e := der.Open(l.Element("attestation", cbasn1.SEQUENCE, devcert.MaxCertDER+128), cbasn1.SEQUENCE, devcert.MaxCertDER+128, "attestation")
		a := attestation{cert: e.Element("certificate", cbasn1.SEQUENCE, devcert.MaxCertDER), sig: e.Bytes("signature", 8, 72)}
		if err := e.Err(); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 || l.More() {
		return nil, spec.Errorf(spec.CodeMalformed, "attestations: want 1..64")
	}
	return out, nil
}

// invalidSpend is a payment the nodes refused for its sealed transfer.
type invalidSpend struct {
	c      *checked
	coin   OutPoint
	reason int
}

// code is the refusal's error code.
func (v *invalidSpend) code() spec.Code {
	return []spec.Code{spec.CodeUntrustedIssuer, spec.CodeWrongRecipient, spec.CodeValueMismatch, spec.CodeDoubleSpend, spec.CodeWrongRecipient}[v.reason]
}

// refuse records that the nodes refused c for reason, naming coin; the
// first reason recorded for a payment stands.
func (bb *backbone) refuse(c *checked, coin OutPoint, reason int) {
	if bb.mutated("unknown-coin-waits") && reason == ReasonUnknownCoin {
		return
	}
	if _, ok := bb.invalid[c.id]; !ok {
		bb.invalid[c.id] = &invalidSpend{c: c, coin: coin, reason: reason}
		bb.w.Trace().Note(world.PartyID(bb.nodes[0].id), "payment %s refused (%s, coin %s): evidence names %s", shortID(c.id[:]), reasonNames[reason], coin, c.cert.ID)
	}
}

// judgeStatic is called with a payment whose static check failed: if it
// is the payer's statement (openPayment) and its opened transfer lists an
// input twice or names another payee than the clear one, the nodes
// refuse it with evidence.
func (bb *backbone) judgeStatic(t *Tx) {
	if t.Payment == nil {
		return
	}
	c, err := bb.openPayment(t)
	if err != nil {
		return
	}
	if in, twice := repeatedInput(c.transfer); twice {
		bb.refuse(c, in, ReasonRepeated)
	} else if c.transfer.Payee != t.Payment.Payee {
		bb.refuse(c, c.transfer.Inputs[0], ReasonOtherPayee)
	}
}

// repeatedInput returns the first input tr lists twice.
func repeatedInput(tr *Transfer) (OutPoint, bool) {
	seen := map[OutPoint]bool{}
	for _, in := range tr.Inputs {
		if seen[in] {
			return in, true
		}
		seen[in] = true
	}
	return OutPoint{}, false
}

// judgeOutputs is called with a payment whose outputs the node could not
// derive for a reason other than waiting: an input held for another
// address, or inputs worth less than the amount.
func (bb *backbone) judgeOutputs(c *checked, res resolver) {
	p := c.tx.Payment
	if p == nil {
		return
	}
	var sum int64
	for _, in := range c.transfer.Inputs {
		o, ok := res(in)
		if !ok {
			return
		}
		if o.Owner != p.Payer {
			bb.refuse(c, in, ReasonNotOwned)
			return
		}
		sum += o.Value
	}
	if sum < p.Amount {
		bb.refuse(c, c.transfer.Inputs[0], ReasonShort)
	}
}

// judgeUnknown is called with a payment of the payer's own log that still
// waits once the payer uploaded its whole log (logged, by id): an input
// whose transaction no master node holds and the log does not hold either
// was never created, so the nodes refuse the payment with evidence; it
// returns the payment's id and true then.
func (bb *backbone) judgeUnknown(t *Tx, logged map[TxID]bool) (TxID, bool) {
	c, err := bb.check(t)
	if err != nil {
		return TxID{}, false
	}
	for _, in := range c.inputs() {
		if !logged[in.Tx] && !bb.knownTx(in.Tx) {
			bb.refuse(c, in, ReasonUnknownCoin)
			_, ok := bb.invalid[c.id]
			return c.id, ok
		}
	}
	return TxID{}, false
}

// knownTx reports whether any master node holds transaction id.
func (bb *backbone) knownTx(id TxID) bool {
	for _, nd := range bb.nodes {
		if nd.pool[id] != nil {
			return true
		}
	}
	return false
}

// refusalEvidence is the evidence for an invalid spend, in
// bank.DoubleSpend's shape: RecordA the signed payment, HoldingA its
// opened transfer, HoldingB the Refusal, RecordB the Attestations of the
// first ⌊n/2⌋+1 master nodes, Coin the offending input, Value 0 (the
// refused payment created nothing, so there is no excess to claim).
func (in *Instance) refusalEvidence(v *invalidSpend) bank.DoubleSpend {
	bb := in.bb
	r := &Refusal{Version: Version1, Payment: v.c.id, Coin: v.coin, Reason: v.reason, Nodes: len(bb.nodes)}
	raw := r.Marshal()
	var as []attestation
	for _, nd := range bb.nodes[:bb.window()] {
		sig, err := nd.key.Sign(raw)
		if err != nil {
			panic("chain: " + err.Error())
		}
		as = append(as, attestation{cert: nd.cert.Raw, sig: sig})
	}
	culprit := v.c.cert
	if in.mutated("refusal-names-payee") {
		if c := bb.dir.byAddr[v.c.tx.Payment.Payee]; c != nil {
			culprit = c
		}
	}
	return bank.DoubleSpend{
		Culprit: culprit.ID, CulpritCert: culprit.Raw,
		Coin:    bank.Instance{Creator: v.coin.Tx, Serial: serialOf(v.coin)},
		RecordA: v.c.tx.Payment.Marshal(), HoldingA: v.c.plain,
		RecordB: marshalAttestations(as), HoldingB: raw,
	}
}

// verifyRefusal checks refusal evidence (see refusalEvidence) against
// root: the payment is the accused's and commits to the opened transfer,
// whose escrow is the accused's serial and which lists the coin (twice,
// for a repeated input; naming another payee than the payment's clear
// one, for other-payee); the Refusal names that payment and coin; and
// distinct master nodes, at least ⌊nodes/2⌋+1 of them, each certified by
// root, signed it.
func verifyRefusal(s suite.Suite, root *devcert.Certificate, nodes int, cert *devcert.Certificate, op OutPoint, ev bank.DoubleSpend) (string, error) {
	p, tr, err := openedBy(s, cert, ev.RecordA, ev.HoldingA, true)
	if err != nil {
		return "", err
	}
	r, err := ParseRefusal(ev.HoldingB)
	if err != nil {
		return "", err
	}
	n := 0
	for _, in := range tr.Inputs {
		if in == op {
			n++
		}
	}
	switch {
	case r.Payment != p.ID(s) || r.Coin != op:
		return "", spec.Errorf(spec.CodeValueMismatch, "refusal evidence: the refusal names another payment or coin")
	case n == 0 || r.Reason == ReasonRepeated && n < 2:
		return "", spec.Errorf(spec.CodeValueMismatch, "refusal evidence: the transfer does not spend coin %s as the refusal says", op)
	case r.Reason == ReasonOtherPayee && (p.Version != Version1 || tr.Payee == p.Payee):
		return "", spec.Errorf(spec.CodeWrongRecipient, "refusal evidence: the transfer names the payment's own payee")
	}
	as, err := parseAttestations(ev.RecordB)
	if err != nil {
		return "", err
	}
	signers := map[string]bool{}
	for _, a := range as {
		nc, err := devcert.Parse(s, a.cert)
		if err != nil {
			return "", err
		}
		if nc.Role != devcert.RoleNode {
			return "", spec.Errorf(spec.CodeUntrustedIssuer, "refusal evidence: signer %q has role %q", nc.ID, nc.Role)
		}
		if err := nc.Verify(root, nc.NotBefore, nil); err != nil {
			return "", err
		}
		if err := nc.PublicKey.Verify(ev.HoldingB, a.sig); err != nil {
			return "", err
		}
		signers[nc.ID] = true
	}
	if r.Nodes != nodes {
		return "", spec.Errorf(spec.CodeUntrustedIssuer, "refusal evidence: it counts %d master nodes, the consortium has %d", r.Nodes, nodes)
	}
	if len(signers) < nodes/2+1 {
		return "", spec.Errorf(spec.CodeUntrustedIssuer, "refusal evidence: %d distinct master nodes signed, want %d of %d", len(signers), nodes/2+1, nodes)
	}
	return cert.ID, nil
}
