package vectors

import (
	"bytes"

	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// apduHeaderTransfer documents the TRANSFER and CONFIRM groups.
var apduHeaderTransfer = []string{
	"Group TransferResponse: the TRANSFER R-APDU (data DF03 payer certificate, E1 spends of DF05 holding and DF06 record, DF07 lineage certificates; SW 9000) as the payee terminal input.card, which sent INITIATE with input.challenge for input.amount fen, decides on it at input.at (spec/formats-schemes.md, \"What the card and the terminal check\"):",
	"ParseResponse and the status word, the strict TRANSFER parse, a wallet payer certificate verifying under input.root, lineage certificates of wallets, then per spend: a coin under MaxHops hops (limit-exceeded), Holding.Verify under input.issuerPublicKey with signer certificates looked up among input.certificates (the agents the card is personalised with), the payer and the lineage certificates, held by the payer, the record spending it, signed for the payer, paying this card (wrong-recipient), answering the challenge (replay), Record.Validate, the payer's signature; the outputs to this card must sum to input.amount (value-mismatch). Coins already received (double-spend) depend on the card's store and are not covered.",
	"Group ConfirmCommand: the CONFIRM C-APDU (80 52 00 00, no Le, DF02 challenge, DF04 signature) as the payer card input.card decides on it, its log holding one unacknowledged payment to the payee certificate input.payeeCertificate with challenge input.challenge and records input.records (spec/formats-schemes.md, \"What the card and the terminal check\"):",
	"header and strict parse (malformed), a challenge other than the logged one (replay: no payment awaits it), then the payee's signature over \"dualoffline/chip/ack/v1\\0\" || challenge || len(payer) || payer || record ids.",
}

func genAPDUTransfer(g *gen, b *builder, p *pki, issuer suite.PrivateKey) {
	root := p.root.Cert
	grp := b.group("TransferResponse", "")
	const payer, payee, amount = "wallet-alice", "wallet-bob", 2500
	challenge := g.src("apdu/challenge").Bytes(transfer.ChallengeSize)
	at := genAt
	ipub := issuer.Public()
	ak := p.keys[payer]
	alice := p.certs[payer]

	// alice's coin: 10000 fen from the agent.
	holding := func(label string, value int64) *transfer.Holding {
		rc, err := coin.Sign(issuer, coin.New(g.serial("apdu/"+label), value, coin.Serial{}, agentID))
		g.fail(err)
		if rc == nil {
			return &transfer.Holding{}
		}
		r1 := g.record(p.keys[agentID], transfer.Record{Parent: rc.Serial, ParentValue: value, Outputs: g.split(rc.Serial, value, value, agentID, payer),
			Payer: agentID, Payee: payer, Counter: 1})
		return (&transfer.Holding{Root: rc, Serial: rc.Serial}).Extend(r1, r1.Outputs[0].Serial)
	}
	pay := func(hd *transfer.Holding, amt int64, to string, ch []byte, key suite.PrivateKey) *transfer.Signed {
		var c [transfer.ChallengeSize]byte
		copy(c[:], ch)
		return g.record(key, transfer.Record{Parent: hd.Serial, ParentValue: hd.Value(), Outputs: g.split(hd.Serial, hd.Value(), amt, payer, to),
			Payer: payer, Payee: to, Challenge: c, Counter: 2})
	}
	h1 := holding("coin", 10000)
	if g.err != nil {
		return
	}
	resp := func(spends []chip.Spend) []byte {
		r, err := chip.EncodeTransfer(alice, spends, nil)
		g.fail(err)
		return r
	}
	in := func(r []byte) APDUTransferInput {
		return APDUTransferInput{Response: h(r), Root: h(root.Raw), IssuerPublicKey: h(ipub.SPKI()), Certificates: []string{h(p.certs[agentID].Raw)},
			Card: h([]byte(payee)), Challenge: h(challenge), Amount: amount, At: at.Unix()}
	}
	recSig := func(r *transfer.Signed) *Signature { return sigObj(g.s, alice.PublicKey, r.TBS(), r.Signature) }
	// g.record draws its own challenge; set ours and re-sign.
	withCh := func(r *transfer.Signed, ch []byte, key suite.PrivateKey) *transfer.Signed {
		rec := r.Record
		copy(rec.Challenge[:], ch)
		return &transfer.Signed{Record: rec, Signature: g.sign(key, rec.TBS())}
	}
	good := withCh(pay(h1, amount, payee, challenge, ak), challenge, ak)
	if g.err != nil {
		return
	}
	b.valid(grp, "transfer-valid", "alice's card pays 2500 fen of a 10000-fen coin, keeping the change", "R6.4", []string{"Lineage"}, in(resp([]chip.Spend{{Holding: h1, Record: good}})), recSig(good))
	h2 := holding("coin2", 1000)
	r2a := withCh(pay(h1, 1500, payee, challenge, ak), challenge, ak)
	r2b := withCh(pay(h2, 1000, payee, challenge, ak), challenge, ak)
	b.valid(grp, "transfer-valid-two-spends", "1500 fen of one coin and a whole 1000-fen coin", "R6.4", []string{"Lineage"}, in(resp([]chip.Spend{{Holding: h1, Record: r2a}, {Holding: h2, Record: r2b}})), recSig(r2b))

	// The record.
	tampered := &transfer.Signed{Record: good.Record, Signature: good.Signature}
	tampered.Record.Counter = 7
	b.invalid(grp, "transfer-record-tampered", "the record's counter changed after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "spend-record"}, in(resp([]chip.Spend{{Holding: h1, Record: tampered}})), recSig(tampered))
	flipped := &transfer.Signed{Record: good.Record, Signature: flipSig(good.Signature)}
	b.invalid(grp, "transfer-record-signature-bit-flipped", "one bit of the record's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "spend-record"}, in(resp([]chip.Spend{{Holding: h1, Record: flipped}})), recSig(flipped))
	otherKey := withCh(good, challenge, p.keys["wallet-carol"])
	b.invalid(grp, "transfer-record-signed-by-other-key", "the record signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "spend-record"}, in(resp([]chip.Spend{{Holding: h1, Record: otherKey}})), recSig(otherKey))
	ch2 := bytes.Clone(challenge)
	ch2[0] ^= 0x01
	stale := withCh(good, ch2, ak)
	b.invalid(grp, "transfer-wrong-challenge", "a record answering another challenge, signed", "R1.2", spec.CodeReplay, []string{"Replay", "spend-record-binding"}, in(resp([]chip.Spend{{Holding: h1, Record: stale}})), recSig(stale))
	carol := withCh(pay(h1, amount, "wallet-carol", challenge, ak), challenge, ak)
	b.invalid(grp, "transfer-wrong-payee", "a record paying another wallet, signed", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "spend-record-binding"}, in(resp([]chip.Spend{{Holding: h1, Record: carol}})), recSig(carol))
	short := withCh(pay(h1, 2000, payee, challenge, ak), challenge, ak)
	b.invalid(grp, "transfer-value-mismatch", "records paying 2000 fen for a request of 2500", "R5.2", spec.CodeValueMismatch, []string{"AmountMismatch", "spend-total"}, in(resp([]chip.Spend{{Holding: h1, Record: short}})), recSig(short))

	genAPDUTransferPins(g, b, grp, p, h1, challenge, resp, in, recSig)

	// Framing.
	raw := resp([]chip.Spend{{Holding: h1, Record: good}})
	data := raw[:len(raw)-2]
	pad := append(bytes.Clone(data), bytes.Repeat([]byte{0}, apdu.MaxResponse)...)
	over := append(pad, 0x90, 0x00)
	b.invalid(grp, "transfer-over-response-cap", "a response over the 16386-byte R-APDU cap", "R1.1", spec.CodeMalformed, []string{"OverSize"}, in(over), nil)
	b.invalid(grp, "transfer-truncated", "the last data byte removed (SW kept)", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(append(bytes.Clone(data[:len(data)-1]), 0x90, 0x00)), nil)
	b.invalid(grp, "transfer-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil), nil)

	// CONFIRM.
	cg := b.group("ConfirmCommand", "")
	bob := p.certs[payee]
	bk := p.keys[payee]
	recs := []*transfer.Signed{good}
	ack := chip.AckTBS(challenge, payer, recs)
	sig := g.sign(bk, ack)
	cin := func(cmd []byte) APDUConfirmInput {
		return APDUConfirmInput{Command: h(cmd), Card: h([]byte(payer)), Challenge: h(challenge), PayeeCertificate: h(bob.Raw), Records: []string{h(good.Marshal())}}
	}
	so := func(msg, s []byte) *Signature { return sigObj(g.s, bob.PublicKey, msg, s) }
	b.valid(cg, "confirm-valid", "bob acknowledges the records of the payment", "R6.4", nil, cin(chip.EncodeConfirm(challenge, sig)), so(ack, sig))
	b.invalid(cg, "confirm-signature-bit-flipped", "one bit of the acknowledgement's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "chip-ack"}, cin(chip.EncodeConfirm(challenge, flipSig(sig))), so(ack, flipSig(sig)))
	os := g.sign(p.keys["wallet-carol"], ack)
	b.invalid(cg, "confirm-signed-by-other-key", "signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "chip-ack"}, cin(chip.EncodeConfirm(challenge, os)), so(ack, os))
	ack2 := chip.AckTBS(ch2, payer, recs)
	s2 := g.sign(bk, ack2)
	b.invalid(cg, "confirm-wrong-challenge", "an acknowledgement for another challenge, signed", "R1.2", spec.CodeReplay, []string{"Replay", "chip-ack"}, cin(chip.EncodeConfirm(ch2, s2)), so(ack2, s2))
	ackO := chip.AckTBS(challenge, payer, []*transfer.Signed{short})
	sO := g.sign(bk, ackO)
	b.invalid(cg, "confirm-other-records", "acknowledging other records than the logged ones", "R5.2", spec.CodeBadSignature, []string{"ValueMismatch", "chip-ack"}, cin(chip.EncodeConfirm(challenge, sO)), so(ackO, sO))
	cmd := func(c apdu.Command) []byte { return g.command(c) }
	cdata := apdu.Marshal([]apdu.TLV{{Tag: chip.TagChallenge, Value: challenge}, {Tag: chip.TagSig, Value: sig}})
	b.invalid(cg, "confirm-le-present", "CONFIRM with an Le", "R1.1", spec.CodeMalformed, []string{"ModifiedField", "chip-header"}, cin(cmd(apdu.Command{CLA: chip.CLA, INS: chip.INSConfirm, Data: cdata, Le: 256})), nil)
	b.invalid(cg, "confirm-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, cin(nil), nil)
}
