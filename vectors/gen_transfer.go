package vectors

import (
	"encoding/hex"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

func genTransfer(g *vgen.Gen) *vgen.Builder {
	b := vgen.NewBuilder("spec", g.ID, "transfer",
		"Holdings (spec/transfer, Holding DER [APPLICATION 6]): an issuer-signed root coin and the transfer records that moved it offline.",
		"A holding is valid when it parses (transfer.ParseHolding) and Holding.Verify accepts its lineage under input.issuerPublicKey.",
		"Signer certificates are looked up by id among input.certificates, each verified against input.root at input.at (no revocation list); an id with no certificate is untrusted-issuer.",
		"For valid cases expected.holder (hex of the id) and expected.value name the owner Holding.Verify returns; the harness does not send them.",
		"The signature object, when present, is the last record's (or, with no record, the root coin's) under the key the verifier expects.")
	p := g.NewPKI("pki", []vgen.DevSpec{{ID: vgen.AgentID, Role: devcert.RoleAgent}, {ID: "wallet-alice", Role: devcert.RoleWallet}, {ID: "wallet-bob", Role: devcert.RoleWallet}, {ID: "wallet-carol", Role: devcert.RoleWallet}})
	issuer := g.Key("issuer")
	rogueIssuer := g.Key("rogue-issuer")
	if g.Err != nil {
		return b
	}
	root := p.Root.Cert
	ipub := issuer.Public()
	grp := b.Group("HoldingVerify", vgen.H(ipub.SPKI()))
	certList := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, vgen.H(p.Certs[id].Raw))
		}
		return out
	}
	all := certList(vgen.AgentID, "wallet-alice", "wallet-bob", "wallet-carol")
	in := func(hold []byte, certs []string, holder string, value int64) any {
		input := TransferInput{Holding: vgen.H(hold), IssuerPublicKey: vgen.H(ipub.SPKI()), Root: vgen.H(root.Raw), Certificates: certs, At: vgen.GenAt.Unix()}
		if holder == "" {
			return input
		}
		return vgen.WithExpected{Input: input, Expected: TransferExpected{Holder: hex.EncodeToString([]byte(holder)), Value: value}}
	}
	recSig := func(payer string, r *transfer.Signed) *Signature {
		return vgen.SigObj(g.S, p.Certs[payer].PublicKey, r.TBS(), r.Signature)
	}

	rc, err := coin.Sign(issuer, coin.New(g.Serial("transfer-root"), 10000, coin.Serial{}, vgen.AgentID))
	g.Fail(err)
	if g.Err != nil {
		return b
	}
	h0 := &transfer.Holding{Root: rc, Serial: rc.Serial}
	b.Valid(grp, "valid-0-hops", "a freshly issued coin, held by its agent bank", "R6.1", nil, in(h0.Marshal(), all, vgen.AgentID, 10000), vgen.SigObj(g.S, ipub, rc.TBS(), rc.Signature))

	// Hop 1: the agent hands the whole coin to alice.
	r1 := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: 10000, Outputs: g.Split(rc.Serial, 10000, 10000, vgen.AgentID, "wallet-alice"),
		Payer: vgen.AgentID, Payee: "wallet-alice", Counter: 1})
	if g.Err != nil {
		return b
	}
	h1 := h0.Extend(r1, r1.Outputs[0].Serial)
	b.Valid(grp, "valid-1-hop", "withdrawn: the agent bank's record hands the coin to a wallet", "R6.4", []string{"Lineage"}, in(h1.Marshal(), all, "wallet-alice", 10000), recSig(vgen.AgentID, r1))

	// Hop 2: alice pays bob 3000 fen of it, keeping change.
	parent2 := h1.Serial
	outs2 := g.Split(parent2, 10000, 3000, "wallet-alice", "wallet-bob")
	r2 := g.Record(p.Keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: outs2, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	if g.Err != nil {
		return b
	}
	h2 := h1.Extend(r2, outs2[0].Serial)
	b.Valid(grp, "valid-2-hops-payee", "the payee's first output after a payment of 3000 fen", "R6.4", []string{"Lineage"}, in(h2.Marshal(), all, "wallet-bob", outs2[0].Value), recSig("wallet-alice", r2))
	last := outs2[len(outs2)-1]
	h2c := h1.Extend(r2, last.Serial)
	b.Valid(grp, "valid-2-hops-change", "the payer's last change output", "R5.2", []string{"Lineage"}, in(h2c.Marshal(), all, "wallet-alice", last.Value), recSig("wallet-alice", r2))

	// Hop 3: bob pays carol his whole first output.
	outs3 := g.Split(h2.Serial, outs2[0].Value, outs2[0].Value, "wallet-bob", "wallet-carol")
	r3 := g.Record(p.Keys["wallet-bob"], transfer.Record{Parent: h2.Serial, ParentValue: outs2[0].Value, Outputs: outs3, Payer: "wallet-bob", Payee: "wallet-carol", Counter: 2})
	h3 := h2.Extend(r3, outs3[0].Serial)
	b.Valid(grp, "valid-3-hops", "received value spent onward", "R6.4", []string{"Lineage"}, in(h3.Marshal(), all, "wallet-carol", outs3[0].Value), recSig("wallet-bob", r3))
	if g.Err != nil {
		return b
	}

	// Broken second hops.
	bad := func(name, comment, req string, code spec.Code, flags []string, payer string, r *transfer.Signed, serial coin.Serial, certs []string) {
		hh := h1.Extend(r, serial)
		b.Invalid(grp, name, comment, req, code, flags, in(hh.Marshal(), certs, "", 0), recSig(payer, r))
	}
	notSum := append([]transfer.Output{}, outs2...)
	notSum[len(notSum)-1].Value = 5000 // change overstated
	rNS := g.Record(p.Keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: notSum, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("children-not-summing", "signed by the holder, but the outputs sum to more than the parent", "R5.2", spec.CodeValueMismatch, []string{"ValueNotConserved", "record-sum"}, "wallet-alice", rNS, outs2[0].Serial, all)

	wrongParent := transfer.ChildSerial(rc.Serial, 1)
	rWP := g.Record(p.Keys["wallet-alice"], transfer.Record{Parent: wrongParent, ParentValue: 10000, Outputs: g.Split(wrongParent, 10000, 3000, "wallet-alice", "wallet-bob"), Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("wrong-parent", "the record spends a serial other than the one held", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage"}, "wallet-alice", rWP, rWP.Outputs[0].Serial, all)

	rOV := g.Record(p.Keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 20000, Outputs: g.Split(parent2, 20000, 3000, "wallet-alice", "wallet-bob"), Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("overstated-parent-value", "consistent in itself, but states the 10000 fen parent as 20000 fen", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage", "ValueNotConserved", "holding-parent"}, "wallet-alice", rOV, rOV.Outputs[0].Serial, all)

	rForged := &transfer.Signed{Record: r2.Record, Signature: g.Sign(p.Keys["wallet-carol"], r2.TBS())}
	bad("signed-by-non-holder", "names the holder as payer but is signed by another wallet's key", "R4.3", spec.CodeBadSignature, []string{"NonHolderSignature", "WrongKey", "holding-signature"}, "wallet-alice", rForged, outs2[0].Serial, all)

	rCarol := g.Record(p.Keys["wallet-carol"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: g.Split(parent2, 10000, 3000, "wallet-carol", "wallet-bob"), Payer: "wallet-carol", Payee: "wallet-bob", Counter: 3})
	bad("payer-not-holder", "a certified wallet that does not hold the coin signs a record spending it", "R4.3", spec.CodeWrongRecipient, []string{"NonHolderSignature", "holding-payer"}, "wallet-carol", rCarol, rCarol.Outputs[0].Serial, all)

	tampered := &transfer.Signed{Record: r2.Record, Signature: r2.Signature}
	tampered.Counter = 8
	bad("counter-changed", "the transaction counter changed after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "record-signature", "holding-signature"}, "wallet-alice", tampered, outs2[0].Serial, all)

	flipped := &transfer.Signed{Record: r2.Record, Signature: vgen.FlipSig(r2.Signature)}
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
	rBD := g.Record(p.Keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: badDen, Payer: "wallet-alice", Payee: "wallet-bob", Counter: 7})
	bad("output-denomination-300", "signed by the holder, an output of 300 fen (not in the table)", "R6.2", spec.CodeBadDenomination, []string{"BadDenomination", "record-output-denomination"}, "wallet-alice", rBD, outs2[0].Serial, all)

	rSelf := g.Record(p.Keys["wallet-alice"], transfer.Record{Parent: parent2, ParentValue: 10000, Outputs: g.Split(parent2, 10000, 10000, "wallet-alice", "wallet-alice"), Payer: "wallet-alice", Payee: "wallet-alice", Counter: 7})
	bad("payer-is-payee", "a record paying the payer itself", "R1.5", spec.CodeWrongRecipient, []string{"SelfPayment", "record-self-payment"}, "wallet-alice", rSelf, rSelf.Outputs[0].Serial, all)

	bad("held-serial-not-an-output", "the holding names a serial no output of the last record creates", "R4.3", spec.CodeValueMismatch, []string{"BrokenLineage", "holding-next-serial"}, "wallet-alice", r2, g.Serial("stray"), all)

	bad("payer-uncertified", "the payer's certificate is not among those supplied", "R1.3", spec.CodeUntrustedIssuer, []string{"Uncertified", "holding-signer-cert"}, "wallet-alice", r2, outs2[0].Serial, certList(vgen.AgentID, "wallet-bob", "wallet-carol"))

	expired := g.Issue(p.Root, "wallet-alice", devcert.RoleWallet, 200, p.Keys["wallet-alice"].Public(), vgen.GenEpoch.AddDate(-2, 0, 0), vgen.GenAt.AddDate(0, -1, 0))
	bad("payer-certificate-expired", "the payer's certificate expired before input.at", "R1.4", spec.CodeCertExpired, []string{"Expired", "holding-signer-cert"}, "wallet-alice", r2,
		outs2[0].Serial, []string{vgen.H(p.Certs[vgen.AgentID].Raw), vgen.H(expired.Raw), vgen.H(p.Certs["wallet-bob"].Raw)})

	// The agent keeps change in the first hop and tries to spend it.
	outsA := g.Split(rc.Serial, 10000, 3000, vgen.AgentID, "wallet-alice")
	rA := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: 10000, Outputs: outsA, Payer: vgen.AgentID, Payee: "wallet-alice", Counter: 2})
	change := outsA[len(outsA)-1]
	hA := h0.Extend(rA, change.Serial)
	b.Valid(grp, "valid-agent-change", "the agent bank's change output of a first hop: owned by the agent", "R6.1", []string{"Lineage"}, in(hA.Marshal(), all, vgen.AgentID, change.Value), recSig(vgen.AgentID, rA))
	rA2 := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: change.Serial, ParentValue: change.Value, Outputs: g.Split(change.Serial, change.Value, change.Value, vgen.AgentID, "wallet-bob"), Payer: vgen.AgentID, Payee: "wallet-bob", Counter: 3})
	hA2 := hA.Extend(rA2, rA2.Outputs[0].Serial)
	b.Invalid(grp, "agent-change-spent-offline", "the agent's change spent further on the same chain: a later hop must be signed by a wallet", "R4.4", spec.CodeUntrustedIssuer, []string{"WrongRole", "holding-role"}, in(hA2.Marshal(), all, "", 0), recSig(vgen.AgentID, rA2))

	// Root coin problems.
	forgedRoot := &coin.Signed{Coin: rc.Coin, Signature: g.Sign(rogueIssuer, rc.TBS())}
	hF := (&transfer.Holding{Root: forgedRoot, Serial: rc.Serial}).Extend(r1, r1.Outputs[0].Serial)
	b.Invalid(grp, "root-coin-forged", "a lineage that starts from a coin signed by a rogue issuer", "R4.1", spec.CodeBadSignature, []string{"WrongKey", "holding-root"}, in(hF.Marshal(), all, "", 0), vgen.SigObj(g.S, ipub, rc.TBS(), forgedRoot.Signature))
	redenom := *rc
	redenom.Denomination = 5000
	hR := &transfer.Holding{Root: &redenom, Serial: rc.Serial}
	b.Invalid(grp, "root-coin-redenominated", "the root coin's denomination changed after signing", "R4.2", spec.CodeBadSignature, []string{"Redenominated", "holding-root"}, in(hR.Marshal(), all, "", 0), vgen.SigObj(g.S, ipub, redenom.TBS(), redenom.Signature))

	genTransferChecks(g, b, grp, in, recSig, p, h0, h1, r2, all)
	genTransferPins(g, b, grp, in, recSig, p, h0, h1, all)

	raw := h2.Marshal()
	b.Invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(raw[:len(raw)-1], all, "", 0), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "holding-parse", "der-trailing"}, in(append(append([]byte{}, raw...), 0), all, "", 0), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil, all, "", 0), nil)
	return b
}
