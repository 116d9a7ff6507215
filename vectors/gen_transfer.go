package vectors

import (
	"encoding/hex"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

const agentID = "agent-icbc"

// record builds and signs a record with k over its TBS bytes, without the
// policy check of transfer.Sign, so broken records can be signed too.
func (g *gen) record(k suite.PrivateKey, r transfer.Record) *transfer.Signed {
	if r.Version == 0 {
		r.Version = transfer.Version1
	}
	copy(r.Challenge[:], g.src("challenge/"+r.Payer+"/"+itoa(int64(r.Counter))).Bytes(transfer.ChallengeSize))
	return &transfer.Signed{Record: r, Signature: g.sign(k, r.TBS())}
}

func (g *gen) split(parent coin.Serial, parentValue, amount int64, payer, payee string) []transfer.Output {
	outs, err := transfer.Split(parent, parentValue, amount, payer, payee)
	g.fail(err)
	return outs
}

func genTransfer(g *gen) *builder {
	b := newBuilder("spec", g.id, "transfer",
		"Holdings (spec/transfer, Holding DER [APPLICATION 6]): an issuer-signed root coin and the transfer records that moved it offline.",
		"A holding is valid when it parses (transfer.ParseHolding) and Holding.Verify accepts its lineage under input.issuerPublicKey.",
		"Signer certificates are looked up by id among input.certificates, each verified against input.root at input.at (no revocation list); an id with no certificate is untrusted-issuer.",
		"For valid cases expected.holder (hex of the id) and expected.value name the owner Holding.Verify returns; the harness does not send them.",
		"The signature object, when present, is the last record's (or, with no record, the root coin's) under the key the verifier expects.")
	p := g.newPKI("pki", []devSpec{{agentID, devcert.RoleAgent}, {"wallet-alice", devcert.RoleWallet}, {"wallet-bob", devcert.RoleWallet}, {"wallet-carol", devcert.RoleWallet}})
	issuer := g.key("issuer")
	rogueIssuer := g.key("rogue-issuer")
	if g.err != nil {
		return b
	}
	root := p.root.Cert
	ipub := issuer.Public()
	grp := b.group("HoldingVerify", h(ipub.SPKI()))
	certList := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, h(p.certs[id].Raw))
		}
		return out
	}
	all := certList(agentID, "wallet-alice", "wallet-bob", "wallet-carol")
	in := func(hold []byte, certs []string, holder string, value int64) any {
		input := TransferInput{Holding: h(hold), IssuerPublicKey: h(ipub.SPKI()), Root: h(root.Raw), Certificates: certs, At: genAt.Unix()}
		if holder == "" {
			return input
		}
		return withExpected{input, TransferExpected{Holder: hex.EncodeToString([]byte(holder)), Value: value}}
	}
	recSig := func(payer string, r *transfer.Signed) *Signature {
		return sigObj(g.s, p.certs[payer].PublicKey, r.TBS(), r.Signature)
	}

	rc, err := coin.Sign(issuer, coin.New(g.serial("transfer-root"), 10000, coin.Serial{}, agentID))
	g.fail(err)
	if g.err != nil {
		return b
	}
	h0 := &transfer.Holding{Root: rc, Serial: rc.Serial}
	b.valid(grp, "valid-0-hops", "a freshly issued coin, held by its agent bank", "R6.1", nil, in(h0.Marshal(), all, agentID, 10000), sigObj(g.s, ipub, rc.TBS(), rc.Signature))

	// Hop 1: the agent hands the whole coin to alice.
	r1 := g.record(p.keys[agentID], transfer.Record{Parent: rc.Serial, ParentValue: 10000, Outputs: g.split(rc.Serial, 10000, 10000, agentID, "wallet-alice"),
		Payer: agentID, Payee: "wallet-alice", Counter: 1})
	if g.err != nil {
		return b
	}
	h1 := h0.Extend(r1, r1.Outputs[0].Serial)
	b.valid(grp, "valid-1-hop", "withdrawn: the agent bank's record hands the coin to a wallet", "R6.4", []string{"Lineage"}, in(h1.Marshal(), all, "wallet-alice", 10000), recSig(agentID, r1))

	// Hop 2: alice pays bob 3000 fen of it, keeping change.
	parent2 := h1.Serial
	outs2 := g.split(parent2, 10000, 3000, "wallet-alice", "wallet-bob")
	r2 := g.record(p.keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: outs2, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	if g.err != nil {
		return b
	}
	h2 := h1.Extend(r2, outs2[0].Serial)
	b.valid(grp, "valid-2-hops-payee", "the payee's first output after a payment of 3000 fen", "R6.4", []string{"Lineage"}, in(h2.Marshal(), all, "wallet-bob", outs2[0].Value), recSig("wallet-alice", r2))
	last := outs2[len(outs2)-1]
	h2c := h1.Extend(r2, last.Serial)
	b.valid(grp, "valid-2-hops-change", "the payer's last change output", "R5.2", []string{"Lineage"}, in(h2c.Marshal(), all, "wallet-alice", last.Value), recSig("wallet-alice", r2))

	// Hop 3: bob pays carol his whole first output.
	outs3 := g.split(h2.Serial, outs2[0].Value, outs2[0].Value, "wallet-bob", "wallet-carol")
	r3 := g.record(p.keys["wallet-bob"], transfer.Record{Parent: h2.Serial, ParentValue: outs2[0].Value, Outputs: outs3, Payer: "wallet-bob", Payee: "wallet-carol", Counter: 2})
	h3 := h2.Extend(r3, outs3[0].Serial)
	b.valid(grp, "valid-3-hops", "received value spent onward", "R6.4", []string{"Lineage"}, in(h3.Marshal(), all, "wallet-carol", outs3[0].Value), recSig("wallet-bob", r3))
	if g.err != nil {
		return b
	}

	// Broken second hops.
	bad := func(name, comment, req string, code spec.Code, flags []string, payer string, r *transfer.Signed, serial coin.Serial, certs []string) {
		hh := h1.Extend(r, serial)
		b.invalid(grp, name, comment, req, code, flags, in(hh.Marshal(), certs, "", 0), recSig(payer, r))
	}
	notSum := append([]transfer.Output{}, outs2...)
	notSum[len(notSum)-1].Value = 5000 // change overstated
	rNS := g.record(p.keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: notSum, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("children-not-summing", "signed by the holder, but the outputs sum to more than the parent", "R5.2", spec.CodeValueMismatch, []string{"ValueNotConserved", "record-sum"}, "wallet-alice", rNS, outs2[0].Serial, all)

	wrongParent := transfer.ChildSerial(rc.Serial, 1)
	rWP := g.record(p.keys["wallet-alice"], transfer.Record{Parent: wrongParent, ParentValue: 10000, Outputs: g.split(wrongParent, 10000, 3000, "wallet-alice", "wallet-bob"), Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("wrong-parent", "the record spends a serial other than the one held", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage"}, "wallet-alice", rWP, rWP.Outputs[0].Serial, all)

	rOV := g.record(p.keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 20000, Outputs: g.split(parent2, 20000, 3000, "wallet-alice", "wallet-bob"), Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("overstated-parent-value", "consistent in itself, but states the 10000 fen parent as 20000 fen", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage", "ValueNotConserved", "holding-parent"}, "wallet-alice", rOV, rOV.Outputs[0].Serial, all)

	rForged := &transfer.Signed{Record: r2.Record, Signature: g.sign(p.keys["wallet-carol"], r2.TBS())}
	bad("signed-by-non-holder", "names the holder as payer but is signed by another wallet's key", "R4.3", spec.CodeBadSignature, []string{"NonHolderSignature", "WrongKey", "holding-signature"}, "wallet-alice", rForged, outs2[0].Serial, all)

	rCarol := g.record(p.keys["wallet-carol"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: g.split(parent2, 10000, 3000, "wallet-carol", "wallet-bob"), Payer: "wallet-carol", Payee: "wallet-bob", Counter: 3})
	bad("payer-not-holder", "a certified wallet that does not hold the coin signs a record spending it", "R4.3", spec.CodeWrongRecipient, []string{"NonHolderSignature", "holding-payer"}, "wallet-carol", rCarol, rCarol.Outputs[0].Serial, all)

	tampered := &transfer.Signed{Record: r2.Record, Signature: r2.Signature}
	tampered.Counter = 8
	bad("counter-changed", "the transaction counter changed after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "record-signature", "holding-signature"}, "wallet-alice", tampered, outs2[0].Serial, all)

	flipped := &transfer.Signed{Record: r2.Record, Signature: flipSig(r2.Signature)}
	bad("signature-bit-flipped", "one bit of the payer's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "record-signature", "holding-signature"}, "wallet-alice", flipped, outs2[0].Serial, all)

	redirect := &transfer.Signed{Record: r2.Record, Signature: r2.Signature}
	redirect.Outputs = append([]transfer.Output{}, outs2...)
	for i := range redirect.Outputs {
		if redirect.Outputs[i].Holder == "wallet-bob" {
			redirect.Outputs[i].Holder = "wallet-carol"
		}
	}
	redirect.Payee = "wallet-carol"
	bad("payee-changed", "payee and the payee's output redirected to another wallet after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "record-signature"}, "wallet-alice", redirect, outs2[0].Serial, all)

	badDen := append([]transfer.Output{}, outs2...)
	badDen[0].Value = 300
	rBD := g.record(p.keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: badDen, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("output-denomination-300", "signed by the holder, an output of 300 fen (not in the table)", "R6.2", spec.CodeBadDenomination, []string{"BadDenomination", "record-output-denomination"}, "wallet-alice", rBD, outs2[0].Serial, all)

	rSelf := g.record(p.keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: g.split(parent2, 10000, 10000, "wallet-alice", "wallet-alice"), Payer: "wallet-alice", Payee: "wallet-alice", Counter: 7})
	bad("payer-is-payee", "a record paying the payer itself", "R1.5", spec.CodeWrongRecipient, []string{"SelfPayment", "record-self-payment"}, "wallet-alice", rSelf, rSelf.Outputs[0].Serial, all)

	bad("held-serial-not-an-output", "the holding names a serial no output of the last record creates", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage", "holding-next-serial"}, "wallet-alice", r2, g.serial("stray"), all)

	bad("payer-uncertified", "the payer's certificate is not among those supplied", "R1.3", spec.CodeUntrustedIssuer, []string{"Uncertified", "holding-signer-cert"}, "wallet-alice", r2, outs2[0].Serial, certList(agentID, "wallet-bob", "wallet-carol"))

	expired := g.issue(p.root, "wallet-alice", devcert.RoleWallet, 200, p.keys["wallet-alice"].Public(), genEpoch.AddDate(-2, 0, 0), genAt.AddDate(0, -1, 0))
	bad("payer-certificate-expired", "the payer's certificate expired before input.at", "R1.4", spec.CodeCertExpired, []string{"Expired", "holding-signer-cert"}, "wallet-alice", r2,
		outs2[0].Serial, []string{h(p.certs[agentID].Raw), h(expired.Raw), h(p.certs["wallet-bob"].Raw)})

	// The agent keeps change in the first hop and tries to spend it.
	outsA := g.split(rc.Serial, 10000, 3000, agentID, "wallet-alice")
	rA := g.record(p.keys[agentID], transfer.Record{Parent: rc.Serial, ParentValue: 10000, Outputs: outsA, Payer: agentID, Payee: "wallet-alice", Counter: 2})
	change := outsA[len(outsA)-1]
	hA := h0.Extend(rA, change.Serial)
	b.valid(grp, "valid-agent-change", "the agent bank's change output of a first hop: owned by the agent", "R6.1", []string{"Lineage"}, in(hA.Marshal(), all, agentID, change.Value), recSig(agentID, rA))
	rA2 := g.record(p.keys[agentID], transfer.Record{Parent: change.Serial, ParentValue: change.Value, Outputs: g.split(change.Serial, change.Value, change.Value, agentID, "wallet-bob"), Payer: agentID, Payee: "wallet-bob", Counter: 3})
	hA2 := hA.Extend(rA2, rA2.Outputs[0].Serial)
	b.invalid(grp, "agent-change-spent-offline", "the agent's change spent further on the same chain: a later hop must be signed by a wallet", "R4.4", spec.CodeUntrustedIssuer, []string{"WrongRole", "holding-role"}, in(hA2.Marshal(), all, "", 0), recSig(agentID, rA2))

	// Root coin problems.
	forgedRoot := &coin.Signed{Coin: rc.Coin, Signature: g.sign(rogueIssuer, rc.TBS())}
	hF := (&transfer.Holding{Root: forgedRoot, Serial: rc.Serial}).Extend(r1, r1.Outputs[0].Serial)
	b.invalid(grp, "root-coin-forged", "a lineage that starts from a coin signed by a rogue issuer", "R4.1", spec.CodeBadSignature, []string{"WrongKey", "holding-root"}, in(hF.Marshal(), all, "", 0), sigObj(g.s, ipub, rc.TBS(), forgedRoot.Signature))
	redenom := *rc
	redenom.Denomination = 5000
	hR := &transfer.Holding{Root: &redenom, Serial: rc.Serial}
	b.invalid(grp, "root-coin-redenominated", "the root coin's denomination changed after signing", "R4.2", spec.CodeBadSignature, []string{"Redenominated", "holding-root"}, in(hR.Marshal(), all, "", 0), sigObj(g.s, ipub, redenom.TBS(), redenom.Signature))

	genTransferChecks(g, b, grp, in, recSig, p, h0, h1, r2, all)
	genTransferPins(g, b, grp, in, recSig, p, h0, h1, all)

	raw := h2.Marshal()
	b.invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(raw[:len(raw)-1], all, "", 0), nil)
	b.invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "holding-parse", "der-trailing"}, in(append(append([]byte{}, raw...), 0), all, "", 0), nil)
	b.invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil, all, "", 0), nil)
	return b
}
