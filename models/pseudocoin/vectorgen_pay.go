package pseudocoin

import (
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// pcGen is the material every pseudocoin vector file of one suite is
// built from: the PKI (alice pays, bob is paid), the desk's key and the
// central bank's trace key.
type pcGen struct {
	g     *vgen.Gen
	p     *vgen.PKI
	desk  suite.PrivateKey
	trace suite.PrivateKey
}

func newPCGen(g *vgen.Gen) *pcGen {
	return &pcGen{g: g,
		p:     g.NewPKI("pki", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}, {ID: "wallet-bob", Role: devcert.RoleWallet}, {ID: "agent-icbc", Role: devcert.RoleAgent}}),
		desk:  g.Key("pseudocoin/desk"),
		trace: g.Key("pseudocoin/trace"),
	}
}

func (x *pcGen) key(label string) suite.PrivateKey { return x.g.Key("pseudocoin/" + label) }

func spki(k suite.PrivateKey) []byte {
	if k == nil {
		return nil
	}
	return k.Public().SPKI()
}

// bundle is a bundle of coins to a fresh one-time key, signed by signer.
func (x *pcGen) bundle(label string, coins []int64, signer suite.PrivateKey) (*Holding, suite.PrivateKey) {
	k := x.key("bundle/" + label)
	if x.g.Err != nil {
		return &Holding{Bundle: &Bundle{}}, k
	}
	b := &Bundle{Key: spki(k), Coins: coins}
	b.Sig = x.g.Sign(signer, b.TBS())
	return &Holding{Bundle: b}, k
}

func mustChange(g *vgen.Gen, v int64) []int64 {
	if v <= 0 {
		return nil
	}
	out, err := coin.MakeChange(v)
	g.Fail(err)
	return out
}

// record builds alice's record spending ins (signed by keys, in order)
// to pay amount to payee under challenge, with its change to a fresh key
// and its escrow sealed to the trace key; edit changes it before the
// escrow and the signatures.
func (x *pcGen) record(label string, ins []*Holding, keys []suite.PrivateKey, payee []byte, amount int64, challenge []byte, edit func(*Record)) (*Record, suite.PrivateKey) {
	ck := x.key("change/" + label)
	r := &Record{Inputs: ins, Payee: payee, Amount: amount, Outputs: mustChange(x.g, amount), ChangeKey: spki(ck), Challenge: challenge}
	if x.g.Err != nil {
		return r, ck
	}
	var in int64
	for _, h := range ins {
		in += h.Value()
	}
	r.ChangeCoins = mustChange(x.g, in-amount)
	if edit != nil {
		edit(r)
	}
	body := escrowBody{Identity: "wallet-alice", DevSig: x.g.Sign(x.p.Keys["wallet-alice"], r.Core())}.marshal()
	var err error
	r.Escrow, err = bank.Escrow(x.trace.Public(), x.g.Src("pseudocoin/escrow/"+label), string(body))
	x.g.Fail(err)
	tbs := r.TBS()
	for _, k := range keys {
		r.Sigs = append(r.Sigs, x.g.Sign(k, tbs))
	}
	return r, ck
}

// chain builds a lineage of n records: a bundle of amount, then n records
// each paying the whole of the previous holding to a fresh key. It
// returns the last holding and its key.
func (x *pcGen) chain(label string, n int, amount int64, challenge []byte) (*Holding, suite.PrivateKey) {
	h, k := x.bundle(label+"/root", mustChange(x.g, amount), x.desk)
	for i := range n {
		next := x.key(label + "/hop/" + vgen.Itoa(int64(i)))
		r, _ := x.record(label+"/hop/"+vgen.Itoa(int64(i)), []*Holding{h}, []suite.PrivateKey{k}, spki(next), amount, challenge, nil)
		h, k = &Holding{Record: r}, next
	}
	return h, k
}

// payKind is the pay file, decided as the payee decides on a PAY
// (refPay).
var payKind = vgen.Kind{Gen: genPay, Decide: map[string]vgen.Decider{"pay": vgen.Decode(refPay)}}

func genPay(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "pay")
	x := newPCGen(g)
	if g.Err != nil {
		return b
	}
	grp := b.Group("PayReceive", "")
	const amount = 3000
	recv := x.key("receive")
	challenge := g.Src("pseudocoin/challenge").Bytes(ChallengeLen)
	other := x.key("seen/other")
	if g.Err != nil {
		return b
	}
	in := func(r *Record, mods ...func(*PayInput)) PayInput {
		pi := PayInput{Pay: vgen.H(r.Marshal()), Key: vgen.H(spki(recv)), Amount: amount, Challenge: vgen.H(challenge), Open: true,
			Desk: vgen.H(spki(x.desk)), Seen: []string{vgen.H(spki(other))}}
		for _, m := range mods {
			m(&pi)
		}
		return pi
	}
	raw := func(bs []byte) PayInput { pi := in(&Record{}); pi.Pay = vgen.H(bs); return pi }
	so := func(r *Record, k suite.PrivateKey) *vgen.Signature {
		if len(r.Sigs) == 0 {
			return nil
		}
		return vgen.SigObj(g.S, k.Public(), r.TBS(), r.Sigs[0])
	}
	P := spki(recv)
	one := func(label string, coins []int64, signer suite.PrivateKey, edit func(*Record)) (*Record, suite.PrivateKey) {
		h, k := x.bundle(label, coins, signer)
		r, _ := x.record(label, []*Holding{h}, []suite.PrivateKey{k}, P, amount, challenge, edit)
		return r, k
	}
	full := mustChange(g, bundleSize)
	valid, k1 := one("valid", full, x.desk, nil)
	if g.Err != nil {
		return b
	}
	b.Valid(grp, "valid", "a 50000-fen bundle pays 3000 fen, 47000 in change", "R6.4", nil, in(valid), so(valid, k1))
	exact, ke := one("exact", mustChange(g, amount), x.desk, nil)
	b.Valid(grp, "valid-no-change", "a 3000-fen bundle pays 3000 fen: the change list is empty", "R6.4", []string{"Boundary", "pc-record-sum"}, in(exact), so(exact, ke))

	// Two inputs.
	h2a, k2a := x.bundle("two/a", mustChange(g, 2000), x.desk)
	h2b, k2b := x.bundle("two/b", mustChange(g, 2000), x.desk)
	two, _ := x.record("two", []*Holding{h2a, h2b}, []suite.PrivateKey{k2a, k2b}, P, amount, challenge, nil)
	b.Valid(grp, "valid-two-inputs", "two 2000-fen bundles pay 3000 fen, 1000 in change", "R6.4", nil, in(two), so(two, k2a))

	// Received value and change spent onward before reconciling.
	hq, kq := x.bundle("received/root", full, x.desk)
	qKey := x.key("received/key")
	rq, _ := x.record("received/first", []*Holding{hq}, []suite.PrivateKey{kq}, spki(qKey), 5000, g.Src("pseudocoin/challenge/received").Bytes(ChallengeLen), nil)
	onward, _ := x.record("received", []*Holding{{Record: rq}}, []suite.PrivateKey{qKey}, P, amount, challenge, nil)
	b.Valid(grp, "valid-received-onward", "pays 3000 fen from a 5000-fen payment received offline, its record carried as the lineage", "R6.4", []string{"Lineage"}, in(onward), so(onward, qKey))
	hc, kc := x.bundle("change/root", full, x.desk)
	rc, ckc := x.record("change/first", []*Holding{hc}, []suite.PrivateKey{kc}, spki(x.key("change/elsewhere")), 1000, g.Src("pseudocoin/challenge/change").Bytes(ChallengeLen), nil)
	fromChange, _ := x.record("change", []*Holding{{Record: rc, Change: true}}, []suite.PrivateKey{ckc}, P, amount, challenge, nil)
	b.Valid(grp, "valid-change-onward", "pays 3000 fen from the 49000-fen change of an earlier payment, as a Change holding", "R6.4", []string{"Lineage"}, in(fromChange), so(fromChange, ckc))

	// Lineage depth: the record received counts as the first of 16.
	h15, k15 := x.chain("hops15", 15, amount, challenge)
	deep, _ := x.record("hops16", []*Holding{h15}, []suite.PrivateKey{k15}, P, amount, challenge, nil)
	b.Valid(grp, "lineage-16-records", "a lineage of 16 records, the record received included", "R4.3", []string{"Boundary", "Lineage", "pc-hops"}, in(deep), so(deep, k15))
	h16, k16 := x.chain("hops16", 16, amount, challenge)
	deeper, _ := x.record("hops17", []*Holding{h16}, []suite.PrivateKey{k16}, P, amount, challenge, nil)
	b.Invalid(grp, "lineage-17-records", "a lineage of 17 records, the record received included", "R4.3", spec.CodeMalformed, []string{"Lineage", "pc-hops"}, in(deeper), so(deeper, k16))

	// The size cap: a record is at most 65 536 bytes of DER, its whole
	// lineage included (eight lineages of up to 16 records reach it).
	shapes := capShapes[g.S.ID()]
	caps, capKeys := x.capRecords(shapes[:], []int{MaxHolding, MaxHolding + 1}, P, amount, challenge)
	if g.Err != nil {
		return b
	}
	atCap, kc0, overCap, kc1 := caps[0], capKeys[0], caps[1], capKeys[1]
	b.Valid(grp, "record-at-size-cap", "a record of exactly 65536 bytes of DER, spending eight lineages of up to 16 records: at the cap", "R6.4", []string{"Boundary", "Lineage", "der-size-cap"}, in(atCap), so(atCap, kc0))
	b.Invalid(grp, "record-over-size-cap", "a record of 65537 bytes of DER, otherwise valid, spending eight lineages of up to 16 records: one byte over the cap", "R1.1", spec.CodeMalformed, []string{"OverSize", "Lineage", "der-size-cap"}, in(overCap), so(overCap, kc1))

	// Structure.
	noSig := *valid
	noSig.Sigs = nil
	b.Invalid(grp, "signature-missing", "the record carries no signature for its one input", "R1.1", spec.CodeMalformed, []string{"MissingObject", "pc-record-shape"}, in(&noSig), nil)
	extra := *valid
	extra.Sigs = [][]byte{valid.Sigs[0], valid.Sigs[0]}
	b.Invalid(grp, "signature-extra", "two signatures for one input", "R1.1", spec.CodeMalformed, []string{"DuplicateObject", "pc-record-shape"}, in(&extra), nil)
	hn, kn := x.bundle("nochange/root", mustChange(g, 1000), x.desk)
	rn, ckn := x.record("nochange/first", []*Holding{hn}, []suite.PrivateKey{kn}, spki(x.key("nochange/elsewhere")), 1000, g.Src("pseudocoin/challenge/nochange").Bytes(ChallengeLen), nil)
	emptyChange, _ := x.record("nochange", []*Holding{{Record: rn, Change: true}}, []suite.PrivateKey{ckn}, P, amount, challenge, func(r *Record) {
		r.Outputs, r.ChangeCoins = mustChange(g, amount), nil
	})
	b.Invalid(grp, "change-holding-of-no-change", "spends, as a Change holding, a record that gave no change", "R4.3", spec.CodeMalformed, []string{"BrokenLineage", "pc-record-shape"}, in(emptyChange), nil)
	vraw := valid.Marshal()
	b.Invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"}, raw(vraw[:len(vraw)-1]), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "der-strict"}, raw(append(append([]byte{}, vraw...), 0)), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty", "der-strict"}, raw(nil), nil)
	if v2 := versionTwo(vraw); v2 != nil {
		b.Invalid(grp, "version-2", "the record's version is 2", "R1.1", spec.CodeUnknownVersion, []string{"UnknownVersion", "version-unknown"}, raw(v2), nil)
	} else {
		g.Fail(spec.Errorf(spec.CodeInternal, "the record's version field is not where it is expected"))
	}

	// Against the invoice.
	b.Invalid(grp, "no-open-invoice", "the valid record, the payee's invoice already paid", "R1.2", spec.CodeReplay, []string{"Replay", "pc-pay-open"}, in(valid, func(p *PayInput) { p.Open = false }), so(valid, k1))
	otherKey, ko := one("other-key", full, x.desk, func(r *Record) { r.Payee = spki(x.key("receive/other")) })
	b.Invalid(grp, "pays-another-key", "a record paying another receiving key than the invoice's", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "pc-pay-key"}, in(otherKey), so(otherKey, ko))
	b.Invalid(grp, "order-open-before-key", "a record paying another receiving key, the payee's invoice already paid: the open invoice is checked first", "R1.2", spec.CodeReplay, []string{"CheckOrder", "pc-pay-open"}, in(otherKey, func(p *PayInput) { p.Open = false }), so(otherKey, ko))
	keyAmount, kka := one("other-key-amount", full, x.desk, func(r *Record) {
		r.Payee = spki(x.key("receive/other"))
		r.Amount, r.Outputs, r.ChangeCoins = 2000, mustChange(g, 2000), mustChange(g, bundleSize-2000)
	})
	b.Invalid(grp, "order-key-before-amount", "a record paying 2000 fen to another receiving key against an invoice for 3000: the key is checked first", "R1.5", spec.CodeWrongRecipient, []string{"CheckOrder", "pc-pay-key"}, in(keyAmount), so(keyAmount, kka))
	more, km := one("amount", full, x.desk, func(r *Record) {
		r.Amount, r.Outputs, r.ChangeCoins = 2000, mustChange(g, 2000), mustChange(g, bundleSize-2000)
	})
	b.Invalid(grp, "amount-mismatch", "a record paying 2000 fen against an invoice for 3000", "R5.4", spec.CodeValueMismatch, []string{"AmountMismatch", "pc-pay-amount"}, in(more), so(more, km))
	otherCh, kch := one("challenge", full, x.desk, func(r *Record) { r.Challenge = g.Src("pseudocoin/challenge/other").Bytes(ChallengeLen) })
	b.Invalid(grp, "challenge-mismatch", "a record answering another invoice's challenge", "R1.2", spec.CodeReplay, []string{"Replay", "pc-pay-challenge"}, in(otherCh), so(otherCh, kch))

	// The record's rules.
	notTable, knt := one("output-not-table", full, x.desk, func(r *Record) { r.Outputs = []int64{3000} })
	b.Invalid(grp, "output-not-in-table", "the 3000 fen paid as one coin of 3000, not a table denomination", "R6.2", spec.CodeBadDenomination, []string{"BadDenomination", "pc-record-table"}, in(notTable), so(notTable, knt))
	badIn, kbi := one("input-not-table", []int64{10000, 10000, 10000, 10000, 7000, 3000}, x.desk, nil)
	b.Invalid(grp, "input-bundle-not-in-table", "the desk signed a bundle holding coins of 7000 and 3000 fen, not table denominations", "R6.2", spec.CodeBadDenomination, []string{"BadDenomination", "pc-record-table"}, in(badIn), so(badIn, kbi))
	badCh, kbc := one("change-not-table", full, x.desk, func(r *Record) { r.ChangeCoins = []int64{40000, 7000} })
	b.Invalid(grp, "change-not-in-table", "47000 fen of change as 40000 and 7000, not table denominations", "R6.2", spec.CodeBadDenomination, []string{"BadDenomination", "pc-record-table"}, in(badCh), so(badCh, kbc))
	short, ks := one("outputs-short", full, x.desk, func(r *Record) { r.Outputs = mustChange(g, 2000) })
	b.Invalid(grp, "outputs-short", "outputs worth 2000 fen for an amount of 3000", "R4.2", spec.CodeValueMismatch, []string{"ValueNotConserved", "pc-record-sum"}, in(short), so(short, ks))
	under, ku := one("inputs-short", mustChange(g, 2000), x.desk, nil)
	b.Invalid(grp, "inputs-short", "a 2000-fen bundle paying 3000 fen", "R4.2", spec.CodeValueMismatch, []string{"ValueNotConserved", "pc-record-sum"}, in(under), so(under, ku))
	overCh, koc := one("change-over", full, x.desk, func(r *Record) { r.ChangeCoins = mustChange(g, 48000) })
	b.Invalid(grp, "change-over", "48000 fen of change from 50000 paying 3000", "R4.2", spec.CodeValueMismatch, []string{"ValueNotConserved", "pc-record-sum"}, in(overCh), so(overCh, koc))
	hd, kd := x.bundle("twice", mustChange(g, 2000), x.desk)
	twice, _ := x.record("twice", []*Holding{hd, hd}, []suite.PrivateKey{kd, kd}, P, amount, challenge, nil)
	b.Invalid(grp, "input-twice", "one 2000-fen bundle spent twice in one record, as two inputs", "R2.2", spec.CodeDoubleSpend, []string{"DoubleSpend", "pc-record-keys"}, in(twice), so(twice, kd))
	toPayee, ktp := one("change-to-payee", full, x.desk, func(r *Record) { r.ChangeKey = P })
	b.Invalid(grp, "change-key-is-payee", "the change is paid to the payee's receiving key", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "pc-record-change-key"}, in(toPayee), so(toPayee, ktp))

	// Signatures.
	rogue, kr := one("rogue-desk", full, x.key("rogue-desk"), nil)
	b.Invalid(grp, "bundle-not-desk-signed", "the bundle is signed by a key other than the desk's", "R4.1", spec.CodeBadSignature, []string{"WrongKey", "pc-bundle-desk"}, in(rogue), so(rogue, kr))
	hr, krd := x.bundle("redenominated", mustChange(g, 10000), x.desk)
	hr.Bundle.Coins = full
	redenom, _ := x.record("redenominated", []*Holding{hr}, []suite.PrivateKey{krd}, P, amount, challenge, nil)
	b.Invalid(grp, "bundle-redenominated", "a 10000-fen bundle's coins changed to 50000 fen after the desk signed it", "R4.2", spec.CodeBadSignature, []string{"Redenominated", "pc-bundle-desk"}, in(redenom), so(redenom, krd))
	flipped := *valid
	flipped.Sigs = [][]byte{vgen.FlipSig(valid.Sigs[0])}
	b.Invalid(grp, "input-signature-bit-flipped", "one bit of the input key's signature flipped", "R4.3", spec.CodeWrongRecipient, []string{"ModifiedSignature", "pc-input-signature"}, in(&flipped), so(&flipped, k1))
	hw, _ := x.bundle("wrong-signer", full, x.desk)
	wrongSigner, _ := x.record("wrong-signer", []*Holding{hw}, []suite.PrivateKey{x.key("wrong-signer/thief")}, P, amount, challenge, nil)
	b.Invalid(grp, "input-signed-by-other-key", "a bundle minted to one key spent under another key's signature", "R4.3", spec.CodeWrongRecipient, []string{"NonHolderSignature", "pc-input-signature"}, in(wrongSigner), nil)
	badAmt := *valid
	badAmt.Outputs, badAmt.ChangeCoins = mustChange(g, 2000), mustChange(g, 48000)
	badAmt.Amount = 2000
	b.Invalid(grp, "amount-changed-after-signing", "the amount, outputs and change changed after the input key signed, the invoice asking the new amount", "R1.1", spec.CodeWrongRecipient, []string{"ModifiedField", "pc-input-signature"}, in(&badAmt, func(p *PayInput) { p.Amount = 2000 }), so(&badAmt, k1))
	hl, kl := x.bundle("lineage-forged/root", full, x.desk)
	lKey := x.key("lineage-forged/key")
	rl, _ := x.record("lineage-forged/first", []*Holding{hl}, []suite.PrivateKey{x.key("lineage-forged/thief")}, spki(lKey), 5000, g.Src("pseudocoin/challenge/forged").Bytes(ChallengeLen), nil)
	_ = kl
	forged, _ := x.record("lineage-forged", []*Holding{{Record: rl}}, []suite.PrivateKey{lKey}, P, amount, challenge, nil)
	b.Invalid(grp, "lineage-record-not-signed-by-its-input", "pays onward a received payment whose own record is not signed by its input's key", "R4.3", spec.CodeWrongRecipient, []string{"BrokenLineage", "pc-input-signature"}, in(forged), so(forged, lKey))

	// The payee's memory.
	b.Invalid(grp, "input-key-seen", "the valid record, its input key one the payee was paid with before", "R2.2", spec.CodeDoubleSpend, []string{"DoubleSpend", "pc-pay-seen"}, in(valid, func(p *PayInput) { p.Seen = append(p.Seen, vgen.H(spki(k1))) }), so(valid, k1))
	return b
}

// versionTwo returns der with the version of its outer structure (the
// first field, INTEGER 1) set to 2, or nil when it is not where a
// structure with a long-form length puts it.
func versionTwo(der []byte) []byte {
	if len(der) < 2 {
		return nil
	}
	i := 2
	if der[1] >= 0x80 {
		i += int(der[1] & 0x7f)
	}
	if len(der) < i+3 || der[i] != 0x02 || der[i+1] != 0x01 || der[i+2] != 0x01 {
		return nil
	}
	out := append([]byte(nil), der...)
	out[i+2] = 0x02
	return out
}
