package chain

import (
	"bytes"
	"encoding/binary"
	"slices"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Double-spend evidence in bank.DoubleSpend's shape. The chain has no
// holdings or transfer records, so the fields carry the chain's own
// proof:
//
//   - Coin.Creator is the id of the transaction that created the coin and
//     Coin.Serial holds its output index, big-endian, in its last two bytes
//     (the rest zero);
//   - RecordA and RecordB are the two signed payments (DER) that spend it,
//     lower transaction id first;
//   - HoldingA and HoldingB are their sealed transfers, opened by the chain
//     key: anyone checks that each hashes to the commitment its payment
//     signs and that both list the coin, without the chain key;
//   - Value is the coin's value; Certs is empty (both payments carry the
//     culprit's certificate).
//
// Check it with VerifyEvidence.

func serialOf(op OutPoint) coin.Serial {
	var s coin.Serial
	binary.BigEndian.PutUint16(s[coin.SerialSize-2:], op.Index)
	return s
}

func pointOf(i bank.Instance) (OutPoint, bool) {
	if !bytes.Equal(i.Serial[:coin.SerialSize-2], make([]byte, coin.SerialSize-2)) {
		return OutPoint{}, false
	}
	return OutPoint{Tx: TxID(i.Creator), Index: binary.BigEndian.Uint16(i.Serial[coin.SerialSize-2:])}, true
}

// CoinID names the coin a double-spend flag's instance stands for as
// View names coins (OutPoint.String); an instance that is no outpoint is
// named as bank.Instance.String.
func (in *Instance) CoinID(i bank.Instance) string {
	if op, ok := pointOf(i); ok {
		return op.String()
	}
	return i.String()
}

// DoubleSpends returns one piece of evidence per coin two payments spend,
// in coin order, then one per payment the nodes refused for its sealed
// transfer, in payment id order. Each double spend names the two
// lowest-id payments any node saw, so the verdicts do not depend on the
// order the uploads arrived in.
func (in *Instance) DoubleSpends() []bank.DoubleSpend {
	ops := make([]OutPoint, 0, len(in.bb.flags))
	for op := range in.bb.flags {
		ops = append(ops, op)
	}
	slices.SortFunc(ops, comparePoints)
	var out []bank.DoubleSpend
	for _, op := range ops {
		f := in.bb.flags[op]
		ids := sortedIDs(f.txs)
		a, b := f.txs[ids[0]], f.txs[ids[1]]
		if in.mutated("evidence-repeats-first") {
			b = a
		}
		culprit := in.culpritOf(a)
		out = append(out, bank.DoubleSpend{
			Culprit:     culprit.ID,
			CulpritCert: culprit.Raw,
			Coin:        bank.Instance{Creator: op.Tx, Serial: serialOf(op)},
			Value:       in.outputValue(op),
			HoldingA:    a.plain, RecordA: a.tx.Payment.Marshal(),
			HoldingB: b.plain, RecordB: b.tx.Payment.Marshal(),
		})
	}
	// Then one piece of refusal evidence per payment the nodes refused
	// for its sealed transfer (refusal.go), in payment id order.
	for _, id := range sortedIDs(in.bb.invalid) {
		out = append(out, in.refusalEvidence(in.bb.invalid[id]))
	}
	return out
}

// outputValue finds the value of a coin in any ledger state a node holds.
func (in *Instance) outputValue(op OutPoint) int64 {
	if o, ok := in.bb.stateOf(in.bb.globalBest()).out(op); ok {
		return o.Value
	}
	for _, nd := range in.bb.nodes {
		if o, ok := nd.resolver()(op); ok {
			return o.Value
		}
	}
	return 0
}

// VerifyEvidence checks double-spend evidence with public information
// only: the root certificate and the number of master nodes in the
// consortium (a refusal needs a majority of them, counted by the
// verifier, not by the signers). It returns the culprit's device id if both
// payments verify under the culprit's certificate (which the root issued),
// each opened transfer matches the commitment its payment signs and names
// the culprit's certificate as escrow, both spend the flagged coin, and the
// two payments are different statements.
func VerifyEvidence(s suite.Suite, root *devcert.Certificate, nodes int, ev bank.DoubleSpend) (string, error) {
	cert, err := devcert.Parse(s, ev.CulpritCert)
	if err != nil {
		return "", err
	}
	if cert.Role != devcert.RoleWallet {
		return "", spec.Errorf(spec.CodeUntrustedIssuer, "accused certificate has role %q", cert.Role)
	}
	if err := cert.Verify(root, cert.NotBefore, nil); err != nil {
		return "", err
	}
	op, ok := pointOf(ev.Coin)
	if !ok {
		return "", spec.Errorf(spec.CodeMalformed, "evidence names no chain coin")
	}
	if _, err := ParsePayment(ev.RecordB); err != nil {
		return verifyRefusal(s, root, nodes, cert, op, ev)
	}
	var ids [2]TxID
	for i, pair := range [2][2][]byte{{ev.RecordA, ev.HoldingA}, {ev.RecordB, ev.HoldingB}} {
		p, tr, err := openedBy(s, cert, pair[0], pair[1], false)
		if err != nil {
			return "", err
		}
		if !slices.Contains(tr.Inputs, op) {
			return "", spec.Errorf(spec.CodeValueMismatch, "evidence %d: the transfer does not spend coin %s", i, op)
		}
		ids[i] = p.ID(s)
	}
	if ids[0] == ids[1] {
		return "", spec.Errorf(spec.CodeValueMismatch, "the two payments are the same statement")
	}
	return cert.ID, nil
}

// openedBy checks one payment of evidence against the accused's
// certificate: record is a payment cert signed, holding the transfer it
// commits to (read loosely, which lets a transfer list an input twice,
// when loose), of the payment's version, naming cert's address as payer
// and its serial as escrow.
func openedBy(s suite.Suite, cert *devcert.Certificate, record, holding []byte, loose bool) (*Payment, *Transfer, error) {
	p, err := ParsePayment(record)
	if err != nil {
		return nil, nil, err
	}
	if err := cert.PublicKey.Verify(p.TBS(), p.Signature); err != nil {
		return nil, nil, err
	}
	var h [IDSize]byte
	copy(h[:], s.Hash(holding))
	if h != p.Commitment {
		return nil, nil, spec.Errorf(spec.CodeBadSeal, "the opened transfer is not the one the payment commits to")
	}
	parse := ParseTransfer
	if loose {
		parse = parseTransferLoose
	}
	tr, err := parse(holding)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(p.Cert, cert.Raw) || payerOf(p, tr) != AddressOf(s, cert.PublicKey) || tr.Version != p.Version || tr.Escrow != cert.Serial {
		return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "the payment is not the accused's")
	}
	return p, tr, nil
}

// VerifyEvidence checks evidence against this instance's root.
func (in *Instance) VerifyEvidence(ev bank.DoubleSpend) (string, error) {
	return VerifyEvidence(in.bb.s, in.cb.Root(), len(in.bb.nodes), ev)
}

// TracePayer is the central bank's trace (identity escrow): it opens a
// payment's sealed transfer with the chain key, which it provisioned to
// the master nodes and kept, and names the payer whose certificate serial
// the escrow holds.
func (in *Instance) TracePayer(qr []byte) (string, error) {
	p, err := ParsePayment(qr)
	if err != nil {
		return "", err
	}
	plain, err := in.bb.chainKey.Open(p.Sealed, sealInfo)
	if err != nil {
		return "", err
	}
	tr, err := ParseTransfer(plain)
	if err != nil {
		return "", err
	}
	c := in.bb.dir.bySerial[tr.Escrow]
	if in.mutated("trace-reads-payee") {
		c = in.bb.dir.byAddr[p.Payee] // the trace reads the clear payee address
	}
	if c == nil {
		return "", spec.Errorf(spec.CodeUntrustedIssuer, "escrow names no certificate the central bank issued")
	}
	return c.ID, nil
}
