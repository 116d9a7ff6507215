package vectors

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

func genCoin(g *vgen.Gen) *vgen.Builder {
	b := vgen.NewBuilder("spec", g.ID, "coin",
		"Signed coins (spec/coin, Coin DER [APPLICATION 1]).",
		"A coin is valid when it parses under the strict DER profile, passes Coin.Validate and carries the issuer's signature over its TBSCoin bytes (coin.Signed.Check).",
		"input.coin is the coin DER, input.issuerPublicKey the trusted issuer's SubjectPublicKeyInfo.")
	issuer := g.Key("issuer")
	rogue := g.Key("rogue-issuer")
	pub := issuer.Public()
	pubHex := vgen.H(pub.SPKI())
	grp := b.Group("CoinVerify", pubHex)
	in := func(c []byte) CoinInput { return CoinInput{Coin: vgen.H(c), IssuerPublicKey: pubHex} }
	so := func(c *coin.Signed) *Signature { return vgen.SigObj(g.S, pub, c.TBS(), c.Signature) }
	mk := func(label string, d int64, parent coin.Serial) *coin.Signed {
		c, err := coin.Sign(issuer, coin.New(g.Serial(label), d, parent, "ICBC-0001"))
		g.Fail(err)
		return c
	}
	if g.Err != nil {
		return b
	}

	for _, d := range []int64{1, 50, 500, 10000} {
		c := mk("valid-"+vgen.Itoa(d), d, coin.Serial{})
		b.Valid(grp, "valid-"+vgen.Itoa(d), "fresh issue of "+vgen.Itoa(d)+" fen", "R6.2", nil, in(c.Marshal()), so(c))
	}
	base := mk("base", 500, coin.Serial{})
	other := mk("other", 500, coin.Serial{})
	child := mk("child", 200, base.Serial)
	b.Valid(grp, "valid-with-parent", "a coin naming its previous holder", "R6.3", nil, in(child.Marshal()), so(child))
	if g.Err != nil {
		return b
	}

	if g.S.ID() == "INTL" {
		twin := *base
		twin.Signature = vgen.HighS(base.Signature)
		b.Add(grp, vgen.TC{Name: "high-s-twin", Comment: "the (r, n-s) twin of a valid signature: Verify accepts it, a stricter implementation may refuse it", Req: "R4.1",
			Flags: []string{"HighS"}, Result: ResultAcceptable, Input: in(twin.Marshal()), Sig: so(&twin)})
	}

	flipped := *base
	flipped.Signature = vgen.FlipSig(base.Signature)
	b.Invalid(grp, "signature-bit-flipped", "one bit of the signature's r flipped", "R4.1", spec.CodeBadSignature, []string{"ModifiedSignature", "coin-signature"}, in(flipped.Marshal()), so(&flipped))

	forged := g.SignRaw(rogue, base.Coin)
	b.Invalid(grp, "signed-by-rogue-issuer", "the same coin signed by a key other than the issuer's", "R4.1", spec.CodeBadSignature, []string{"WrongKey", "coin-signature"}, in(forged.Marshal()), so(forged))

	swapped := *base
	swapped.Signature = other.Signature
	b.Invalid(grp, "signature-of-other-coin", "the issuer's valid signature over another coin", "R4.1", spec.CodeBadSignature, []string{"SignatureSwap", "coin-signature"}, in(swapped.Marshal()), so(&swapped))

	if wrongSuite := g.OtherKey("issuer"); wrongSuite != nil {
		b.Invalid(grp, "issuer-key-other-suite", "a valid coin, but the issuer key given is of the other suite", "R4.1", spec.CodeWrongSuite, []string{"WrongSuite", "key-parse"},
			CoinInput{Coin: vgen.H(base.Marshal()), IssuerPublicKey: vgen.H(wrongSuite.Public().SPKI())}, nil)
	}

	redenom := *base
	redenom.Denomination, redenom.Unit = 10000, coin.Yuan
	b.Invalid(grp, "redenominated-500-to-10000", "denomination raised from 500 to 10000 fen after signing, unit consistent", "R4.2", spec.CodeBadSignature, []string{"Redenominated", "coin-signature"}, in(redenom.Marshal()), so(&redenom))

	unlisted := *base
	unlisted.Denomination = 300
	b.Invalid(grp, "redenominated-to-unlisted-300", "denomination changed to 300 fen, which is not in the table: the policy code comes first", "R6.2", spec.CodeBadDenomination, []string{"Redenominated", "BadDenomination", "coin-denomination", "coin-policy-first"}, in(unlisted.Marshal()), so(&unlisted))

	bad300 := g.SignRaw(issuer, withDenom(coin.New(g.Serial("bad-300"), 500, coin.Serial{}, "ICBC-0001"), 300, coin.Yuan))
	b.Invalid(grp, "issuer-signed-denomination-300", "the issuer's valid signature over a 300 fen coin, outside the table", "R6.2", spec.CodeBadDenomination, []string{"PolicySigned", "BadDenomination", "coin-denomination"}, in(bad300.Marshal()), so(bad300))

	usd := coin.New(g.Serial("usd"), 500, coin.Serial{}, "ICBC-0001")
	usd.Currency = 840
	usdS := g.SignRaw(issuer, usd)
	b.Invalid(grp, "issuer-signed-currency-840", "the issuer's valid signature over a coin in currency 840", "R4.2", spec.CodeBadCurrency, []string{"PolicySigned", "BadCurrency", "coin-currency"}, in(usdS.Marshal()), so(usdS))

	recur := *base
	recur.Currency = 840
	b.Invalid(grp, "currency-changed-to-840", "currency changed after signing", "R4.2", spec.CodeBadCurrency, []string{"ModifiedField", "BadCurrency", "coin-currency", "coin-policy-first"}, in(recur.Marshal()), so(&recur))

	unit := g.SignRaw(issuer, withDenom(coin.New(g.Serial("unit"), 500, coin.Serial{}, "ICBC-0001"), 500, coin.Jiao))
	b.Invalid(grp, "issuer-signed-unit-mismatch", "500 fen printed in jiao: unit disagrees with denomination", "R4.2", spec.CodeValueMismatch, []string{"PolicySigned", "coin-unit"}, in(unit.Marshal()), so(unit))

	self := coin.New(g.Serial("self"), 500, coin.Serial{}, "ICBC-0001")
	self.Parent = self.Serial
	selfS := g.SignRaw(issuer, self)
	b.Invalid(grp, "issuer-signed-parent-is-self", "a coin naming itself as its previous holder", "R6.3", spec.CodeValueMismatch, []string{"PolicySigned", "coin-parent-self"}, in(selfS.Marshal()), so(selfS))

	v2 := coin.New(g.Serial("v2"), 500, coin.Serial{}, "ICBC-0001")
	v2.Version = 2
	v2S := g.SignRaw(issuer, v2)
	b.Invalid(grp, "issuer-signed-version-2", "a well-formed coin of version 2, which is not defined", "R6.3", spec.CodeUnknownVersion, []string{"PolicySigned", "UnknownVersion"}, in(v2S.Marshal()), nil)

	lineage := *child
	lineage.Parent = other.Serial
	b.Invalid(grp, "parent-changed", "previous-holder serial replaced after signing (forged lineage)", "R4.3", spec.CodeBadSignature, []string{"ModifiedField", "coin-signature"}, in(lineage.Marshal()), so(&lineage))

	agent := *base
	agent.Agent = "ROGUE-0001"
	b.Invalid(grp, "agent-changed", "issuing agent id replaced after signing", "R4.4", spec.CodeBadSignature, []string{"ModifiedField", "coin-signature"}, in(agent.Marshal()), so(&agent))

	raw := base.Marshal()
	b.Invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(raw[:len(raw)-1]), nil)
	b.Invalid(grp, "truncated-half", "the first half only", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(raw[:len(raw)/2]), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "der-trailing"}, in(append(append([]byte{}, raw...), 0)), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil), nil)
	genCoinDER(g, b, grp, issuer)
	genCoinPins(g, b, grp, issuer)
	return b
}

func withDenom(c coin.Coin, d int64, u coin.Unit) coin.Coin {
	c.Denomination, c.Unit = d, u
	return c
}
