package cert

import (
	"bytes"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// certSession is a clean recorded payment of the cert scheme: alice pays
// bob 3000 fen of a 5000-fen coin she withdrew from the agent bank.
type certSession struct {
	P            *vgen.PKI
	Nonce        []byte
	Amount       int64
	digest       []byte
	msgs         []*Message // the six messages in order, signed
	raws         [][]byte
	holdingAfter *transfer.Holding // bob's coin after the payment
	aliceValue   int64             // alice's offline worth before
	Issuer       suite.PrivateKey  // the coin issuer, for cases that build other coins
	label        string
}

// certMsgSender is who signs each message.
func certMsgSender(tag uint8) string {
	switch tag {
	case TagPayeeHello, TagProceed, TagDeduct:
		return vgen.CertPayee
	}
	return vgen.CertPayer
}

func signMsg(g *vgen.Gen, k suite.PrivateKey, m Message) ([]byte, *Message) {
	m.Sig = nil
	m.Sig = g.Sign(k, m.TBS())
	return m.Marshal(), &m
}

// newCertSession records the six messages of one payment; label keeps the
// nonce and seal randomness of different sessions apart.
func newCertSession(g *vgen.Gen, p *vgen.PKI, issuer suite.PrivateKey, label string) *certSession {
	cs := &certSession{P: p, Nonce: g.Src("cert/" + label + "/nonce").Bytes(NonceSize), Amount: 3000, aliceValue: 5000, Issuer: issuer, label: label}
	alice, bob := p.Certs[vgen.CertPayer], p.Certs[vgen.CertPayee]
	ak, bk := p.Keys[vgen.CertPayer], p.Keys[vgen.CertPayee]
	rc, err := coin.Sign(issuer, coin.New(g.Serial("cert/"+label+"/coin"), 5000, coin.Serial{}, vgen.AgentID))
	g.Fail(err)
	if g.Err != nil {
		return cs
	}
	h0 := &transfer.Holding{Root: rc, Serial: rc.Serial}
	r1 := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: 5000, Outputs: g.Split(rc.Serial, 5000, 5000, vgen.AgentID, vgen.CertPayer),
		Payer: vgen.AgentID, Payee: vgen.CertPayer, Counter: 1})
	if g.Err != nil {
		return cs
	}
	h1 := h0.Extend(r1, r1.Outputs[0].Serial)
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], cs.Nonce)
	r2, err := transfer.Sign(ak, transfer.Record{Version: transfer.Version1, Parent: h1.Serial, ParentValue: 5000,
		Outputs: g.Split(h1.Serial, 5000, cs.Amount, vgen.CertPayer, vgen.CertPayee), Payer: vgen.CertPayer, Payee: vgen.CertPayee, Challenge: ch, Counter: 1})
	g.Fail(err)
	if g.Err != nil {
		return cs
	}
	for _, o := range r2.Outputs {
		if o.Holder == vgen.CertPayee {
			cs.holdingAfter = h1.Extend(r2, o.Serial)
		}
	}
	plain, err := EncodeCoins([]*transfer.Holding{h1}, []*transfer.Signed{r2}, nil)
	g.Fail(err)
	info := SealInfo(cs.Nonce, vgen.CertPayee)
	r := g.Src("cert/" + label + "/seal")
	ck := r.Bytes(16)
	sealedKey, err := bob.PublicKey.Seal(r, ck, info)
	g.Fail(err)
	aead, err := g.S.NewAEAD(ck)
	g.Fail(err)
	if g.Err != nil {
		return cs
	}
	cs.digest = RecordsDigest(g.S, []*transfer.Signed{r2})
	for _, m := range []struct {
		k suite.PrivateKey
		m Message
	}{
		{bk, Message{Tag: TagPayeeHello, Nonce: cs.Nonce, Amount: cs.Amount, Payee: vgen.CertPayee, Key: bob.PublicKey.SPKI(), Cert: bob.Raw}},
		{ak, Message{Tag: TagPayerHello, Nonce: cs.Nonce, Payer: vgen.CertPayer, Payee: vgen.CertPayee, Key: alice.PublicKey.SPKI(), Cert: alice.Raw}},
		{bk, Message{Tag: TagProceed, Nonce: cs.Nonce, Amount: cs.Amount, Payer: vgen.CertPayer, Payee: vgen.CertPayee}},
		{ak, Message{Tag: TagTx, Nonce: cs.Nonce, Amount: cs.Amount, Payer: vgen.CertPayer, Payee: vgen.CertPayee,
			SealedKey: sealedKey, Ciphertext: aead.Seal(nil, ZeroNonce(), plain, info)}},
		{bk, Message{Tag: TagDeduct, Nonce: cs.Nonce, Payer: vgen.CertPayer, Payee: vgen.CertPayee, Digest: cs.digest}},
		{ak, Message{Tag: TagDeducted, Nonce: cs.Nonce, Payer: vgen.CertPayer, Payee: vgen.CertPayee, Digest: cs.digest}},
	} {
		raw, sm := signMsg(g, m.k, m.m)
		cs.msgs, cs.raws = append(cs.msgs, sm), append(cs.raws, raw)
	}
	return cs
}

var certMsgNames = map[uint8]string{
	TagPayeeHello: "hello-payee", TagPayerHello: "hello-payer", TagProceed: "proceed",
	TagTx: "tx", TagDeduct: "deduct", TagDeducted: "deducted",
}

// messageKind is the message file: its MessageReceive cases decided with
// the receiving wallet's checks (refMessage), its HelloPay group with the
// payer wallet provisioned from the input (refHelloPay).
var messageKind = vgen.Kind{
	Gen:    vgen.Then(genMessage, genHelloPay),
	Decide: map[string]vgen.Decider{"message": vgen.Decode(refMessage), "message/HelloPay": vgen.Decode(refHelloPay)},
}

func genMessage(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "message")
	p := g.NewPKI("pki", []vgen.DevSpec{{ID: vgen.AgentID, Role: devcert.RoleAgent}, {ID: vgen.CertPayer, Role: devcert.RoleWallet}, {ID: vgen.CertPayee, Role: devcert.RoleWallet}, {ID: vgen.CertThird, Role: devcert.RoleWallet}})
	rogue := g.NewPKI("rogue", []vgen.DevSpec{{ID: vgen.CertPayee, Role: devcert.RoleWallet}})
	issuer := g.Key("issuer")
	if g.Err != nil {
		return b
	}
	cs := newCertSession(g, p, issuer, "s1")
	other := newCertSession(g, p, issuer, "s2")
	if g.Err != nil {
		return b
	}
	root := p.Root.Cert
	grp := b.Group("MessageReceive", "")
	in := func(raw []byte, expect uint8) MessageInput {
		mi := MessageInput{Message: vgen.H(raw), Expect: int(expect), Root: vgen.H(root.Raw), At: vgen.GenAt.Unix()}
		recv := vgen.CertPayer
		if certMsgSender(expect) == vgen.CertPayer {
			recv = vgen.CertPayee
		}
		mi.Receiver = vgen.H([]byte(recv))
		if expect != TagPayeeHello {
			mi.Nonce = vgen.H(cs.Nonce)
		}
		if expect != TagPayeeHello && expect != TagPayerHello {
			mi.Peer = vgen.H(p.Certs[certMsgSender(expect)].Raw)
		}
		if expect == TagProceed || expect == TagTx {
			mi.Amount = cs.Amount
		}
		if expect == TagDeduct || expect == TagDeducted {
			mi.Digest = vgen.H(cs.digest)
		}
		return mi
	}
	so := func(m *Message) *vgen.Signature {
		return vgen.SigObj(g.S, p.Certs[certMsgSender(m.Tag)].PublicKey, m.TBS(), m.Sig)
	}
	for i, m := range cs.msgs {
		tag := m.Tag
		n := certMsgNames[tag]
		sender := certMsgSender(tag)
		key := p.Keys[sender]
		resign := func(mod func(*Message)) ([]byte, *Message) {
			c := *m
			mod(&c)
			return signMsg(g, key, c)
		}
		after := func(mod func(*Message)) ([]byte, *Message) { // changed after signing
			c := *m
			mod(&c)
			return c.Marshal(), &c
		}
		b.Valid(grp, n+"-valid", "message "+vgen.Itoa(int64(i+1))+" of a clean payment, "+typeName(tag)+", as its receiver gets it", "R6.4", nil, in(cs.raws[i], tag), so(m))

		// Signature.
		raw, fm := after(func(c *Message) { c.Sig = vgen.FlipSig(c.Sig) })
		b.Invalid(grp, n+"-signature-bit-flipped", "one bit of the sender's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"}, in(raw, tag), so(fm))
		oc := *m
		oraw, om := signMsg(g, p.Keys[vgen.CertThird], oc)
		b.Invalid(grp, n+"-signed-by-other-key", "signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "cert-signature"}, in(oraw, tag), so(om))

		// Fields changed after signing, where the signature is what catches it.
		switch tag {
		case TagPayeeHello, TagProceed:
			raw, fm := after(func(c *Message) { c.Amount = 300000 })
			b.Invalid(grp, n+"-amount-changed", "amount raised from 3000 to 300000 fen after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"}, in(raw, tag), so(fm))
		case TagPayerHello:
			carol := p.Certs[vgen.CertThird]
			raw, fm := after(func(c *Message) { c.Payer, c.Key, c.Cert = vgen.CertThird, carol.PublicKey.SPKI(), carol.Raw })
			b.Invalid(grp, n+"-identity-swapped", "another wallet's id, key and certificate put in after alice signed", "R1.3", spec.CodeBadSignature, []string{"SignatureSwap", "cert-signature"}, in(raw, tag),
				vgen.SigObj(g.S, carol.PublicKey, fm.TBS(), fm.Sig))
		case TagTx:
			raw, fm := after(func(c *Message) { c.Ciphertext = bytes.Clone(c.Ciphertext); c.Ciphertext[0] ^= 0x01 })
			b.Invalid(grp, n+"-ciphertext-changed", "one bit of the sealed coins flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"}, in(raw, tag), so(fm))
		case TagDeduct:
			raw, fm := after(func(c *Message) { c.Digest = bytes.Clone(c.Digest); c.Digest[0] ^= 0x01 })
			b.Invalid(grp, n+"-digest-changed", "one bit of the records' digest flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"}, in(raw, tag), so(fm))
		}

		// Replay: the same message of another session, validly signed.
		if tag != TagPayeeHello {
			om := other.msgs[i]
			b.Invalid(grp, n+"-other-session", "the same message from another payment between the same wallets (another nonce)", "R1.2", spec.CodeReplay, []string{"Replay", "cert-nonce"}, in(other.raws[i], tag), so(om))
		}

		// Wrong recipient, re-signed so only the addressing is wrong.
		switch tag {
		case TagPayerHello, TagTx, TagDeducted:
			raw, rm := resign(func(c *Message) { c.Payee = vgen.CertThird })
			b.Invalid(grp, n+"-to-other-payee", "addressed to another payee, signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-payee"}, in(raw, tag), so(rm))
		case TagProceed, TagDeduct:
			raw, rm := resign(func(c *Message) { c.Payer = vgen.CertThird })
			b.Invalid(grp, n+"-to-other-payer", "naming another payer, signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-payer-side"}, in(raw, tag), so(rm))
		case TagPayeeHello:
			self := p.Certs[vgen.CertPayer]
			c := *m
			c.Payee, c.Key, c.Cert = vgen.CertPayer, self.PublicKey.SPKI(), self.Raw
			raw, sm := signMsg(g, p.Keys[vgen.CertPayer], c)
			b.Invalid(grp, n+"-from-self", "a request presenting the receiving wallet's own certificate", "R1.5", spec.CodeWrongRecipient, []string{"SelfPayment", "cert-peer"}, in(raw, tag),
				vgen.SigObj(g.S, self.PublicKey, sm.TBS(), sm.Sig))
		}
		switch tag {
		case TagTx, TagDeducted:
			raw, rm := resign(func(c *Message) { c.Payer = vgen.CertThird })
			b.Invalid(grp, n+"-from-other-payer", "naming another payer than the session's, signed by alice", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "cert-payer-match"}, in(raw, tag), so(rm))
		}

		// Value mismatch, re-signed.
		switch tag {
		case TagProceed, TagTx:
			raw, rm := resign(func(c *Message) { c.Amount = 30000 })
			b.Invalid(grp, n+"-amount-mismatch", "30000 fen in a session for 3000, signed", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "cert-amount"}, in(raw, tag), so(rm))
		case TagDeduct, TagDeducted:
			raw, rm := resign(func(c *Message) { c.Digest = other.digest })
			b.Invalid(grp, n+"-digest-mismatch", "the digest of another payment's records, signed", "R5.2", spec.CodeValueMismatch, []string{"ValueMismatch", "cert-digest"}, in(raw, tag), so(rm))
		}
	}

	// Certificates presented in the hellos.
	hello := cs.msgs[0]
	rb := rogue.Certs[vgen.CertPayee]
	c := *hello
	c.Key, c.Cert = rb.PublicKey.SPKI(), rb.Raw
	raw, rm := signMsg(g, rogue.Keys[vgen.CertPayee], c)
	b.Invalid(grp, "hello-payee-foreign-root", "a payee certificate issued by a rogue root of the same name", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "cert-peer"}, in(raw, TagPayeeHello), g.CertSig(root, rb.Raw))
	_ = rm
	c = *hello
	c.Key = p.Certs[vgen.CertThird].PublicKey.SPKI()
	raw, rm = signMsg(g, p.Keys[vgen.CertThird], c)
	b.Invalid(grp, "hello-payee-key-not-certified", "bob's certificate with another wallet's key, signed by that key", "R1.3", spec.CodeUntrustedIssuer, []string{"Uncertified", "cert-peer"}, in(raw, TagPayeeHello),
		vgen.SigObj(g.S, p.Certs[vgen.CertThird].PublicKey, rm.TBS(), rm.Sig))
	c = *hello
	c.Payee = vgen.CertThird
	raw, rm = signMsg(g, p.Keys[vgen.CertPayee], c)
	b.Invalid(grp, "hello-payee-id-not-certified", "bob's certificate and key presenting carol's id", "R1.3", spec.CodeUntrustedIssuer, []string{"ModifiedField", "cert-peer"}, in(raw, TagPayeeHello), so(rm))
	ag := p.Certs[vgen.AgentID]
	c = *hello
	c.Payee, c.Key, c.Cert = vgen.AgentID, ag.PublicKey.SPKI(), ag.Raw
	raw, rm = signMsg(g, p.Keys[vgen.AgentID], c)
	b.Invalid(grp, "hello-payee-not-wallet", "an agent bank's certificate as payee", "R1.3", spec.CodeUntrustedIssuer, []string{"WrongRole", "cert-peer"}, in(raw, TagPayeeHello),
		vgen.SigObj(g.S, ag.PublicKey, rm.TBS(), rm.Sig))
	exp := in(cs.raws[1], TagPayerHello)
	exp.At = vgen.CertNotAfter.Unix() + 1
	b.Invalid(grp, "hello-payer-certificate-expired", "the payer's certificate has expired at the payee's clock", "R1.4", spec.CodeCertExpired, []string{"Expired", "cert-peer"}, exp, so(cs.msgs[1]))

	// Out of turn and framing.
	tx := in(cs.raws[3], TagPayerHello)
	b.Invalid(grp, "tx-out-of-turn", "a valid TX while the payee awaits HELLO-PAYER", "R1.2", spec.CodeReplay, []string{"OutOfTurn", "cert-turn"}, tx, so(cs.msgs[3]))
	pr := in(cs.raws[2], TagPayerHello)
	b.Invalid(grp, "proceed-to-payee", "a PROCEED (a payer's message) sent to the payee", "R1.1", spec.CodeMalformed, []string{"OutOfTurn", "cert-msg-tag"}, pr, nil)
	good := cs.raws[2]
	b.Invalid(grp, "proceed-truncated", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"}, in(good[:len(good)-1], TagProceed), nil)
	b.Invalid(grp, "proceed-trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "der-strict", "der-trailing"}, in(append(bytes.Clone(good), 0), TagProceed), nil)
	b.Invalid(grp, "proceed-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty", "der-strict"}, in(nil, TagProceed), nil)
	genMessageOrder(g, b, grp, cs, other, in, so)
	return b
}

// genMessageOrder adds the cases with two faults at once, each pair
// adjacent in an order formats-schemes.md states ("What the payee
// checks", "What the payer checks"): the expected code is the first
// check's, which the case names; the reference without that check gives
// the second's.
func genMessageOrder(g *vgen.Gen, b *vgen.Builder, grp *vgen.Group, cs, other *certSession, in func([]byte, uint8) MessageInput, so func(*Message) *vgen.Signature) {
	p := cs.P
	mod := func(m *Message, f func(*Message)) *Message {
		c := *m
		f(&c)
		return &c
	}
	signed := func(m *Message) ([]byte, *Message) { return signMsg(g, p.Keys[certMsgSender(m.Tag)], *m) }
	flipped := func(m *Message) ([]byte, *Message) {
		c := *m
		c.Sig = vgen.FlipSig(c.Sig)
		return c.Marshal(), &c
	}
	flip := func(m *Message, f func(*Message)) ([]byte, *Message) { // changed, signed, then the signature flipped
		_, sm := signed(mod(m, f))
		return flipped(sm)
	}
	third := func(c *Message) { c.Payee = vgen.CertThird }
	payer := func(c *Message) { c.Payer = vgen.CertThird }
	amount := func(c *Message) { c.Amount = 30000 }
	digest := func(c *Message) { c.Digest = other.digest }
	const hp, ph, pr, tx, dd, dt = 0, 1, 2, 3, 4, 5
	m := cs.msgs
	order := []string{"CheckOrder"}
	add := func(name, comment, req string, code spec.Code, check string, raw []byte, expect uint8, sm *Message, at int64) {
		i := in(raw, expect)
		if at != 0 {
			i.At = at
		}
		b.Invalid(grp, "order-"+name, comment, req, code, append(append([]string{}, order...), check), i, so(sm))
	}

	// The payee, on every message: nonce, payee, turn.
	raw, sm := signed(mod(other.msgs[tx], third))
	add("tx-nonce-before-payee", "another payment's TX addressed to another payee: the nonce is checked first", "R1.2", spec.CodeReplay, "cert-nonce", raw, TagTx, sm, 0)
	raw, sm = signed(mod(m[tx], third))
	add("tx-payee-before-turn", "a TX addressed to another payee while the payee awaits HELLO-PAYER: the payee id is checked before the turn", "R1.5", spec.CodeWrongRecipient, "cert-payee", raw, TagPayerHello, sm, 0)
	// HELLO-PAYER: the payee id, the certificate, then the signature.
	expired := vgen.CertNotAfter.Unix() + 1
	raw, sm = signed(mod(m[ph], third))
	add("hello-payer-payee-before-certificate", "a HELLO-PAYER addressed to another payee, its certificate expired at the payee's clock: the payee id is checked first", "R1.5", spec.CodeWrongRecipient, "cert-payee", raw, TagPayerHello, sm, expired)
	raw, sm = flipped(m[ph])
	add("hello-payer-certificate-before-signature", "a HELLO-PAYER whose certificate expired at the payee's clock, its signature bit-flipped: the certificate is checked first", "R1.4", spec.CodeCertExpired, "cert-peer", raw, TagPayerHello, sm, expired)
	// TX: payer, amount, signature.
	raw, sm = signed(mod(m[tx], func(c *Message) { payer(c); amount(c) }))
	add("tx-payer-before-amount", "a TX naming another payer and 30000 fen in a session for 3000, signed: the payer is checked first", "R1.5", spec.CodeWrongRecipient, "cert-payer-match", raw, TagTx, sm, 0)
	raw, sm = flip(m[tx], amount)
	add("tx-amount-before-signature", "a TX for 30000 fen in a session for 3000, its signature bit-flipped: the amount is checked first", "R5.2", spec.CodeValueMismatch, "cert-amount", raw, TagTx, sm, 0)
	// DEDUCTED: payer, digest, signature.
	raw, sm = signed(mod(m[dt], func(c *Message) { payer(c); digest(c) }))
	add("deducted-payer-before-digest", "a DEDUCTED naming another payer with another payment's digest, signed: the payer is checked first", "R1.5", spec.CodeWrongRecipient, "cert-payer-match", raw, TagDeducted, sm, 0)
	raw, sm = flip(m[dt], digest)
	add("deducted-digest-before-signature", "a DEDUCTED with another payment's digest, its signature bit-flipped: the digest is checked first", "R5.2", spec.CodeValueMismatch, "cert-digest", raw, TagDeducted, sm, 0)

	// The payer: the turn before any other check.
	raw, sm = signed(mod(m[dd], payer))
	add("deduct-turn-before-payer", "a DEDUCT naming another payer while the payer awaits PROCEED: the turn is checked before anything else", "R1.2", spec.CodeReplay, "cert-turn", raw, TagProceed, sm, 0)
	// HELLO-PAYEE: the certificate, then the signature.
	ag := p.Certs[vgen.AgentID]
	c := *m[hp]
	c.Payee, c.Key, c.Cert = vgen.AgentID, ag.PublicKey.SPKI(), ag.Raw
	_, am := signMsg(g, p.Keys[vgen.AgentID], c)
	raw, sm = flipped(am)
	b.Invalid(grp, "order-hello-payee-certificate-before-signature", "an agent bank's certificate as payee, its signature bit-flipped: the certificate is checked first", "R1.3", spec.CodeUntrustedIssuer, append(append([]string{}, order...), "cert-peer"), in(raw, TagPayeeHello),
		vgen.SigObj(g.S, ag.PublicKey, sm.TBS(), sm.Sig))
	// PROCEED: nonce, signature, payer and payee, amount.
	raw, sm = flipped(other.msgs[pr])
	add("proceed-nonce-before-signature", "another payment's PROCEED, its signature bit-flipped: the nonce is checked first", "R1.2", spec.CodeReplay, "cert-nonce", raw, TagProceed, sm, 0)
	raw, sm = flip(m[pr], payer)
	add("proceed-signature-before-payer", "a PROCEED naming another payer, its signature bit-flipped: the signature is checked first", "R1.1", spec.CodeBadSignature, "cert-signature", raw, TagProceed, sm, 0)
	raw, sm = signed(mod(m[pr], func(c *Message) { payer(c); amount(c) }))
	add("proceed-payer-before-amount", "a PROCEED naming another payer and 30000 fen for a request of 3000, signed: the payer is checked first", "R1.5", spec.CodeWrongRecipient, "cert-payer-side", raw, TagProceed, sm, 0)
	// DEDUCT: payer, nonce, signature, payee, digest.
	raw, sm = signed(mod(other.msgs[dd], payer))
	add("deduct-payer-before-nonce", "another payment's DEDUCT naming another payer, signed: the payer is checked first", "R1.5", spec.CodeWrongRecipient, "cert-payer-side", raw, TagDeduct, sm, 0)
	raw, sm = flipped(other.msgs[dd])
	add("deduct-nonce-before-signature", "another payment's DEDUCT, its signature bit-flipped: the nonce is checked first", "R1.2", spec.CodeReplay, "cert-nonce", raw, TagDeduct, sm, 0)
	raw, sm = flip(m[dd], digest)
	add("deduct-signature-before-digest", "a DEDUCT with another payment's digest, its signature bit-flipped: the signature is checked first", "R1.1", spec.CodeBadSignature, "cert-signature", raw, TagDeduct, sm, 0)
}

func typeName(tag uint8) string {
	return map[uint8]string{
		TagPayeeHello: MsgPayeeHello, TagPayerHello: MsgPayerHello, TagProceed: MsgProceed,
		TagTx: MsgTx, TagDeduct: MsgDeduct, TagDeducted: MsgDeducted,
	}[tag]
}
