package chip

import (
	"encoding/binary"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// chipInitTBS is what the payee signs in INITIATE (spec/formats.md,
// "Chip-card messages"): the context string, the amount as 8 bytes
// big-endian, the challenge and the payee id. It is written from the
// document on purpose, not taken from InitiateTBS: the vectors are
// signed over the documented bytes, so a model that drifted from
// formats.md fails its own vectors instead of moving them along.
func chipInitTBS(amount int64, challenge []byte, payee string) []byte {
	b := []byte("dualoffline/chip/initiate/v1\x00")
	b = binary.BigEndian.AppendUint64(b, uint64(amount))
	b = append(b, challenge...)
	return append(b, payee...)
}

// initItems are the data objects of an INITIATE command.
func initItems(amount uint64, challenge, cert, sig []byte) []apdu.TLV {
	return []apdu.TLV{
		{Tag: TagAmount, Value: binary.BigEndian.AppendUint64(nil, amount)},
		{Tag: TagChallenge, Value: challenge},
		{Tag: TagCert, Value: cert},
		{Tag: TagSig, Value: sig},
	}
}

func command(g *vgen.Gen, c apdu.Command) []byte {
	b, err := c.Marshal()
	g.Fail(err)
	return b
}

// apduKind is the apdu file: INITIATE, TRANSFER and CONFIRM decided with
// the card's and the terminal's own checks (refAPDU, refAPDUTransfer,
// refAPDUConfirm), and the groups InitiatePay and RefuseCommand decided
// by a card provisioned from the input, whose valid answer is the
// TRANSFER it sends (vectorgen_sender.go).
var apduKind = vgen.Kind{
	Gen: vgen.Then(vgen.Then(genAPDU, apduDerived), genAPDUSender),
	Decide: map[string]vgen.Decider{
		"apdu/TransferResponse": vgen.Decode(refAPDUTransfer),
		"apdu/ConfirmCommand":   vgen.Decode(refAPDUConfirm),
		"apdu/InitiateCommand":  vgen.Decode(refAPDU),
		"apdu/InitiatePay":      vgen.Decode(refAPDUPay),
		"apdu/RefuseCommand":    vgen.Decode(refAPDURefuse),
	},
	Senders: map[string]vgen.Sender{"apdu/InitiatePay": paySender, "apdu/RefuseCommand": refuseSender},
}

func genAPDU(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "apdu")
	p := g.NewPKI("pki", []vgen.DevSpec{{ID: "wallet-bob", Role: devcert.RoleWallet}, {ID: "wallet-alice", Role: devcert.RoleWallet}, {ID: "agent-icbc", Role: devcert.RoleAgent}, {ID: "wallet-carol", Role: devcert.RoleWallet}})
	issuer := g.Key("issuer")
	rogue := g.NewPKI("rogue", []vgen.DevSpec{{ID: "wallet-bob", Role: devcert.RoleWallet}})
	og := &vgen.Gen{S: g.Other(), ID: string(g.Other().ID())}
	op := og.NewPKI("pki", []vgen.DevSpec{{ID: "wallet-bob", Role: devcert.RoleWallet}})
	g.Fail(og.Err)
	if g.Err != nil {
		return b
	}
	root := p.Root.Cert
	grp := b.Group("InitiateCommand", "")
	payee := p.Certs["wallet-bob"]
	bobKey := p.Keys["wallet-bob"]
	challenge := g.Src("apdu/challenge").Bytes(transfer.ChallengeSize)
	const amount = 2500
	card := "wallet-alice"
	at := vgen.GenAt

	build := func(amt uint64, ch []byte, cert *devcert.Certificate, key suite.PrivateKey) ([]byte, []byte, []byte) {
		msg := chipInitTBS(int64(amt), ch, cert.ID)
		sig := g.Sign(key, msg)
		return apdu.Marshal(initItems(amt, ch, cert.Raw, sig)), msg, sig
	}
	cmd := func(data []byte) []byte {
		return command(g, apdu.Command{CLA: CLA, INS: INSInitiate, Data: data, Le: 65536})
	}
	in := func(c []byte, card string, at time.Time) APDUInput {
		return APDUInput{Command: vgen.H(c), Root: vgen.H(root.Raw), Card: vgen.H([]byte(card)), At: at.Unix()}
	}
	so := func(pub suite.PublicKey, msg, sig []byte) *vgen.Signature { return vgen.SigObj(g.S, pub, msg, sig) }

	data, msg, sig := build(amount, challenge, payee, bobKey)
	good := cmd(data)
	if g.Err != nil {
		return b
	}
	b.Valid(grp, "valid", "a payee asks for 2500 fen", "R6.4", nil, in(good, card, at), so(payee.PublicKey, msg, sig))
	d1, m1, s1 := build(1, challenge, payee, bobKey)
	b.Valid(grp, "valid-amount-1", "the smallest amount, 1 fen", "R6.2", []string{"Boundary", "chip-amount"}, in(cmd(d1), card, at), so(payee.PublicKey, m1, s1))

	// Mutations of the data objects after signing.
	mut := func(name, comment, req string, code spec.Code, flags []string, items []apdu.TLV, pub suite.PublicKey, msg, sig []byte) {
		sigO := (*vgen.Signature)(nil)
		if pub != nil {
			sigO = so(pub, msg, sig)
		}
		b.Invalid(grp, name, comment, req, code, flags, in(cmd(apdu.Marshal(items)), card, at), sigO)
	}
	mut("amount-changed", "amount raised from 2500 to 250000 fen after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chip-signature"},
		initItems(250000, challenge, payee.Raw, sig), payee.PublicKey, chipInitTBS(250000, challenge, payee.ID), sig)
	ch2 := append([]byte{}, challenge...)
	ch2[0] ^= 0x01
	mut("challenge-changed", "one bit of the challenge flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chip-signature"},
		initItems(amount, ch2, payee.Raw, sig), payee.PublicKey, chipInitTBS(amount, ch2, payee.ID), sig)
	mut("signature-bit-flipped", "one bit of the payee's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "chip-signature"},
		initItems(amount, challenge, payee.Raw, vgen.FlipSig(sig)), payee.PublicKey, msg, vgen.FlipSig(sig))
	other := g.Sign(p.Keys["agent-icbc"], msg)
	mut("signed-by-other-key", "bob's certificate with a signature by another key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "chip-signature"},
		initItems(amount, challenge, payee.Raw, other), payee.PublicKey, msg, other)
	mut("amount-zero", "an amount of 0 fen, signed", "R1.1", spec.CodeMalformed, []string{"ModifiedField", "chip-amount"},
		initItems(0, challenge, payee.Raw, g.Sign(bobKey, chipInitTBS(0, challenge, payee.ID))), nil, nil, nil)
	full := initItems(amount, challenge, payee.Raw, sig)
	mut("challenge-missing", "the challenge object left out", "R1.1", spec.CodeMalformed, []string{"MissingObject", "tlv-objects"},
		[]apdu.TLV{full[0], full[2], full[3]}, nil, nil, nil)
	mut("object-twice", "the amount object sent twice", "R1.1", spec.CodeMalformed, []string{"DuplicateObject", "tlv-objects"},
		append(append([]apdu.TLV{}, full...), full[0]), nil, nil, nil)
	mut("challenge-short", "a 15-byte challenge", "R1.1", spec.CodeMalformed, []string{"FieldSize", "tlv-objects"},
		initItems(amount, challenge[:15], payee.Raw, sig), nil, nil, nil)

	// Certificates.
	self := p.Certs[card]
	ds, ms, ss := build(amount, challenge, self, p.Keys[card])
	b.Invalid(grp, "payee-is-card", "the card's own certificate as payee", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-peer"}, in(cmd(ds), card, at), so(self.PublicKey, ms, ss))
	b.Invalid(grp, "payee-certificate-expired", "the payee's certificate has expired at the card's clock", "R1.4", spec.CodeCertExpired, []string{"Expired", "cert-peer"}, in(good, card, vgen.CertNotAfter.Add(time.Second)), so(payee.PublicKey, msg, sig))
	b.Invalid(grp, "payee-certificate-not-yet-valid", "the card's clock before the payee certificate's NotBefore", "R1.4", spec.CodeCertNotYetValid, []string{"NotYetValid", "cert-peer"}, in(good, card, vgen.CertNotBefore.Add(-time.Second)), so(payee.PublicKey, msg, sig))
	rc := rogue.Certs["wallet-bob"]
	dr, _, _ := build(amount, challenge, rc, rogue.Keys["wallet-bob"])
	b.Invalid(grp, "payee-certificate-foreign-root", "a payee certificate issued by a rogue root of the same name", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "cert-peer"}, in(cmd(dr), card, at), g.CertSig(root, rc.Raw))
	ag := p.Certs["agent-icbc"]
	da, ma, sa := build(amount, challenge, ag, p.Keys["agent-icbc"])
	b.Invalid(grp, "payee-not-wallet", "an agent bank's certificate as payee", "R1.3", spec.CodeUntrustedIssuer, []string{"WrongRole", "cert-peer"}, in(cmd(da), card, at), so(ag.PublicKey, ma, sa))
	oc := op.Certs["wallet-bob"]
	dOther := apdu.Marshal(initItems(amount, challenge, oc.Raw, g.Sign(op.Keys["wallet-bob"], msg)))
	b.Invalid(grp, "payee-certificate-other-suite", "a payee certificate of the other suite", "R1.3", spec.CodeWrongSuite, []string{"WrongSuite"}, in(cmd(dOther), card, at), nil)

	// Framing.
	frame := func(name, comment string, c apdu.Command, flags []string) {
		b.Invalid(grp, name, comment, "R1.1", spec.CodeMalformed, flags, in(command(g, c), card, at), nil)
	}
	frame("class-00", "interindustry class 00 instead of 80", apdu.Command{CLA: 0x00, INS: INSInitiate, Data: data, Le: 65536}, []string{"ModifiedField", "chip-header"})
	frame("p1-01", "P1 = 01", apdu.Command{CLA: CLA, INS: INSInitiate, P1: 1, Data: data, Le: 65536}, []string{"ModifiedField", "chip-header"})
	frame("le-absent", "no Le", apdu.Command{CLA: CLA, INS: INSInitiate, Data: data, Le: apdu.LeAbsent}, []string{"ModifiedField", "chip-header"})
	b.Invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(good[:len(good)-1], card, at), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData"}, in(append(append([]byte{}, good...), 0), card, at), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil, card, at), nil)

	// Two faults in one INITIATE, adjacent in the order of
	// formats-schemes.md ("What the card and the terminal check"): the
	// expected code is the first check's, which the case names; without it
	// the reference gives the second's.
	expired := vgen.CertNotAfter.Add(time.Second)
	d0 := apdu.Marshal(initItems(0, challenge, payee.Raw, g.Sign(bobKey, chipInitTBS(0, challenge, payee.ID))))
	b.Invalid(grp, "order-amount-before-certificate", "an amount of 0 fen, signed, the payee's certificate expired at the card's clock: the amount is checked first", "R1.1", spec.CodeMalformed, []string{"CheckOrder", "chip-amount"}, in(cmd(d0), card, expired), nil)
	b.Invalid(grp, "order-certificate-before-signature", "the payee's certificate expired at the card's clock, the signature bit-flipped: the certificate is checked first", "R1.4", spec.CodeCertExpired, []string{"CheckOrder", "cert-peer"},
		in(cmd(apdu.Marshal(initItems(amount, challenge, payee.Raw, vgen.FlipSig(sig)))), card, expired), so(payee.PublicKey, msg, vgen.FlipSig(sig)))
	genAPDUTransfer(g, b, p, issuer)
	return b
}
