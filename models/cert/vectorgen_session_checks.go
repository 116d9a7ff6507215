package cert

import (
	"bytes"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// sealedTx is what alice's TX carries, before sealing: the spends and the
// lineage certificates, and how to spoil the seal.
type sealedTx struct {
	holdings  []*transfer.Holding
	records   []*transfer.Signed
	Certs     [][]byte
	keyInfo   []byte // the info the content key is sealed under; nil: the TX's
	flipCText bool   // one bit of the AEAD ciphertext flipped before signing
}

// certTx builds a TX of session cs carrying tx, sealed to bob and signed
// by alice: a TX alice could send, whose content only the payee's checks
// refuse.
func certTx(g *vgen.Gen, cs *certSession, label string, tx sealedTx) []byte {
	plain, err := EncodeCoins(tx.holdings, tx.records, tx.Certs)
	g.Fail(err)
	info := SealInfo(cs.Nonce, vgen.CertPayee)
	keyInfo := tx.keyInfo
	if keyInfo == nil {
		keyInfo = info
	}
	r := g.Src("cert/" + cs.label + "/tx/" + label)
	ck := r.Bytes(16)
	sealedKey, err := cs.P.Certs[vgen.CertPayee].PublicKey.Seal(r, ck, keyInfo)
	g.Fail(err)
	aead, err := g.S.NewAEAD(ck)
	g.Fail(err)
	if g.Err != nil {
		return nil
	}
	ct := aead.Seal(nil, ZeroNonce(), plain, info)
	if tx.flipCText {
		ct = bytes.Clone(ct)
		ct[0] ^= 0x01
	}
	raw, _ := signMsg(g, cs.P.Keys[vgen.CertPayer], Message{Tag: TagTx, Nonce: cs.Nonce, Amount: cs.Amount, Payer: vgen.CertPayer, Payee: vgen.CertPayee,
		SealedKey: sealedKey, Ciphertext: ct})
	return raw
}

// passCoin moves the whole coin of h from payer to payee in one signed
// record.
func passCoin(g *vgen.Gen, cs *certSession, h *transfer.Holding, value int64, payer, payee string, counter uint64) *transfer.Holding {
	r := g.Record(cs.P.Keys[payer], transfer.Record{Parent: h.Serial, ParentValue: value, Outputs: g.Split(h.Serial, value, value, payer, payee),
		Payer: payer, Payee: payee, Counter: counter})
	return h.Extend(r, r.Outputs[0].Serial)
}

// alicePays is alice's record paying bob cs.amount of the coin of h.
func alicePays(g *vgen.Gen, cs *certSession, h *transfer.Holding, value int64) *transfer.Signed {
	return alicePaysFor(g, cs, h, value, cs.Amount, cs.Nonce)
}

// alicePaysFor is alice's record paying bob paid fen of the coin of h
// (value fen) in answer to the request whose nonce is challenge.
func alicePaysFor(g *vgen.Gen, cs *certSession, h *transfer.Holding, value, paid int64, challenge []byte) *transfer.Signed {
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], challenge)
	r, err := transfer.Sign(cs.P.Keys[vgen.CertPayer], transfer.Record{Version: transfer.Version1, Parent: h.Serial, ParentValue: value,
		Outputs: g.Split(h.Serial, value, paid, vgen.CertPayer, vgen.CertPayee), Payer: vgen.CertPayer, Payee: vgen.CertPayee, Challenge: ch, Counter: 50})
	g.Fail(err)
	return r
}

// flipped is r with its signature bit-flipped.
func flipped(r *transfer.Signed) *transfer.Signed {
	if r == nil {
		return nil
	}
	return &transfer.Signed{Record: r.Record, Signature: vgen.FlipSig(r.Signature)}
}

// genCertSessionChecks adds the cert session cases that pin the payee's
// checks of what a TX carries: the seal, and each spend's hop limit,
// lineage and holder. msgs is the clean transcript, iTx the TX's index.
func genCertSessionChecks(g *vgen.Gen, b *vgen.Builder, grp *vgen.Group, cs *certSession, ctx *vgen.SessionCtx, msgs []vgen.SessionMsg, iTx int) {
	at := vgen.GenAt.Unix()
	tx := func(raw []byte) vgen.SessionInput {
		return ctx.In(vgen.ReplaceAt(msgs, iTx, vgen.WithPayload(msgs[iTx], raw)), at)
	}
	issued := func(label string) *transfer.Holding {
		rc, err := coin.Sign(cs.Issuer, coin.New(g.Serial("cert/"+cs.label+"/"+label), 5000, coin.Serial{}, vgen.AgentID))
		g.Fail(err)
		if rc == nil {
			return nil
		}
		return &transfer.Holding{Root: rc, Serial: rc.Serial}
	}
	h0 := issued("checks-coin")
	if g.Err != nil {
		return
	}
	hAlice := passCoin(g, cs, h0, 5000, vgen.AgentID, vgen.CertPayer, 40)
	clean := sealedTx{holdings: []*transfer.Holding{hAlice}, records: []*transfer.Signed{alicePays(g, cs, hAlice, 5000)}}
	if g.Err != nil {
		return
	}

	spoilt := clean
	spoilt.flipCText = true
	b.Invalid(grp, "tx-coins-do-not-open", "a TX whose sealed coins were altered before alice signed it: the signature verifies, the AEAD does not open", "R1.1", spec.CodeBadSeal,
		[]string{"TamperedSeal", "cert-tx-seal"}, tx(certTx(g, cs, "ctext", spoilt)), nil)
	otherInfo := clean
	otherInfo.keyInfo = SealInfo(cs.Nonce, vgen.CertThird)
	b.Invalid(grp, "tx-key-sealed-for-other-payee", "a TX whose content key was sealed to bob's key under carol's context string, signed by alice", "R1.1", spec.CodeBadSeal,
		[]string{"TamperedSeal", "cert-tx-seal", "seal-open"}, tx(certTx(g, cs, "keyinfo", otherInfo)), nil)

	twice := clean
	twice.holdings = append(twice.holdings, hAlice)
	twice.records = append(twice.records, clean.records[0])
	b.Invalid(grp, "tx-same-coin-twice", "a TX carrying the same spend twice: the second pays a coin already paid to bob", "R2.1", spec.CodeDoubleSpend,
		[]string{"Replay", "spend-seen"}, tx(certTx(g, cs, "twice", twice)), nil)

	// A coin carol holds, spent by alice.
	hCarol := passCoin(g, cs, issued("carol-coin"), 5000, vgen.AgentID, vgen.CertThird, 41)
	if g.Err != nil {
		return
	}
	b.Invalid(grp, "tx-coin-held-by-other", "a TX spending a coin carol holds (her certificate supplied), in a record alice signed", "R4.3", spec.CodeWrongRecipient,
		[]string{"NonHolderSignature", "spend-coin-holder"}, tx(certTx(g, cs, "carol", sealedTx{holdings: []*transfer.Holding{hCarol}, records: []*transfer.Signed{alicePays(g, cs, hCarol, 5000)},
			Certs: [][]byte{cs.P.Certs[vgen.CertThird].Raw}})), nil)

	// A coin carol passed to alice, without carol's certificate.
	hVia := passCoin(g, cs, hCarol, 5000, vgen.CertThird, vgen.CertPayer, 42)
	if g.Err != nil {
		return
	}
	b.Invalid(grp, "tx-lineage-uncertified", "a TX spending a coin carol passed to alice, without carol's certificate among the lineage certificates", "R1.3", spec.CodeUntrustedIssuer,
		[]string{"Uncertified", "spend-lineage"}, tx(certTx(g, cs, "via", sealedTx{holdings: []*transfer.Holding{hVia}, records: []*transfer.Signed{alicePays(g, cs, hVia, 5000)}})), nil)

	// A coin passed between alice and carol until its holding has 8
	// records, alice holding it.
	hh, payer, payee := hAlice, vgen.CertPayer, vgen.CertThird
	for n := uint64(60); len(hh.Chain) < transfer.MaxHops; n++ {
		hh = passCoin(g, cs, hh, 5000, payer, payee, n)
		payer, payee = payee, payer
	}
	if g.Err != nil {
		return
	}
	b.Invalid(grp, "tx-coin-at-hop-limit", "a TX spending a coin whose holding already has 8 records: it must be exchanged online", "R6.4", spec.CodeLimitExceeded,
		[]string{"Lineage", "OverSize", "spend-hop-limit"}, tx(certTx(g, cs, "hops", sealedTx{holdings: []*transfer.Holding{hh}, records: []*transfer.Signed{alicePays(g, cs, hh, 5000)},
			Certs: [][]byte{cs.P.Certs[vgen.CertThird].Raw}})), nil)

	genCertSpendOrder(g, b, grp, cs, tx, hAlice, hCarol, hh)
}

// genCertSpendOrder adds the CheckOrder cases of a TX spend's steps
// (formats-schemes.md, "What the payee checks", TX steps 1-7 and the
// total): each TX holds two faults, the expected code is the step made
// first's, and without that step the reference gives the other's code.
// hAlice is a coin alice holds, hCarol one carol holds, hFull one alice
// holds whose holding has 8 records (carol among its signers).
func genCertSpendOrder(g *vgen.Gen, b *vgen.Builder, grp *vgen.Group, cs *certSession, tx func([]byte) vgen.SessionInput, hAlice, hCarol, hFull *transfer.Holding) {
	order := func(check string, more ...string) []string { return append([]string{"CheckOrder", check}, more...) }
	carol := [][]byte{cs.P.Certs[vgen.CertThird].Raw}
	one := func(h *transfer.Holding, r *transfer.Signed, certs [][]byte) sealedTx {
		return sealedTx{holdings: []*transfer.Holding{h}, records: []*transfer.Signed{r}, Certs: certs}
	}
	brokenAt := func(h *transfer.Holding, i int) *transfer.Holding {
		c := slices.Clone(h.Chain)
		c[i] = flipped(c[i])
		return &transfer.Holding{Root: h.Root, Serial: h.Serial, Chain: c}
	}
	stale := g.Src("cert/" + cs.label + "/order/stale").Bytes(NonceSize) // another request's nonce

	// Step 1 before step 2: a coin at the hop limit whose second record's
	// signature is bit-flipped.
	hBroken := brokenAt(hFull, 1)
	b.Invalid(grp, "tx-order-hop-limit-before-lineage", "a TX spending a coin whose holding has 8 records, the second record's signature bit-flipped (carol's certificate carried): the hop limit (step 1) is checked before the lineage (step 2)", "R6.4", spec.CodeLimitExceeded,
		order("spend-hop-limit", "Lineage"), tx(certTx(g, cs, "order/hops", one(hBroken, alicePays(g, cs, hBroken, 5000), carol))), nil)
	// Step 2 before step 3: a coin carol holds, the agent's record of its
	// lineage bit-flipped.
	hCarolBroken := brokenAt(hCarol, 0)
	b.Invalid(grp, "tx-order-lineage-before-holder", "a TX spending a coin carol holds (her certificate carried), the agent's record of its lineage bit-flipped: the lineage (step 2) is checked before the coin's holder (step 3)", "R4.3", spec.CodeBadSignature,
		order("spend-lineage", "Lineage"), tx(certTx(g, cs, "order/lineage", one(hCarolBroken, alicePays(g, cs, hCarolBroken, 5000), carol))), nil)
	// Step 3 before steps 4-5: a coin carol holds, alice's record
	// answering another request.
	b.Invalid(grp, "tx-order-holder-before-binding", "a TX spending a coin carol holds (her certificate carried) in a record alice signed answering another request: the coin's holder (step 3) is checked before the record's binding (steps 4-5)", "R4.3", spec.CodeWrongRecipient,
		order("spend-coin-holder", "NonHolderSignature"), tx(certTx(g, cs, "order/holder", one(hCarol, alicePaysFor(g, cs, hCarol, 5000, cs.Amount, stale), carol))), nil)
	// Steps 4-5 before step 6: alice's record answering another request,
	// its signature bit-flipped.
	b.Invalid(grp, "tx-order-binding-before-signature", "a TX whose record answers another request, its signature bit-flipped: the record's binding (step 5) is checked before its signature (step 6)", "R1.2", spec.CodeReplay,
		order("spend-record-binding", "ModifiedSignature"), tx(certTx(g, cs, "order/binding", one(hAlice, flipped(alicePaysFor(g, cs, hAlice, 5000, cs.Amount, stale)), nil))), nil)
	// Step 6 before step 7: the same spend twice, the second's record
	// signature bit-flipped.
	good := alicePays(g, cs, hAlice, 5000)
	b.Invalid(grp, "tx-order-signature-before-seen", "a TX carrying the same spend twice, the second record's signature bit-flipped: the record's signature (step 6) is checked before the serial already paid (step 7)", "R1.1", spec.CodeBadSignature,
		order("spend-record", "ModifiedSignature"), tx(certTx(g, cs, "order/seen", sealedTx{holdings: []*transfer.Holding{hAlice, hAlice}, records: []*transfer.Signed{good, flipped(good)}})), nil)
	// Each spend before the total: a record paying 500 fen less than the
	// request, its signature bit-flipped.
	b.Invalid(grp, "tx-order-signature-before-total", "a TX whose record pays 500 fen less than the request, its signature bit-flipped: each spend's signature is checked before the total", "R1.1", spec.CodeBadSignature,
		order("spend-record", "ModifiedSignature"), tx(certTx(g, cs, "order/total", one(hAlice, flipped(alicePaysFor(g, cs, hAlice, 5000, cs.Amount-500, cs.Nonce)), nil))), nil)
}
