package vectors

import (
	"bytes"
	"encoding/binary"

	mcert "github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// sessionDecision is the header shared by the session files: what an
// implementation decides for a transcript.
var sessionDecision = []string{
	"Kind session: one recorded clean payment of the scheme, message by message (input.messages: from and to are the hex of the parties' ids, type the hex of the ASCII message type name, payload the message bytes as sent), and transcripts derived from it by dropping, repeating, reordering, tampering with a message or taking one from another recorded payment between the same parties.",
	"The decision, acting as the payee: provision a fresh payee (id input.payee) with its private key input.payeeKey (the suite's private scalar, 32 bytes big-endian), its certificate input.payeeCertificate, the trusted root input.root, the root's revocation list input.crl, the coin issuer's key input.issuerPublicKey and the agent banks' certificates input.certificates, holding no coins, its clock at input.at; open one payment request for input.amount fen under the freshness value input.nonce, as if its own first message of the transcript had just left;",
	"then hand it, in transcript order, every message whose to is input.payee, stopping at the first it refuses. The messages to the payer are the payer's view and are not part of the decision (the payee's own answers are not compared byte for byte: signatures need not be reproducible).",
	"valid: every payee-bound message is accepted and the payee ends holding exactly input.amount fen offline. invalid: the code is that of the first payee-bound message refused; a transcript accepted to its end after which the payee holds any other value is value-mismatch (the payment did not complete).",
	"The reference is the model's own payee, fed the payee-bound payloads; what it checks is spec/formats-schemes.md, \"What the payee checks\" (certificate scheme) and \"What the card and the terminal check\" (chip scheme).",
}

// sessionMsg is one message of a recorded transcript.
type sessionMsg struct {
	from, to, typ string
	payload       []byte
}

func (m sessionMsg) input() SessionMessage {
	return SessionMessage{From: h([]byte(m.from)), To: h([]byte(m.to)), Type: h([]byte(m.typ)), Payload: h(m.payload)}
}

// sessionCtx is what every case of a session file shares.
type sessionCtx struct {
	p      *pki
	crl    []byte
	issuer suite.PublicKey
	payee  string
	nonce  []byte
	amount int64
}

func (c *sessionCtx) in(msgs []sessionMsg, at int64) SessionInput {
	si := SessionInput{Payee: h([]byte(c.payee)), PayeeKey: h(c.p.keys[c.payee].Bytes()), PayeeCertificate: h(c.p.certs[c.payee].Raw),
		Root: h(c.p.root.Cert.Raw), CRL: h(c.crl), IssuerPublicKey: h(c.issuer.SPKI()), Certificates: []string{h(c.p.certs[agentID].Raw)},
		Nonce: h(c.nonce), Amount: c.amount, At: at, Messages: []SessionMessage{}}
	for _, m := range msgs {
		si.Messages = append(si.Messages, m.input())
	}
	return si
}

// edit returns a copy of msgs with the message at i replaced by m.
func replaceAt(msgs []sessionMsg, i int, m sessionMsg) []sessionMsg {
	out := append([]sessionMsg{}, msgs...)
	out[i] = m
	return out
}

func dropAt(msgs []sessionMsg, i int) []sessionMsg {
	out := append([]sessionMsg{}, msgs[:i]...)
	return append(out, msgs[i+1:]...)
}

func insertAt(msgs []sessionMsg, i int, m sessionMsg) []sessionMsg {
	out := append([]sessionMsg{}, msgs[:i]...)
	out = append(out, m)
	return append(out, msgs[i:]...)
}

func withPayload(m sessionMsg, payload []byte) sessionMsg {
	m.payload = payload
	return m
}

func (g *gen) sessionPKI() (*pki, []byte, suite.PrivateKey) {
	p := g.newPKI("pki", []devSpec{{agentID, devcert.RoleAgent}, {certPayer, devcert.RoleWallet}, {certPayee, devcert.RoleWallet}, {certThird, devcert.RoleWallet}})
	issuer := g.key("issuer")
	if g.err != nil {
		return p, nil, issuer
	}
	crl, err := p.root.Revoke(1, genEpoch, genEpoch.AddDate(1, 0, 0))
	g.fail(err)
	if crl == nil {
		return p, nil, issuer
	}
	return p, crl.Raw, issuer
}

func genCertSession(g *gen) *builder {
	b := newBuilder("cert", g.id, "session",
		append([]string{"Recorded payments of the ICBC 2018 certificate scheme (spec/formats-schemes.md, \"The certificate scheme (ICBC 2018)\"): wallet-alice pays wallet-bob 3000 fen of a 5000-fen coin in six signed messages, HELLO-PAYEE, HELLO-PAYER, PROCEED, TX, DEDUCT, DEDUCTED; the payee-bound ones are HELLO-PAYER, TX and DEDUCTED, and input.nonce is the nonce of bob's HELLO-PAYEE.",
			"The cert payee credits the coins only on DEDUCTED (the deduct-success notice): a transcript without it leaves the payee holding nothing."},
			sessionDecision...)...)
	p, crl, issuer := g.sessionPKI()
	if g.err != nil {
		return b
	}
	cs := g.newCertSession(p, issuer, "session/s1")
	other := g.newCertSession(p, issuer, "session/s2")
	if g.err != nil {
		return b
	}
	ctx := &sessionCtx{p: p, crl: crl, issuer: issuer.Public(), payee: certPayee, nonce: cs.nonce, amount: cs.amount}
	record := func(s *certSession) []sessionMsg {
		var out []sessionMsg
		for i, m := range s.msgs {
			from := certMsgSender(m.Tag)
			to := certPayer
			if from == certPayer {
				to = certPayee
			}
			out = append(out, sessionMsg{from: from, to: to, typ: typeName(m.Tag), payload: s.raws[i]})
		}
		return out
	}
	msgs, others := record(cs), record(other)
	at := genAt.Unix()
	grp := b.group("PayeeTranscript", "")
	const (
		iHelloPayer = 1
		iTx         = 3
		iDeducted   = 5
	)
	ak := p.keys[certPayer]
	// after changes a message after it was signed; resign signs the change.
	after := func(i int, mod func(*mcert.Message)) sessionMsg {
		c := *cs.msgs[i]
		mod(&c)
		return withPayload(msgs[i], c.Marshal())
	}
	resign := func(i int, mod func(*mcert.Message)) sessionMsg {
		c := *cs.msgs[i]
		mod(&c)
		raw, _ := g.signMsg(ak, c)
		return withPayload(msgs[i], raw)
	}

	b.valid(grp, "clean-payment", "a clean payment of 3000 fen, all six messages in order", "R6.4", nil, ctx.in(msgs, at), nil)

	// Dropped.
	b.invalid(grp, "hello-payer-dropped", "HELLO-PAYER lost: the TX arrives while the payee awaits HELLO-PAYER", "R5.1", spec.CodeReplay, []string{"Dropped", "OutOfTurn", "cert-turn"}, ctx.in(dropAt(msgs, iHelloPayer), at), nil)
	b.invalid(grp, "tx-dropped", "TX lost: DEDUCTED arrives while the payee awaits the TX", "R5.1", spec.CodeReplay, []string{"Dropped", "OutOfTurn", "cert-turn"}, ctx.in(dropAt(msgs, iTx), at), nil)
	b.invalid(grp, "deducted-dropped", "the deduct-success notice lost: every message accepted, nothing credited", "R5.1", spec.CodeValueMismatch, []string{"Dropped"}, ctx.in(dropAt(msgs, iDeducted), at), nil)

	// Replayed from another session between the same wallets.
	for _, r := range []struct {
		i    int
		name string
	}{{iHelloPayer, "hello-payer"}, {iTx, "tx"}, {iDeducted, "deducted"}} {
		b.invalid(grp, r.name+"-from-other-session", typeName(cs.msgs[r.i].Tag)+" of another payment between the same wallets (another nonce), validly signed", "R1.2", spec.CodeReplay, []string{"Replay", "cert-nonce"},
			ctx.in(replaceAt(msgs, r.i, others[r.i]), at), nil)
	}

	// Repeated and reordered within the session.
	// A repeat in the same session may be refused, ignored or answered
	// with its first reply again (R1.2): either verdict is acceptable,
	// and the interactive suite checks that nothing is credited twice.
	b.acceptable(grp, "tx-repeated", "the TX delivered twice: the second arrives while the payee awaits DEDUCTED; refused (replay) or ignored, the session is acceptable either way (R1.2: a repeat in the same session)", "R1.2", []string{"Replay", "OutOfTurn"}, ctx.in(insertAt(msgs, iTx+1, msgs[iTx]), at), nil)
	b.acceptable(grp, "deducted-repeated", "DEDUCTED delivered again after the payee credited; refused (replay) or ignored, acceptable either way (R1.2: a repeat in the same session)", "R1.2", []string{"Replay"}, ctx.in(append(append([]sessionMsg{}, msgs...), msgs[iDeducted]), at), nil)
	swapped := append([]sessionMsg{}, msgs...)
	swapped[iHelloPayer], swapped[iTx] = swapped[iTx], swapped[iHelloPayer]
	b.invalid(grp, "tx-before-hello-payer", "TX and HELLO-PAYER swapped", "R1.2", spec.CodeReplay, []string{"OutOfTurn", "cert-turn"}, ctx.in(swapped, at), nil)

	// Tampered.
	b.invalid(grp, "hello-payer-signature-bit-flipped", "one bit of alice's signature on HELLO-PAYER flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"},
		ctx.in(replaceAt(msgs, iHelloPayer, after(iHelloPayer, func(c *mcert.Message) { c.Sig = flipSig(c.Sig) })), at), nil)
	b.invalid(grp, "tx-ciphertext-bit-flipped", "one bit of the sealed coins flipped after alice signed the TX", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "cert-signature"},
		ctx.in(replaceAt(msgs, iTx, after(iTx, func(c *mcert.Message) { c.Ciphertext = bytes.Clone(c.Ciphertext); c.Ciphertext[0] ^= 0x01 })), at), nil)
	b.invalid(grp, "tx-amount-resigned", "a TX for 30000 fen in a session for 3000, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "cert-amount"},
		ctx.in(replaceAt(msgs, iTx, resign(iTx, func(c *mcert.Message) { c.Amount = 30000 })), at), nil)
	b.invalid(grp, "deducted-signature-bit-flipped", "one bit of alice's signature on DEDUCTED flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "cert-signature"},
		ctx.in(replaceAt(msgs, iDeducted, after(iDeducted, func(c *mcert.Message) { c.Sig = flipSig(c.Sig) })), at), nil)
	b.invalid(grp, "deducted-digest-resigned", "DEDUCTED naming another payment's records, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"ValueMismatch", "cert-digest"},
		ctx.in(replaceAt(msgs, iDeducted, resign(iDeducted, func(c *mcert.Message) { c.Digest = other.digest })), at), nil)

	genCertSessionChecks(g, b, grp, cs, ctx, msgs, iTx)

	// The payee's clock.
	b.invalid(grp, "payer-certificate-expired", "the clean transcript, the payee's clock after alice's certificate expired", "R1.4", spec.CodeCertExpired, []string{"Expired"},
		ctx.in(msgs, certNotAfter.Unix()+1), nil)
	return b
}

// chipSession is a clean recorded payment of the chip scheme: alice's
// card pays bob's terminal 2500 fen of a 10000-fen coin.
type chipSession struct {
	challenge []byte
	msgs      []sessionMsg
	transfer  func(mod func(*transfer.Signed) *transfer.Signed) []byte // re-encodes the TRANSFER with the record changed
}

func (g *gen) newChipSession(p *pki, issuer suite.PrivateKey, label string, amount int64) *chipSession {
	const payer, payee = certPayer, certPayee
	cs := &chipSession{challenge: g.src("chip/" + label + "/challenge").Bytes(transfer.ChallengeSize)}
	ak, bk := p.keys[payer], p.keys[payee]
	alice, bob := p.certs[payer], p.certs[payee]
	rc, err := coin.Sign(issuer, coin.New(g.serial("chip/"+label+"/coin"), 10000, coin.Serial{}, agentID))
	g.fail(err)
	if g.err != nil {
		return cs
	}
	r1 := g.record(p.keys[agentID], transfer.Record{Parent: rc.Serial, ParentValue: 10000, Outputs: g.split(rc.Serial, 10000, 10000, agentID, payer),
		Payer: agentID, Payee: payer, Counter: 1})
	if g.err != nil {
		return cs
	}
	h1 := (&transfer.Holding{Root: rc, Serial: rc.Serial}).Extend(r1, r1.Outputs[0].Serial)
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], cs.challenge)
	rec, err := transfer.Sign(ak, transfer.Record{Version: transfer.Version1, Parent: h1.Serial, ParentValue: 10000,
		Outputs: g.split(h1.Serial, 10000, amount, payer, payee), Payer: payer, Payee: payee, Challenge: ch, Counter: 2})
	g.fail(err)
	if g.err != nil {
		return cs
	}
	cs.transfer = func(mod func(*transfer.Signed) *transfer.Signed) []byte {
		r, err := chip.EncodeTransfer(alice, []chip.Spend{{Holding: h1, Record: mod(rec)}}, nil)
		g.fail(err)
		return r
	}
	sig := g.sign(bk, chipInitTBS(amount, cs.challenge, payee))
	initiate := g.command(apdu.Command{CLA: chip.CLA, INS: chip.INSInitiate, Data: apdu.Marshal(initItems(uint64(amount), cs.challenge, bob.Raw, sig)), Le: 65536})
	ack := g.sign(bk, chip.AckTBS(cs.challenge, payer, []*transfer.Signed{rec}))
	cs.msgs = []sessionMsg{
		{from: payee, to: payer, typ: chip.MsgInitiate, payload: initiate},
		{from: payer, to: payee, typ: chip.MsgTransfer, payload: cs.transfer(func(r *transfer.Signed) *transfer.Signed { return r })},
		{from: payee, to: payer, typ: chip.MsgConfirm, payload: chip.EncodeConfirm(cs.challenge, ack)},
		{from: payer, to: payee, typ: chip.MsgDone, payload: binary.BigEndian.AppendUint16(nil, uint16(apdu.SWOK))},
	}
	return cs
}

func genChipSession(g *gen) *builder {
	b := newBuilder("chip", g.id, "session",
		append([]string{"Recorded payments of the PBOC 2016 chip-card model (spec/formats-schemes.md, \"The chip scheme (PBOC 2016): APDUs and BER-TLV\"): bob's device acts as the terminal and asks alice's card for 2500 fen; alice's card pays them from a 10000-fen coin. Four messages: INITIATE (C-APDU 80 50), its TRANSFER response, CONFIRM (C-APDU 80 52), its DONE response (9000); the payee-bound ones are TRANSFER and DONE, and input.nonce is the challenge of bob's INITIATE.",
			"The chip payee terminal commits the coins when it accepts the TRANSFER, before it sends CONFIRM: a transcript whose DONE is lost still leaves it holding the amount (a valid case); a DONE with no open session after a payment is accepted."},
			sessionDecision...)...)
	p, crl, issuer := g.sessionPKI()
	if g.err != nil {
		return b
	}
	const amount = 2500
	cs := g.newChipSession(p, issuer, "session/s1", amount)
	other := g.newChipSession(p, issuer, "session/s2", amount)
	if g.err != nil {
		return b
	}
	ctx := &sessionCtx{p: p, crl: crl, issuer: issuer.Public(), payee: certPayee, nonce: cs.challenge, amount: amount}
	msgs := cs.msgs
	at := genAt.Unix()
	grp := b.group("PayeeTranscript", "")
	const (
		iTransfer = 1
		iDone     = 3
	)
	ak := p.keys[certPayer]

	b.valid(grp, "clean-payment", "a clean payment of 2500 fen, all four messages in order", "R6.4", []string{"Lineage"}, ctx.in(msgs, at), nil)
	b.valid(grp, "done-dropped", "DONE lost: the terminal already holds the coins it accepted with the TRANSFER", "R5.1", []string{"Dropped"}, ctx.in(dropAt(msgs, iDone), at), nil)

	b.invalid(grp, "transfer-dropped", "TRANSFER lost: the DONE (9000, no data) arrives as the answer to INITIATE", "R5.1", spec.CodeMalformed, []string{"Dropped", "OutOfTurn"}, ctx.in(dropAt(msgs, iTransfer), at), nil)
	b.invalid(grp, "transfer-from-other-session", "the TRANSFER of another payment between the same wallets (another challenge), validly signed", "R1.2", spec.CodeReplay, []string{"Replay", "spend-record-binding"},
		ctx.in(replaceAt(msgs, iTransfer, other.msgs[iTransfer]), at), nil)
	b.invalid(grp, "transfer-repeated", "the TRANSFER delivered twice: the second arrives with no session open", "R1.2", spec.CodeReplay, []string{"Replay", "chip-replay"},
		ctx.in(insertAt(msgs, iTransfer+1, msgs[iTransfer]), at), nil)
	b.invalid(grp, "transfer-record-signature-bit-flipped", "one bit of alice's signature on the record flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "spend-record"},
		ctx.in(replaceAt(msgs, iTransfer, withPayload(msgs[iTransfer], cs.transfer(func(r *transfer.Signed) *transfer.Signed {
			return &transfer.Signed{Record: r.Record, Signature: flipSig(r.Signature)}
		}))), at), nil)
	b.invalid(grp, "transfer-record-counter-changed", "the record's counter changed after alice signed it", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "spend-record"},
		ctx.in(replaceAt(msgs, iTransfer, withPayload(msgs[iTransfer], cs.transfer(func(r *transfer.Signed) *transfer.Signed {
			c := &transfer.Signed{Record: r.Record, Signature: r.Signature}
			c.Record.Counter = 7
			return c
		}))), at), nil)
	b.invalid(grp, "transfer-short-resigned", "a record paying 2000 fen for a request of 2500, signed by alice", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch"},
		ctx.in(replaceAt(msgs, iTransfer, withPayload(msgs[iTransfer], cs.transfer(func(r *transfer.Signed) *transfer.Signed {
			rec := r.Record
			rec.Outputs = g.split(rec.Parent, rec.ParentValue, 2000, certPayer, certPayee)
			return &transfer.Signed{Record: rec, Signature: g.sign(ak, rec.TBS())}
		}))), at), nil)
	raw := msgs[iTransfer].payload
	b.invalid(grp, "transfer-truncated", "the last data byte of the TRANSFER removed (SW kept)", "R1.1", spec.CodeMalformed, []string{"Truncated"},
		ctx.in(replaceAt(msgs, iTransfer, withPayload(msgs[iTransfer], append(bytes.Clone(raw[:len(raw)-3]), 0x90, 0x00))), at), nil)
	b.invalid(grp, "payer-certificate-expired", "the clean transcript, the terminal's clock after alice's certificate expired", "R1.4", spec.CodeCertExpired, []string{"Expired"},
		ctx.in(msgs, certNotAfter.Unix()+1), nil)
	return b
}
