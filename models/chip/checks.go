package chip

import (
	"bytes"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The stateless checks of the protocol, each made in one place: the card
// (protocol.go) and the conformance vectors (package vectors, which decide
// a message with the card's state given in the input) both call them, so
// that removing a check (spec.Without) removes it from both.

// CheckHeader checks the header of a command the card expects for
// instruction ins: the class, the instruction and, for an instruction of
// this profile, P1 = P2 = 0 and its fixed Le ([check: chip-header]).
func CheckHeader(cmd apdu.Command, ins byte) error {
	if !spec.Makes("chip-header") {
		return nil
	}
	if cmd.CLA != CLA {
		return spec.Errorf(spec.CodeMalformed, "class %#02x", cmd.CLA)
	}
	if cmd.INS != ins {
		return spec.Errorf(spec.CodeMalformed, "instruction %#02x, want %#02x", cmd.INS, ins)
	}
	if want, ok := commandLe[ins]; ok && (cmd.P1 != 0 || cmd.P2 != 0 || cmd.Le != want) {
		return spec.Errorf(spec.CodeMalformed, "instruction %#02x with P1 %#02x, P2 %#02x, Le %d", cmd.INS, cmd.P1, cmd.P2, cmd.Le)
	}
	return nil
}

// CheckPayee checks the payee an INITIATE presents to card: a wallet
// certificate that checkCert accepts (root, clock, revocation list), not
// the card's own ([check: cert-peer]).
func (in *Initiate) CheckPayee(card string, checkCert func(*devcert.Certificate) error) error {
	if !spec.Makes("cert-peer") {
		return nil
	}
	if in.Cert.Role != devcert.RoleWallet {
		return spec.Errorf(spec.CodeUntrustedIssuer, "payee certificate has role %q", in.Cert.Role)
	}
	if err := checkCert(in.Cert); err != nil {
		return err
	}
	if in.Cert.ID == card {
		return spec.Errorf(spec.CodeWrongRecipient, "payee is this card")
	}
	return nil
}

// VerifySignature checks the payee's signature over amount, challenge and
// its id ([check: chip-signature]).
func (in *Initiate) VerifySignature() error {
	if !spec.Makes("chip-signature") {
		return nil
	}
	return in.Cert.PublicKey.Verify(initTBS(in.Amount, in.Challenge, in.Cert.ID), in.Sig)
}

// AckAwaited reports whether a CONFIRM for challenge acknowledges the
// payment logged under logged ([check: chip-ack]); same compares them.
func AckAwaited(logged, challenge []byte, same func(logged, challenge []byte) bool) bool {
	return !spec.Makes("chip-ack") || same(logged, challenge)
}

// VerifyAck checks the payee's signature in a CONFIRM over the logged
// challenge, the payer's id and the records it was paid with
// ([check: chip-ack]).
func VerifyAck(payee *devcert.Certificate, challenge []byte, payer string, recs []*transfer.Signed, sig []byte) error {
	if !spec.Makes("chip-ack") {
		return nil
	}
	return payee.PublicKey.Verify(ackTBS(challenge, payer, recs), sig)
}

// Terminal is what a payee terminal knows when it checks a TRANSFER: its
// id, the open request, the issuer key and how it trusts certificates.
// CheckCert and Lookup are required; the other hooks left nil are the
// strict defaults.
type Terminal struct {
	ID        string
	Challenge []byte
	Amount    int64
	CoinKey   suite.PublicKey
	// CheckCert checks a certificate against root, clock and revocation list.
	CheckCert func(*devcert.Certificate) error
	// Lookup resolves lineage signers given the message's certificates.
	Lookup func(extra map[string]*devcert.Certificate) transfer.Certs
	// VerifyHolding defaults to Holding.Verify under CoinKey.
	VerifyHolding func(*transfer.Holding, transfer.Certs) (transfer.Owner, error)
	// ValidateRecord defaults to Signed.Validate.
	ValidateRecord func(*transfer.Signed) error
	// Seen refuses a record whose coin was already paid to the terminal (nil: none known).
	Seen func(i int, rec *transfer.Signed) error
	// Mutated names the model's mutation in force (nil: none).
	Mutated func(string) bool
}

// Received is what a TRANSFER the terminal accepts pays it.
type Received struct {
	Records []*transfer.Signed
	Coins   []*transfer.Holding             // the holdings it now holds
	Total   int64                           // their value
	Certs   map[string]*devcert.Certificate // the message's certificates, by id
}

// CheckTransfer makes the terminal's checks of a parsed TRANSFER, in the
// order formats-schemes.md states them, and returns what it pays t.ID.
func CheckTransfer(msg *Transfer, t Terminal) (*Received, error) {
	mutated := func(name string) bool { return t.Mutated != nil && t.Mutated(name) }
	payer := msg.Cert
	if payer.Role != devcert.RoleWallet && spec.Makes("cert-peer") {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "payer certificate has role %q", payer.Role)
	}
	if err := t.CheckCert(payer); err != nil && spec.Makes("cert-peer") {
		return nil, err
	}
	got := &Received{Certs: map[string]*devcert.Certificate{payer.ID: payer}}
	for _, c := range msg.ChainCerts {
		if c.Role != devcert.RoleWallet && spec.Makes("spend-lineage") {
			return nil, spec.Errorf(spec.CodeUntrustedIssuer, "lineage certificate %q has role %q", c.ID, c.Role)
		}
		got.Certs[c.ID] = c
	}
	lookup := t.Lookup(got.Certs)
	for i, sp := range msg.Spends {
		if len(sp.Holding.Chain) >= transfer.MaxHops && spec.Makes("spend-hop-limit") {
			// The new record would make a lineage longer than any card
			// may hold: refused before anything is committed.
			return nil, spec.Errorf(spec.CodeLimitExceeded, "spend %d: a coin with %d hops cannot move offline again", i, len(sp.Holding.Chain))
		}
		var owner transfer.Owner
		var err error
		if i > 0 && mutated("payee-verifies-first-coin-only") || len(sp.Holding.Chain) > 1 && mutated("payee-trusts-moved-coins") {
			owner = sp.Holding.Claimed()
		} else if t.VerifyHolding != nil {
			owner, err = t.VerifyHolding(sp.Holding, lookup)
		} else {
			owner, err = sp.Holding.Verify(t.CoinKey, lookup)
		}
		if err != nil {
			if spec.Makes("spend-lineage") {
				return nil, err
			}
			owner = sp.Holding.Claimed()
		}
		rec := sp.Record
		// The coin's holder spends it: the payer, or, after the first
		// coin, another wallet whose certificate the TRANSFER carries (the
		// payer card's per-coin pseudonyms) and that passes the payer's
		// checks. The first coin is the payer's own: the certificate the
		// payer presents is the one the first record is signed under.
		signer := payer
		if c := got.Certs[owner.Holder]; c != nil && owner.Holder != payer.ID && i > 0 {
			if err := t.CheckCert(c); err != nil && spec.Makes("cert-peer") {
				return nil, err
			}
			signer = c
		}
		switch {
		case owner.Holder != signer.ID && spec.Makes("spend-coin-holder"):
			return nil, spec.Errorf(spec.CodeWrongRecipient, "spend %d: coin held by %q, payer is %q", i, owner.Holder, payer.ID)
		case !spec.Makes("spend-record-binding"):
		case rec.Parent != sp.Holding.Serial || rec.ParentValue != owner.Value:
			return nil, spec.Errorf(spec.CodeValueMismatch, "spend %d: record does not spend its holding", i)
		case rec.Payer != signer.ID && !mutated("payee-ignores-record-payer"):
			return nil, spec.Errorf(spec.CodeWrongRecipient, "spend %d: record signed for %q", i, rec.Payer)
		case rec.Payee != t.ID:
			return nil, spec.Errorf(spec.CodeWrongRecipient, "spend %d: record pays %q, not this card", i, rec.Payee)
		case !bytes.Equal(rec.Challenge[:], t.Challenge) && !mutated("payee-skips-record-challenge") && (i == 0 || !mutated("payee-checks-challenge-first-record-only")):
			return nil, spec.Errorf(spec.CodeReplay, "spend %d: record answers another challenge", i)
		}
		validate := rec.Validate
		if t.ValidateRecord != nil {
			validate = func() error { return t.ValidateRecord(rec) }
		}
		if err := validate(); err != nil && spec.Makes("spend-record") {
			return nil, err
		}
		if err := rec.Verify(signer.PublicKey); err != nil && spec.Makes("spend-record") {
			return nil, err
		}
		if t.Seen != nil {
			if err := t.Seen(i, rec); err != nil {
				return nil, err
			}
		}
		for _, o := range rec.Outputs {
			if o.Holder == t.ID {
				got.Coins = append(got.Coins, sp.Holding.Extend(rec, o.Serial))
				got.Total += o.Value
			}
		}
		got.Records = append(got.Records, rec)
	}
	if got.Total != t.Amount && spec.Makes("spend-total") && !mutated("payee-skips-amount-check") {
		return nil, spec.Errorf(spec.CodeValueMismatch, "received %d fen, asked for %d", got.Total, t.Amount)
	}
	return got, nil
}
