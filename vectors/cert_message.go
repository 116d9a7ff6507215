package vectors

import (
	"bytes"

	mcert "github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// certSession is a clean recorded payment of the cert scheme: alice pays
// bob 3000 fen of a 5000-fen coin she withdrew from the agent bank.
type certSession struct {
	p            *pki
	nonce        []byte
	amount       int64
	digest       []byte
	msgs         []*mcert.Message // the six messages in order, signed
	raws         [][]byte
	holdingAfter *transfer.Holding // bob's coin after the payment
	aliceValue   int64             // alice's offline worth before
	issuer       suite.PrivateKey  // the coin issuer, for cases that build other coins
	label        string
}

const (
	certPayer = "wallet-alice"
	certPayee = "wallet-bob"
	certThird = "wallet-carol"
)

// certMsgSender is who signs each message.
func certMsgSender(tag uint8) string {
	switch tag {
	case mcert.TagPayeeHello, mcert.TagProceed, mcert.TagDeduct:
		return certPayee
	}
	return certPayer
}

func (g *gen) signMsg(k suite.PrivateKey, m mcert.Message) ([]byte, *mcert.Message) {
	m.Sig = nil
	m.Sig = g.sign(k, m.TBS())
	return m.Marshal(), &m
}

// newCertSession records the six messages of one payment; label keeps the
// nonce and seal randomness of different sessions apart.
func (g *gen) newCertSession(p *pki, issuer suite.PrivateKey, label string) *certSession {
	cs := &certSession{p: p, nonce: g.src("cert/" + label + "/nonce").Bytes(mcert.NonceSize), amount: 3000, aliceValue: 5000, issuer: issuer, label: label}
	alice, bob := p.certs[certPayer], p.certs[certPayee]
	ak, bk := p.keys[certPayer], p.keys[certPayee]
	rc, err := coin.Sign(issuer, coin.New(g.serial("cert/"+label+"/coin"), 5000, coin.Serial{}, agentID))
	g.fail(err)
	if g.err != nil {
		return cs
	}
	h0 := &transfer.Holding{Root: rc, Serial: rc.Serial}
	r1 := g.record(p.keys[agentID], transfer.Record{Parent: rc.Serial, ParentValue: 5000, Outputs: g.split(rc.Serial, 5000, 5000, agentID, certPayer),
		Payer: agentID, Payee: certPayer, Counter: 1})
	if g.err != nil {
		return cs
	}
	h1 := h0.Extend(r1, r1.Outputs[0].Serial)
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], cs.nonce)
	r2, err := transfer.Sign(ak, transfer.Record{Version: transfer.Version1, Parent: h1.Serial, ParentValue: 5000,
		Outputs: g.split(h1.Serial, 5000, cs.amount, certPayer, certPayee), Payer: certPayer, Payee: certPayee, Challenge: ch, Counter: 1})
	g.fail(err)
	if g.err != nil {
		return cs
	}
	for _, o := range r2.Outputs {
		if o.Holder == certPayee {
			cs.holdingAfter = h1.Extend(r2, o.Serial)
		}
	}
	plain, err := mcert.EncodeCoins([]*transfer.Holding{h1}, []*transfer.Signed{r2}, nil)
	g.fail(err)
	info := mcert.SealInfo(cs.nonce, certPayee)
	r := g.src("cert/" + label + "/seal")
	ck := r.Bytes(16)
	sealedKey, err := bob.PublicKey.Seal(r, ck, info)
	g.fail(err)
	aead, err := g.s.NewAEAD(ck)
	g.fail(err)
	if g.err != nil {
		return cs
	}
	cs.digest = mcert.RecordsDigest(g.s, []*transfer.Signed{r2})
	for _, m := range []struct {
		k suite.PrivateKey
		m mcert.Message
	}{
		{bk, mcert.Message{Tag: mcert.TagPayeeHello, Nonce: cs.nonce, Amount: cs.amount, Payee: certPayee, Key: bob.PublicKey.SPKI(), Cert: bob.Raw}},
		{ak, mcert.Message{Tag: mcert.TagPayerHello, Nonce: cs.nonce, Payer: certPayer, Payee: certPayee, Key: alice.PublicKey.SPKI(), Cert: alice.Raw}},
		{bk, mcert.Message{Tag: mcert.TagProceed, Nonce: cs.nonce, Amount: cs.amount, Payer: certPayer, Payee: certPayee}},
		{ak, mcert.Message{Tag: mcert.TagTx, Nonce: cs.nonce, Amount: cs.amount, Payer: certPayer, Payee: certPayee,
			SealedKey: sealedKey, Ciphertext: aead.Seal(nil, mcert.ZeroNonce(), plain, info)}},
		{bk, mcert.Message{Tag: mcert.TagDeduct, Nonce: cs.nonce, Payer: certPayer, Payee: certPayee, Digest: cs.digest}},
		{ak, mcert.Message{Tag: mcert.TagDeducted, Nonce: cs.nonce, Payer: certPayer, Payee: certPayee, Digest: cs.digest}},
	} {
		raw, sm := g.signMsg(m.k, m.m)
		cs.msgs, cs.raws = append(cs.msgs, sm), append(cs.raws, raw)
	}
	return cs
}

var certMsgNames = map[uint8]string{
	mcert.TagPayeeHello: "hello-payee", mcert.TagPayerHello: "hello-payer", mcert.TagProceed: "proceed",
	mcert.TagTx: "tx", mcert.TagDeduct: "deduct", mcert.TagDeducted: "deducted",
}

func genMessage(g *gen) *builder {
	b := newBuilder("cert", g.id, "message",
		"The six signed payment messages of the ICBC 2018 certificate scheme (spec/formats-schemes.md, \"The six signed messages\", [APPLICATION 16..22] DER), taken from one clean recorded payment of 3000 fen from wallet-alice to wallet-bob, and mutations of them.",
		"input.expect is the [APPLICATION n] number of the message the receiving wallet (hex of its id in input.receiver) awaits: 16 HELLO-PAYEE, 18 PROCEED and 21 DEDUCT are received by the payer; 17 HELLO-PAYER, 19 TX and 22 DEDUCTED by the payee.",
		"The session context is in the input: input.root and input.at for certificate checks, input.peer the counterpart's certificate once the hellos are exchanged, input.nonce the session's nonce (absent for HELLO-PAYEE, which opens the session), input.amount for PROCEED and TX, input.digest (the records' digest) for DEDUCT and DEDUCTED.",
		"A message is valid when the receiver (spec/formats-schemes.md, \"What the payee checks\" and \"What the payer checks\") would act on it, in the model's order: strict parse accepting only the tags of the receiver's role (another tag is malformed); another tag of the role than expected is replay (out of turn);",
		"on the payee side the nonce (replay), then payee = receiver (wrong-recipient); a HELLO checks the presented certificate (a wallet's, verifying under the root at input.at, naming the presented id and key, not the receiver: untrusted-issuer or wrong-recipient);",
		"PROCEED: nonce, signature, payer = receiver and payee = peer, amount (value-mismatch); TX: payer = peer, amount, signature; DEDUCT: payer = receiver, nonce, signature, payee = peer, digest (value-mismatch); DEDUCTED: payer = peer, digest, signature.",
		"Not covered: the coins sealed inside a TX are not opened (the transfer and sealedcoin kinds cover their content), nor any state-dependent check (a nonce already answered, offline limits, funds).",
		"The signature object is the sender's signature over the message as sent, under the key of the sender's genuine certificate.")
	p := g.newPKI("pki", []devSpec{{agentID, devcert.RoleAgent}, {certPayer, devcert.RoleWallet}, {certPayee, devcert.RoleWallet}, {certThird, devcert.RoleWallet}})
	rogue := g.newPKI("rogue", []devSpec{{certPayee, devcert.RoleWallet}})
	issuer := g.key("issuer")
	if g.err != nil {
		return b
	}
	cs := g.newCertSession(p, issuer, "s1")
	other := g.newCertSession(p, issuer, "s2")
	if g.err != nil {
		return b
	}
	root := p.root.Cert
	grp := b.group("MessageReceive", "")
	in := func(raw []byte, expect uint8) MessageInput {
		mi := MessageInput{Message: h(raw), Expect: int(expect), Root: h(root.Raw), At: genAt.Unix()}
		recv := certPayer
		if certMsgSender(expect) == certPayer {
			recv = certPayee
		}
		mi.Receiver = h([]byte(recv))
		if expect != mcert.TagPayeeHello {
			mi.Nonce = h(cs.nonce)
		}
		if expect != mcert.TagPayeeHello && expect != mcert.TagPayerHello {
			mi.Peer = h(p.certs[certMsgSender(expect)].Raw)
		}
		if expect == mcert.TagProceed || expect == mcert.TagTx {
			mi.Amount = cs.amount
		}
		if expect == mcert.TagDeduct || expect == mcert.TagDeducted {
			mi.Digest = h(cs.digest)
		}
		return mi
	}
	so := func(m *mcert.Message) *Signature {
		return sigObj(g.s, p.certs[certMsgSender(m.Tag)].PublicKey, m.TBS(), m.Sig)
	}
	for i, m := range cs.msgs {
		tag := m.Tag
		n := certMsgNames[tag]
		sender := certMsgSender(tag)
		key := p.keys[sender]
		resign := func(mod func(*mcert.Message)) ([]byte, *mcert.Message) {
			c := *m
			mod(&c)
			return g.signMsg(key, c)
		}
		after := func(mod func(*mcert.Message)) ([]byte, *mcert.Message) { // changed after signing
			c := *m
			mod(&c)
			return c.Marshal(), &c
		}
		b.valid(grp, n+"-valid", "message "+itoa(int64(i+1))+" of a clean payment, "+typeName(tag)+", as its receiver gets it", "R6.4", nil, in(cs.raws[i], tag), so(m))

		// Signature.
		raw, fm := after(func(c *mcert.Message) { c.Sig = flipSig(c.Sig) })
		b.invalid(grp, n+"-signature-bit-flipped", "one bit of the sender's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"}, in(raw, tag), so(fm))
		oc := *m
		oraw, om := g.signMsg(p.keys[certThird], oc)
		b.invalid(grp, n+"-signed-by-other-key", "signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "cert-signature"}, in(oraw, tag), so(om))

		// Fields changed after signing, where the signature is what catches it.
		switch tag {
		case mcert.TagPayeeHello, mcert.TagProceed:
			raw, fm := after(func(c *mcert.Message) { c.Amount = 300000 })
			b.invalid(grp, n+"-amount-changed", "amount raised from 3000 to 300000 fen after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"}, in(raw, tag), so(fm))
		case mcert.TagPayerHello:
			carol := p.certs[certThird]
			raw, fm := after(func(c *mcert.Message) { c.Payer, c.Key, c.Cert = certThird, carol.PublicKey.SPKI(), carol.Raw })
			b.invalid(grp, n+"-identity-swapped", "another wallet's id, key and certificate put in after alice signed", "R1.3", spec.CodeBadSignature, []string{"SignatureSwap", "cert-signature"}, in(raw, tag),
				sigObj(g.s, carol.PublicKey, fm.TBS(), fm.Sig))
		case mcert.TagTx:
			raw, fm := after(func(c *mcert.Message) { c.Ciphertext = bytes.Clone(c.Ciphertext); c.Ciphertext[0] ^= 0x01 })
			b.invalid(grp, n+"-ciphertext-changed", "one bit of the sealed coins flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"}, in(raw, tag), so(fm))
		case mcert.TagDeduct:
			raw, fm := after(func(c *mcert.Message) { c.Digest = bytes.Clone(c.Digest); c.Digest[0] ^= 0x01 })
			b.invalid(grp, n+"-digest-changed", "one bit of the records' digest flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"}, in(raw, tag), so(fm))
		}

		// Replay: the same message of another session, validly signed.
		if tag != mcert.TagPayeeHello {
			om := other.msgs[i]
			b.invalid(grp, n+"-other-session", "the same message from another payment between the same wallets (another nonce)", "R1.2", spec.CodeReplay, []string{"Replay", "cert-nonce"}, in(other.raws[i], tag), so(om))
		}

		// Wrong recipient, re-signed so only the addressing is wrong.
		switch tag {
		case mcert.TagPayerHello, mcert.TagTx, mcert.TagDeducted:
			raw, rm := resign(func(c *mcert.Message) { c.Payee = certThird })
			b.invalid(grp, n+"-to-other-payee", "addressed to another payee, signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-payee"}, in(raw, tag), so(rm))
		case mcert.TagProceed, mcert.TagDeduct:
			raw, rm := resign(func(c *mcert.Message) { c.Payer = certThird })
			b.invalid(grp, n+"-to-other-payer", "naming another payer, signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-payer-side"}, in(raw, tag), so(rm))
		case mcert.TagPayeeHello:
			self := p.certs[certPayer]
			c := *m
			c.Payee, c.Key, c.Cert = certPayer, self.PublicKey.SPKI(), self.Raw
			raw, sm := g.signMsg(p.keys[certPayer], c)
			b.invalid(grp, n+"-from-self", "a request presenting the receiving wallet's own certificate", "R1.5", spec.CodeWrongRecipient, []string{"SelfPayment", "cert-peer"}, in(raw, tag),
				sigObj(g.s, self.PublicKey, sm.TBS(), sm.Sig))
		}
		switch tag {
		case mcert.TagTx, mcert.TagDeducted:
			raw, rm := resign(func(c *mcert.Message) { c.Payer = certThird })
			b.invalid(grp, n+"-from-other-payer", "naming another payer than the session's, signed by alice", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-payer-match"}, in(raw, tag), so(rm))
		}

		// Value mismatch, re-signed.
		switch tag {
		case mcert.TagProceed, mcert.TagTx:
			raw, rm := resign(func(c *mcert.Message) { c.Amount = 30000 })
			b.invalid(grp, n+"-amount-mismatch", "30000 fen in a session for 3000, signed", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "cert-amount"}, in(raw, tag), so(rm))
		case mcert.TagDeduct, mcert.TagDeducted:
			raw, rm := resign(func(c *mcert.Message) { c.Digest = other.digest })
			b.invalid(grp, n+"-digest-mismatch", "the digest of another payment's records, signed", "R5.2", spec.CodeValueMismatch, []string{"ValueMismatch", "cert-digest"}, in(raw, tag), so(rm))
		}
	}

	// Certificates presented in the hellos.
	hello := cs.msgs[0]
	rb := rogue.certs[certPayee]
	c := *hello
	c.Key, c.Cert = rb.PublicKey.SPKI(), rb.Raw
	raw, rm := g.signMsg(rogue.keys[certPayee], c)
	b.invalid(grp, "hello-payee-foreign-root", "a payee certificate issued by a rogue root of the same name", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "cert-peer"}, in(raw, mcert.TagPayeeHello), g.certSig(root, rb.Raw))
	_ = rm
	c = *hello
	c.Key = p.certs[certThird].PublicKey.SPKI()
	raw, rm = g.signMsg(p.keys[certThird], c)
	b.invalid(grp, "hello-payee-key-not-certified", "bob's certificate with another wallet's key, signed by that key", "R1.3", spec.CodeUntrustedIssuer, []string{"Uncertified", "cert-peer"}, in(raw, mcert.TagPayeeHello),
		sigObj(g.s, p.certs[certThird].PublicKey, rm.TBS(), rm.Sig))
	c = *hello
	c.Payee = certThird
	raw, rm = g.signMsg(p.keys[certPayee], c)
	b.invalid(grp, "hello-payee-id-not-certified", "bob's certificate and key presenting carol's id", "R1.3", spec.CodeUntrustedIssuer, []string{"ModifiedField", "cert-peer"}, in(raw, mcert.TagPayeeHello), so(rm))
	ag := p.certs[agentID]
	c = *hello
	c.Payee, c.Key, c.Cert = agentID, ag.PublicKey.SPKI(), ag.Raw
	raw, rm = g.signMsg(p.keys[agentID], c)
	b.invalid(grp, "hello-payee-not-wallet", "an agent bank's certificate as payee", "R1.3", spec.CodeUntrustedIssuer, []string{"WrongRole", "cert-peer"}, in(raw, mcert.TagPayeeHello),
		sigObj(g.s, ag.PublicKey, rm.TBS(), rm.Sig))
	exp := in(cs.raws[1], mcert.TagPayerHello)
	exp.At = certNotAfter.Unix() + 1
	b.invalid(grp, "hello-payer-certificate-expired", "the payer's certificate has expired at the payee's clock", "R1.4", spec.CodeCertExpired, []string{"Expired", "cert-peer"}, exp, so(cs.msgs[1]))

	// Out of turn and framing.
	tx := in(cs.raws[3], mcert.TagPayerHello)
	b.invalid(grp, "tx-out-of-turn", "a valid TX while the payee awaits HELLO-PAYER", "R1.2", spec.CodeReplay, []string{"OutOfTurn", "cert-turn"}, tx, so(cs.msgs[3]))
	pr := in(cs.raws[2], mcert.TagPayerHello)
	b.invalid(grp, "proceed-to-payee", "a PROCEED (a payer's message) sent to the payee", "R1.1", spec.CodeMalformed, []string{"OutOfTurn", "cert-msg-tag"}, pr, nil)
	good := cs.raws[2]
	b.invalid(grp, "proceed-truncated", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"}, in(good[:len(good)-1], mcert.TagProceed), nil)
	b.invalid(grp, "proceed-trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "der-strict", "der-trailing"}, in(append(bytes.Clone(good), 0), mcert.TagProceed), nil)
	b.invalid(grp, "proceed-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty", "der-strict"}, in(nil, mcert.TagProceed), nil)
	return b
}

func typeName(tag uint8) string {
	return map[uint8]string{
		mcert.TagPayeeHello: mcert.MsgPayeeHello, mcert.TagPayerHello: mcert.MsgPayerHello, mcert.TagProceed: mcert.MsgProceed,
		mcert.TagTx: mcert.MsgTx, mcert.TagDeduct: mcert.MsgDeduct, mcert.TagDeducted: mcert.MsgDeducted,
	}[tag]
}
