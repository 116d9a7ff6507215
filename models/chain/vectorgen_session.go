package chain

import (
	"bytes"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// chainSessionCtx is what every case of a chain session file shares.
type chainSessionCtx struct {
	P        *vgen.PKI
	CRL      []byte
	chainKey suite.PublicKey
	Payee    string
	Nonce    [NonceSize]byte
	Amount   int64
}

func (c *chainSessionCtx) In(msgs []vgen.SessionMsg, at int64, crl []byte) ChainSessionInput {
	si := ChainSessionInput{Payee: vgen.H([]byte(c.Payee)), PayeeKey: vgen.H(c.P.Keys[c.Payee].Bytes()), PayeeCertificate: vgen.H(c.P.Certs[c.Payee].Raw),
		Root: vgen.H(c.P.Root.Cert.Raw), CRL: vgen.H(crl), ChainKey: vgen.H(c.chainKey.SPKI()), Nonce: vgen.H(c.Nonce[:]), Amount: c.Amount, At: at,
		Messages: []vgen.SessionMessage{}}
	for _, m := range msgs {
		si.Messages = append(si.Messages, m.Input())
	}
	return si
}

// chainPayment is a recorded payment of the chain scheme: the agreement
// the payee's till showed (keyed into the payer's wallet) and the payment
// QR code the payer's wallet displayed and the payee scanned.
type chainPayment struct {
	pay  *Payment
	msgs []vgen.SessionMsg // AGREE (payee → payer), QR (payer → payee)
}

// newChainPayment records one payment of amount fen from payer to payee,
// signed with key under payer's certificate; label keeps the nonce, salt,
// coins and seal randomness of different payments apart. A payment
// replaying another's agreement passes it as reuse.
func newChainPayment(g *vgen.Gen, p *vgen.PKI, chainKey suite.PrivateKey, label, payer, payee string, amount int64, reuse *[NonceSize]byte) *chainPayment {
	cert := p.Certs[payer]
	to := AddressOf(g.S, p.Certs[payee].PublicKey)
	var nonce [NonceSize]byte
	if reuse != nil {
		nonce = *reuse
	} else {
		copy(nonce[:], g.Src("chain/"+label+"/nonce").Bytes(NonceSize))
	}
	tr := &Transfer{Version: Version1, Escrow: cert.Serial, Payee: to}
	copy(tr.Salt[:], g.Src("chain/"+label+"/salt").Bytes(SaltSize))
	var op OutPoint
	copy(op.Tx[:], g.Src("chain/"+label+"/input").Bytes(IDSize))
	tr.Inputs = []OutPoint{op}
	plain := tr.Marshal()
	sealed, err := chainKey.Public().Seal(g.Src("chain/"+label+"/seal"), plain, []byte(chainSealInfo))
	g.Fail(err)
	pt := PaymentTBS{Version: Version1, Payer: AddressOf(g.S, cert.PublicKey), Payee: to, Amount: amount,
		Nonce: nonce, Time: vgen.GenAt.Unix(), Cert: cert.Raw, Sealed: sealed}
	copy(pt.Commitment[:], g.S.Hash(plain))
	pay := &Payment{PaymentTBS: pt}
	pay.Signature = g.Sign(p.Keys[payer], pt.TBS())
	return &chainPayment{pay: pay, msgs: []vgen.SessionMsg{
		{From: payee, To: payer, Typ: MsgAgree, Payload: Agreement(g.S, amount, to, nonce)},
		{From: payer, To: payee, Typ: MsgQR, Payload: pay.Marshal()},
	}}
}

// bitsApart counts the bits in which two equally long strings differ; -1
// when their lengths differ.
func bitsApart(a, b []byte) int {
	if len(a) != len(b) {
		return -1
	}
	n := 0
	for i := range a {
		for x := a[i] ^ b[i]; x != 0; x &= x - 1 {
			n++
		}
	}
	return n
}

// chainSessionKind is the session file, decided with the model's payee
// wallet behind its Host (refChainSession).
var chainSessionKind = vgen.Kind{Gen: vgen.Then(genChainSession, chainSessionTimeAhead), Decide: map[string]vgen.Decider{"session": vgen.Decode(refChainSession)}}

func genChainSession(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "session")
	p := g.NewPKI("pki", []vgen.DevSpec{{ID: vgen.CertPayer, Role: devcert.RoleWallet}, {ID: vgen.CertPayee, Role: devcert.RoleWallet}, {ID: vgen.CertThird, Role: devcert.RoleWallet}})
	chainKey := g.Key("chain")
	if g.Err != nil {
		return b
	}
	alice := p.Certs[vgen.CertPayer]
	crl, err := p.Root.Revoke(1, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0))
	g.Fail(err)
	revoked, err := p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), alice.Serial)
	g.Fail(err)
	if g.Err != nil {
		return b
	}
	const amount = 3000
	cs := newChainPayment(g, p, chainKey, "session/s1", vgen.CertPayer, vgen.CertPayee, amount, nil)
	nonce := cs.pay.Nonce
	other := newChainPayment(g, p, chainKey, "session/s2", vgen.CertPayer, vgen.CertPayee, amount, nil)
	toCarol := newChainPayment(g, p, chainKey, "session/s3", vgen.CertPayer, vgen.CertThird, amount, nil)
	dearer := newChainPayment(g, p, chainKey, "session/s4", vgen.CertPayer, vgen.CertPayee, 5000, nil)
	self := newChainPayment(g, p, chainKey, "session/self", vgen.CertPayee, vgen.CertPayee, amount, &nonce)
	again := newChainPayment(g, p, chainKey, "session/again", vgen.CertPayer, vgen.CertPayee, amount, &nonce)
	if g.Err != nil {
		return b
	}
	ctx := &chainSessionCtx{P: p, CRL: crl.Raw, chainKey: chainKey.Public(), Payee: vgen.CertPayee, Nonce: nonce, Amount: amount}
	msgs := cs.msgs
	at := vgen.GenAt.Unix()
	in := func(ms []vgen.SessionMsg) ChainSessionInput { return ctx.In(ms, at, crl.Raw) }
	grp := b.Group("PayeeTranscript", "")
	const iQR = 1
	so := func(pay *Payment) *vgen.Signature {
		c, err := devcert.Parse(g.S, pay.Cert)
		if err != nil {
			return nil
		}
		return vgen.SigObj(g.S, c.PublicKey, pay.TBS(), pay.Signature)
	}
	// withQR has bob scan another code than the clean one: whatever its
	// payload, the message is the one alice's screen showed bob.
	withQR := func(pay *Payment) []vgen.SessionMsg {
		return vgen.ReplaceAt(msgs, iQR, vgen.WithPayload(msgs[iQR], pay.Marshal()))
	}
	// flipped changes one field of the clean payment after alice signed
	// it; the encoding must then differ from the clean one in one bit.
	flipped := func(mod func(*Payment)) *Payment {
		c := *cs.pay
		c.Cert, c.Sealed, c.Signature = bytes.Clone(c.Cert), bytes.Clone(c.Sealed), bytes.Clone(c.Signature)
		mod(&c)
		if n := bitsApart(c.Marshal(), cs.pay.Marshal()); n != 1 {
			g.Fail(spec.Errorf(spec.CodeInternal, "a bit flip that changes %d bits of the QR code", n))
		}
		return &c
	}

	b.Valid(grp, "clean-payment", "a clean payment of 3000 fen: the agreement keyed in, the QR code scanned once", "R6.4", nil, in(msgs), so(cs.pay))
	b.Valid(grp, "clean-payment-clock-at-window-edge", "the clean transcript, the payee's clock exactly 5 minutes ahead of the payment time", "R1.2", []string{"Boundary", "chain-time-window"},
		ctx.In(msgs, vgen.GenAt.Add(Window).Unix(), crl.Raw), so(cs.pay))

	// The one-way channel.
	b.Invalid(grp, "qr-dropped", "the QR code never scanned: the session stays open and the payee holds nothing", "R5.1", spec.CodeValueMismatch, []string{"Dropped"},
		in(vgen.DropAt(msgs, iQR)), nil)
	b.Invalid(grp, "qr-scanned-twice", "the QR code scanned twice: the second scan finds no session open", "R1.2", spec.CodeReplay, []string{"Replay"},
		in(append(append([]vgen.SessionMsg{}, msgs...), msgs[iQR])), so(cs.pay))
	b.Invalid(grp, "second-payment-after-close", "after the clean payment, alice's second payment for the same agreement (another transfer, validly signed) scanned: the session is closed", "R1.2", spec.CodeReplay, []string{"Replay", "chain-open-request"},
		in(append(append([]vgen.SessionMsg{}, msgs...), vgen.WithPayload(msgs[iQR], again.pay.Marshal()))), so(again.pay))
	b.Invalid(grp, "qr-from-other-payment", "the QR code of another payment from alice to bob (another agreement's nonce), validly signed", "R1.2", spec.CodeReplay, []string{"Replay", "chain-nonce"},
		in(withQR(other.pay)), so(other.pay))
	b.Invalid(grp, "qr-to-other-payee", "the QR code of alice's payment to another wallet, validly signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "chain-payee"},
		in(withQR(toCarol.pay)), so(toCarol.pay))
	b.Invalid(grp, "qr-for-other-amount", "the QR code of alice's payment of 5000 fen to bob, validly signed, for a session of 3000", "R5.4", spec.CodeValueMismatch, []string{"AmountMismatch", "chain-amount"},
		in(withQR(dearer.pay)), so(dearer.pay))
	b.Invalid(grp, "qr-from-self", "a QR code of the payee's own wallet paying itself under the session's agreement, validly signed", "R1.5", spec.CodeWrongRecipient, []string{"SelfPayment", "chain-payee"},
		in(vgen.ReplaceAt(msgs, iQR, self.msgs[iQR])), so(self.pay))

	// Tampered: one bit of one field flipped after signing.
	fl := flipped(func(c *Payment) { c.Amount ^= 1 })
	b.Invalid(grp, "qr-amount-bit-flipped", "one bit of the amount flipped (3001 fen) after signing", "R1.1", spec.CodeValueMismatch, []string{"Redenominated", "chain-amount"}, in(withQR(fl)), nil)
	fl = flipped(func(c *Payment) { c.Nonce[NonceSize-1] ^= 1 })
	b.Invalid(grp, "qr-nonce-bit-flipped", "one bit of the nonce flipped after signing", "R1.1", spec.CodeReplay, []string{"ModifiedField", "chain-nonce"}, in(withQR(fl)), nil)
	fl = flipped(func(c *Payment) { c.Payee[AddrSize-1] ^= 1 })
	b.Invalid(grp, "qr-payee-bit-flipped", "one bit of the payee address flipped after signing", "R1.1", spec.CodeWrongRecipient, []string{"ModifiedField", "chain-payee"}, in(withQR(fl)), nil)
	fl = flipped(func(c *Payment) { c.Payer[AddrSize-1] ^= 1 })
	b.Invalid(grp, "qr-payer-bit-flipped", "one bit of the payer address flipped after signing: not the address of the certificate's key", "R1.1", spec.CodeWrongRecipient, []string{"ModifiedField", "AddressMismatch", "chain-address"}, in(withQR(fl)), nil)
	fl = flipped(func(c *Payment) { c.Time ^= 1 })
	b.Invalid(grp, "qr-time-bit-flipped", "one bit of the payment time flipped after signing, still within the window", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chain-signature"}, in(withQR(fl)), so(fl))
	fl = flipped(func(c *Payment) { c.Sealed[len(c.Sealed)/2] ^= 1 })
	b.Invalid(grp, "qr-sealed-transfer-bit-flipped", "one bit of the sealed transfer flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chain-signature"}, in(withQR(fl)), so(fl))
	fl = flipped(func(c *Payment) { c.Commitment[0] ^= 1 })
	b.Invalid(grp, "qr-commitment-bit-flipped", "one bit of the transfer commitment flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chain-signature"}, in(withQR(fl)), so(fl))
	fl = flipped(func(c *Payment) { c.Signature = vgen.FlipSig(c.Signature) })
	b.Invalid(grp, "qr-signature-bit-flipped", "one bit of alice's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "chain-signature"}, in(withQR(fl)), so(fl))
	fl = flipped(func(c *Payment) { c.Cert[len(c.Cert)-5] ^= 1 })
	b.Invalid(grp, "qr-certificate-signature-bit-flipped", "one bit of the root's signature on alice's certificate, carried in the QR code, flipped", "R1.3", spec.CodeUntrustedIssuer, []string{"ModifiedSignature", "chain-cert"},
		in(withQR(fl)), g.CertSig(p.Root.Cert, fl.Cert))
	wk := *cs.pay
	wk.Signature = g.Sign(p.Keys[vgen.CertThird], cs.pay.TBS())
	b.Invalid(grp, "qr-signed-by-other-key", "alice's payment with her certificate and address, signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "chain-signature"}, in(withQR(&wk)), so(&wk))

	// Read short.
	raw := msgs[iQR].Payload
	b.Invalid(grp, "qr-truncated", "the QR code's last byte lost", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"},
		in(vgen.ReplaceAt(msgs, iQR, vgen.WithPayload(msgs[iQR], bytes.Clone(raw[:len(raw)-1])))), nil)
	b.Invalid(grp, "qr-cut-in-half", "only the first half of the QR code's bytes", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"},
		in(vgen.ReplaceAt(msgs, iQR, vgen.WithPayload(msgs[iQR], bytes.Clone(raw[:len(raw)/2])))), nil)

	// The payee's clock and revocation list.
	b.Invalid(grp, "stale-payment-time", "the clean transcript, the payee's clock 5 minutes and 1 second ahead of the payment time", "R1.2", spec.CodeReplay, []string{"Replay", "chain-time-window"},
		ctx.In(msgs, vgen.GenAt.Add(Window+time.Second).Unix(), crl.Raw), so(cs.pay))
	b.Invalid(grp, "payer-certificate-expired", "the clean transcript, the payee's clock after alice's certificate expired", "R1.4", spec.CodeCertExpired, []string{"Expired", "chain-cert"},
		ctx.In(msgs, vgen.CertNotAfter.Unix()+1, crl.Raw), so(cs.pay))
	b.Invalid(grp, "payer-certificate-revoked", "the clean transcript, the payee's revocation list listing alice's certificate", "R1.4", spec.CodeCertRevoked, []string{"Revoked", "chain-cert"},
		ctx.In(msgs, at, revoked.Raw), g.CertSig(p.Root.Cert, revoked.Raw))
	return b
}
