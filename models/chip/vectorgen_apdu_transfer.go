package chip

import (
	"bytes"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

func genAPDUTransfer(g *vgen.Gen, b *vgen.Builder, p *vgen.PKI, issuer suite.PrivateKey) {
	root := p.Root.Cert
	grp := b.Group("TransferResponse", "")
	const payer, payee, amount = "wallet-alice", "wallet-bob", 2500
	challenge := g.Src("apdu/challenge").Bytes(transfer.ChallengeSize)
	at := vgen.GenAt
	ipub := issuer.Public()
	ak := p.Keys[payer]
	alice := p.Certs[payer]

	// alice's coin: 10000 fen from the agent.
	holdingOf := func(label string, value int64, holder string) *transfer.Holding {
		rc, err := coin.Sign(issuer, coin.New(g.Serial("apdu/"+label), value, coin.Serial{}, vgen.AgentID))
		g.Fail(err)
		if rc == nil {
			return &transfer.Holding{}
		}
		r1 := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: value, Outputs: g.Split(rc.Serial, value, value, vgen.AgentID, holder),
			Payer: vgen.AgentID, Payee: holder, Counter: 1})
		return (&transfer.Holding{Root: rc, Serial: rc.Serial}).Extend(r1, r1.Outputs[0].Serial)
	}
	holding := func(label string, value int64) *transfer.Holding { return holdingOf(label, value, payer) }
	pay := func(hd *transfer.Holding, amt int64, to string, ch []byte, key suite.PrivateKey) *transfer.Signed {
		var c [transfer.ChallengeSize]byte
		copy(c[:], ch)
		return g.Record(key, transfer.Record{Parent: hd.Serial, ParentValue: hd.Value(), Outputs: g.Split(hd.Serial, hd.Value(), amt, payer, to),
			Payer: payer, Payee: to, Challenge: c, Counter: 2})
	}
	h1 := holding("coin", 10000)
	if g.Err != nil {
		return
	}
	resp := func(spends []Spend) []byte {
		r, err := EncodeTransfer(alice, spends, nil)
		g.Fail(err)
		return r
	}
	in := func(r []byte) APDUTransferInput {
		return APDUTransferInput{Response: vgen.H(r), Root: vgen.H(root.Raw), IssuerPublicKey: vgen.H(ipub.SPKI()), Certificates: []string{vgen.H(p.Certs[vgen.AgentID].Raw)},
			Card: vgen.H([]byte(payee)), Challenge: vgen.H(challenge), Amount: amount, At: at.Unix()}
	}
	recSig := func(r *transfer.Signed) *vgen.Signature {
		return vgen.SigObj(g.S, alice.PublicKey, r.TBS(), r.Signature)
	}
	// g.record draws its own challenge; set ours and re-sign.
	withCh := func(r *transfer.Signed, ch []byte, key suite.PrivateKey) *transfer.Signed {
		rec := r.Record
		copy(rec.Challenge[:], ch)
		return &transfer.Signed{Record: rec, Signature: g.Sign(key, rec.TBS())}
	}
	good := withCh(pay(h1, amount, payee, challenge, ak), challenge, ak)
	if g.Err != nil {
		return
	}
	b.Valid(grp, "transfer-valid", "alice's card pays 2500 fen of a 10000-fen coin, keeping the change", "R6.4", []string{"Lineage"}, in(resp([]Spend{{Holding: h1, Record: good}})), recSig(good))
	h2 := holding("coin2", 1000)
	r2a := withCh(pay(h1, 1500, payee, challenge, ak), challenge, ak)
	r2b := withCh(pay(h2, 1000, payee, challenge, ak), challenge, ak)
	b.Valid(grp, "transfer-valid-two-spends", "1500 fen of one coin and a whole 1000-fen coin", "R6.4", []string{"Lineage"}, in(resp([]Spend{{Holding: h1, Record: r2a}, {Holding: h2, Record: r2b}})), recSig(r2b))

	// The record.
	tampered := &transfer.Signed{Record: good.Record, Signature: good.Signature}
	tampered.Record.Counter = 7
	b.Invalid(grp, "transfer-record-tampered", "the record's counter changed after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "spend-record"}, in(resp([]Spend{{Holding: h1, Record: tampered}})), recSig(tampered))
	flipped := &transfer.Signed{Record: good.Record, Signature: vgen.FlipSig(good.Signature)}
	b.Invalid(grp, "transfer-record-signature-bit-flipped", "one bit of the record's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "spend-record"}, in(resp([]Spend{{Holding: h1, Record: flipped}})), recSig(flipped))
	otherKey := withCh(good, challenge, p.Keys["wallet-carol"])
	b.Invalid(grp, "transfer-record-signed-by-other-key", "the record signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "spend-record"}, in(resp([]Spend{{Holding: h1, Record: otherKey}})), recSig(otherKey))
	ch2 := bytes.Clone(challenge)
	ch2[0] ^= 0x01
	stale := withCh(good, ch2, ak)
	b.Invalid(grp, "transfer-wrong-challenge", "a record answering another challenge, signed", "R1.2", spec.CodeReplay, []string{"Replay", "spend-record-binding"}, in(resp([]Spend{{Holding: h1, Record: stale}})), recSig(stale))
	carol := withCh(pay(h1, amount, "wallet-carol", challenge, ak), challenge, ak)
	b.Invalid(grp, "transfer-wrong-payee", "a record paying another wallet, signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "spend-record-binding"}, in(resp([]Spend{{Holding: h1, Record: carol}})), recSig(carol))
	short := withCh(pay(h1, 2000, payee, challenge, ak), challenge, ak)
	b.Invalid(grp, "transfer-value-mismatch", "records paying 2000 fen for a request of 2500", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "spend-total"}, in(resp([]Spend{{Holding: h1, Record: short}})), recSig(short))

	// Two faults in one spend, adjacent in the order of formats-schemes.md
	// (the steps of a TX spend, then the total): the expected code is the
	// first check's, which the case names; without it the reference gives
	// the second's.
	flip := func(r *transfer.Signed) *transfer.Signed {
		return &transfer.Signed{Record: r.Record, Signature: vgen.FlipSig(r.Signature)}
	}
	order := func(check string) []string { return []string{"CheckOrder", check} }
	staleFlipped, carolFlipped, shortFlipped := flip(stale), flip(carol), flip(short)
	b.Invalid(grp, "transfer-order-challenge-before-signature", "a record answering another challenge, its signature bit-flipped: the binding (step 5) is checked before the signature (step 6)", "R1.2", spec.CodeReplay, order("spend-record-binding"), in(resp([]Spend{{Holding: h1, Record: staleFlipped}})), recSig(staleFlipped))
	b.Invalid(grp, "transfer-order-payee-before-signature", "a record paying another wallet, its signature bit-flipped: the binding (step 5) is checked before the signature (step 6)", "R1.5", spec.CodeWrongRecipient, order("spend-record-binding"), in(resp([]Spend{{Holding: h1, Record: carolFlipped}})), recSig(carolFlipped))
	// A coin the agent paid to carol, spent by alice with a record
	// answering another challenge: the holder (step 3) is checked before
	// the record's binding (steps 4-5).
	hCarol := holdingOf("coin-carol", 10000, "wallet-carol")
	staleCarol := withCh(pay(hCarol, amount, payee, ch2, ak), ch2, ak)
	b.Invalid(grp, "transfer-order-holder-before-binding", "a coin held by wallet-carol, spent by alice with a record answering another challenge: the coin's holder (step 3) is checked before the record's binding (steps 4-5)", "R1.5", spec.CodeWrongRecipient, order("spend-coin-holder"), in(resp([]Spend{{Holding: hCarol, Record: staleCarol}})), recSig(staleCarol))
	// A coin at the hop limit (8 records, the last to alice) whose second
	// record's signature is bit-flipped, carol's certificate carried: the
	// hop limit (step 1) is checked before the lineage (step 2).
	const carolID = "wallet-carol"
	hFull := lineageCoin(g, p, issuer, "apdu/coin-full", 10000, []string{vgen.AgentID, carolID, payer, carolID, payer, carolID, payer, carolID, payer})
	if g.Err != nil {
		return
	}
	hBroken := &transfer.Holding{Root: hFull.Root, Serial: hFull.Serial, Chain: slices.Clone(hFull.Chain)}
	hBroken.Chain[1] = &transfer.Signed{Record: hFull.Chain[1].Record, Signature: vgen.FlipSig(hFull.Chain[1].Signature)}
	fullRec := withCh(pay(hBroken, hBroken.Value(), payee, challenge, ak), challenge, ak) // the whole coin, as asked below
	fullResp, err := EncodeTransfer(alice, []Spend{{Holding: hBroken, Record: fullRec}}, [][]byte{p.Certs[carolID].Raw})
	g.Fail(err)
	b.Invalid(grp, "transfer-order-hop-limit-before-lineage", "a coin whose lineage has 8 records, the second's signature bit-flipped, paid whole as asked: the hop limit (step 1) is checked before the lineage (step 2)", "R5.2", spec.CodeLimitExceeded, order("spend-hop-limit"), func() APDUTransferInput { i := in(fullResp); i.Amount = hBroken.Value(); return i }(), recSig(fullRec))
	b.Invalid(grp, "transfer-order-signature-before-total", "records paying 2000 fen for a request of 2500, the signature bit-flipped: each spend's signature is checked before the total", "R1.1", spec.CodeBadSignature, order("spend-record"), in(resp([]Spend{{Holding: h1, Record: shortFlipped}})), recSig(shortFlipped))

	agentDF07, err := EncodeTransfer(alice, []Spend{{Holding: h1, Record: good}}, [][]byte{p.Certs[vgen.AgentID].Raw})
	g.Fail(err)
	b.Invalid(grp, "transfer-lineage-certificate-not-wallet", "a clean payment carrying the agent bank's certificate as a DF07 lineage certificate: every DF07 must be a wallet's", "R1.3", spec.CodeUntrustedIssuer, []string{"WrongRole", "spend-lineage"}, in(agentDF07), recSig(good))

	genAPDUTransferPins(g, b, grp, p, h1, challenge, resp, in, recSig)

	// Framing.
	raw := resp([]Spend{{Holding: h1, Record: good}})
	data := raw[:len(raw)-2]
	pad := append(bytes.Clone(data), bytes.Repeat([]byte{0}, apdu.MaxResponse)...)
	over := append(pad, 0x90, 0x00)
	b.Invalid(grp, "transfer-over-response-cap", "a response over the 16386-byte R-APDU cap", "R1.1", spec.CodeMalformed, []string{"OverSize"}, in(over), nil)
	b.Invalid(grp, "transfer-truncated", "the last data byte removed (SW kept)", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(append(bytes.Clone(data[:len(data)-1]), 0x90, 0x00)), nil)
	b.Invalid(grp, "transfer-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil), nil)

	// CONFIRM.
	cg := b.Group("ConfirmCommand", "")
	bob := p.Certs[payee]
	bk := p.Keys[payee]
	recs := []*transfer.Signed{good}
	ack := AckTBS(challenge, payer, recs)
	sig := g.Sign(bk, ack)
	cin := func(cmd []byte) APDUConfirmInput {
		return APDUConfirmInput{Command: vgen.H(cmd), Card: vgen.H([]byte(payer)), Challenge: vgen.H(challenge), PayeeCertificate: vgen.H(bob.Raw), Records: []string{vgen.H(good.Marshal())}}
	}
	so := func(msg, s []byte) *vgen.Signature { return vgen.SigObj(g.S, bob.PublicKey, msg, s) }
	b.Valid(cg, "confirm-valid", "bob acknowledges the records of the payment", "R6.4", nil, cin(EncodeConfirm(challenge, sig)), so(ack, sig))
	b.Invalid(cg, "confirm-signature-bit-flipped", "one bit of the acknowledgement's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "chip-ack"}, cin(EncodeConfirm(challenge, vgen.FlipSig(sig))), so(ack, vgen.FlipSig(sig)))
	os := g.Sign(p.Keys["wallet-carol"], ack)
	b.Invalid(cg, "confirm-signed-by-other-key", "signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "chip-ack"}, cin(EncodeConfirm(challenge, os)), so(ack, os))
	ack2 := AckTBS(ch2, payer, recs)
	s2 := g.Sign(bk, ack2)
	b.Invalid(cg, "confirm-wrong-challenge", "an acknowledgement for another challenge, signed", "R1.2", spec.CodeReplay, []string{"Replay", "chip-ack"}, cin(EncodeConfirm(ch2, s2)), so(ack2, s2))
	ackO := AckTBS(challenge, payer, []*transfer.Signed{short})
	sO := g.Sign(bk, ackO)
	b.Invalid(cg, "confirm-other-records", "acknowledging other records than the logged ones", "R5.2", spec.CodeBadSignature, []string{"ValueMismatch", "chip-ack"}, cin(EncodeConfirm(challenge, sO)), so(ackO, sO))
	cmd := func(c apdu.Command) []byte { return command(g, c) }
	cdata := apdu.Marshal([]apdu.TLV{{Tag: TagChallenge, Value: challenge}, {Tag: TagSig, Value: sig}})
	b.Invalid(cg, "confirm-le-present", "CONFIRM with an Le", "R1.1", spec.CodeMalformed, []string{"ModifiedField", "chip-header"}, cin(cmd(apdu.Command{CLA: CLA, INS: INSConfirm, Data: cdata, Le: 256})), nil)
	b.Invalid(cg, "confirm-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, cin(nil), nil)
}
