package pseudocoin

import (
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// derCases adds the strict-DER cases every message kind shares: the
// valid bytes cut short, extended, emptied, and with version 2.
func derCases(b *vgen.Builder, grp *vgen.Group, g *vgen.Gen, what string, valid []byte, in func([]byte) any) {
	b.Invalid(grp, "truncated-1", "the last byte of the "+what+" removed", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"}, in(valid[:len(valid)-1]), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended to the "+what, "R1.1", spec.CodeMalformed, []string{"TrailingData", "der-strict", "der-trailing"}, in(append(append([]byte{}, valid...), 0)), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty", "der-strict"}, in(nil), nil)
	v2 := versionTwo(valid)
	if v2 == nil {
		g.Fail(spec.Errorf(spec.CodeInternal, "the %s's version field is not where it is expected", what))
		return
	}
	b.Invalid(grp, "version-2", "the "+what+"'s version is 2", "R1.1", spec.CodeUnknownVersion, []string{"UnknownVersion", "version-unknown"}, in(v2), nil)
}

// helloKind is the hello file, decided as the payee decides on a HELLO (refHello).
var helloKind = vgen.Kind{Gen: genHello, Decide: map[string]vgen.Decider{"hello": vgen.Decode(refHello)}}

func genHello(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "hello")
	grp := b.Group("HelloReceive", "")
	in := func(h []byte, amount int64, invoiced bool) HelloInput {
		return HelloInput{Hello: vgen.H(h), Amount: amount, Invoiced: invoiced}
	}
	valid := Hello{Amount: 3000}.Marshal()
	b.Valid(grp, "valid", "a HELLO of 3000 fen to a payee asking 3000", "R6.4", nil, in(valid, 3000, false), nil)
	b.Valid(grp, "valid-largest-amount", "a HELLO of 100000000 fen, the largest amount", "R6.4", []string{"Boundary", "der-range"}, in(Hello{Amount: coin100M}.Marshal(), coin100M, false), nil)
	b.Invalid(grp, "amount-zero", "a HELLO of 0 fen to a payee asking 3000", "R1.1", spec.CodeMalformed, []string{"FieldSize", "der-range"}, in(Hello{Amount: 0}.Marshal(), 3000, false), nil)
	b.Invalid(grp, "amount-mismatch", "a HELLO of 5000 fen to a payee asking 3000", "R5.4", spec.CodeValueMismatch, []string{"AmountMismatch", "pc-hello-amount"}, in(Hello{Amount: 5000}.Marshal(), 3000, false), nil)
	b.Invalid(grp, "second-hello", "a second HELLO in a session whose invoice is given", "R1.2", spec.CodeReplay, []string{"Replay", "OutOfTurn", "pc-hello-once"}, in(valid, 3000, true), nil)
	b.Invalid(grp, "order-amount-before-once", "a second HELLO, of 5000 fen to a payee asking 3000: the amount is checked first", "R5.4", spec.CodeValueMismatch, []string{"CheckOrder", "pc-hello-amount"}, in(Hello{Amount: 5000}.Marshal(), 3000, true), nil)
	derCases(b, grp, g, "HELLO", valid, func(h []byte) any { return in(h, 3000, false) })
	return b
}

const coin100M = 100_000_000

// ackKind is the ack file, decided as the payer decides on an ACK (refAck).
var ackKind = vgen.Kind{Gen: genAck, Decide: map[string]vgen.Decider{"ack": vgen.Decode(refAck)}}

func genAck(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "ack")
	grp := b.Group("AckReceive", "")
	var id, other [32]byte
	copy(id[:], g.Src("pseudocoin/ack/record").Bytes(32))
	copy(other[:], g.Src("pseudocoin/ack/other").Bytes(32))
	in := func(a []byte, committed []byte, acked bool) AckInput {
		return AckInput{Ack: vgen.H(a), Committed: vgen.H(committed), Acked: acked}
	}
	valid := Ack{Record: id}.Marshal()
	b.Valid(grp, "valid", "the ACK of the record the session committed", "R5.1", nil, in(valid, id[:], false), nil)
	b.Invalid(grp, "other-record", "an ACK of another record than the one committed", "R1.2", spec.CodeReplay, []string{"Replay", "pc-ack-record"}, in(Ack{Record: other}.Marshal(), id[:], false), nil)
	b.Invalid(grp, "nothing-committed", "an ACK in a session that committed no record", "R1.2", spec.CodeReplay, []string{"OutOfTurn", "pc-ack-record"}, in(valid, nil, false), nil)
	b.Invalid(grp, "second-ack", "the ACK again, the payment acknowledged already", "R1.2", spec.CodeReplay, []string{"Replay", "pc-ack-once"}, in(valid, id[:], true), nil)
	short := der.Marshal(tagAck, func(x *der.Builder) { x.AddASN1Int64(version); x.AddASN1OctetString(id[:31]) })
	b.Invalid(grp, "record-31-bytes", "a record id of 31 bytes", "R1.1", spec.CodeMalformed, []string{"FieldSize", "der-size-field"}, in(short, id[:], false), nil)
	derCases(b, grp, g, "ACK", valid, func(a []byte) any { return in(a, id[:], false) })
	return b
}

// invoiceKind is the invoice file, decided as the payer decides on an INVOICE (refInvoice).
var invoiceKind = vgen.Kind{Gen: genInvoice, Decide: map[string]vgen.Decider{"invoice": vgen.Decode(refInvoice)}}

func genInvoice(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "invoice")
	x := newPCGen(g)
	rogue := g.NewPKI("rogue", []vgen.DevSpec{{ID: "wallet-bob", Role: "wallet"}})
	if g.Err != nil {
		return b
	}
	grp := b.Group("InvoiceReceive", "")
	root := x.p.Root.Cert
	crl, err := x.p.Root.Revoke(1, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0))
	g.Fail(err)
	bob := x.p.Certs["wallet-bob"]
	revoked, err := x.p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), bob.Serial)
	g.Fail(err)
	recv := x.key("invoice/receive")
	other := x.key("invoice/paid-other")
	if g.Err != nil {
		return b
	}
	challenge := g.Src("pseudocoin/invoice/challenge").Bytes(ChallengeLen)
	mk := func(key []byte, amount int64, cert []byte, signer suite.PrivateKey) *Invoice {
		v := &Invoice{Amount: amount, Key: key, Challenge: challenge, Cert: cert}
		v.Sig = g.Sign(signer, v.tbs())
		return v
	}
	type mod func(*InvoiceInput)
	in := func(v []byte, mods ...mod) InvoiceInput {
		ii := InvoiceInput{Invoice: vgen.H(v), Amount: 3000, Payee: vgen.H([]byte("wallet-bob")), Root: vgen.H(root.Raw), CRL: vgen.H(crl.Raw),
			At: vgen.GenAt.Unix(), Paid: []string{vgen.H(spki(other))}}
		for _, m := range mods {
			m(&ii)
		}
		return ii
	}
	so := func(v *Invoice, pub suite.PublicKey) *vgen.Signature { return vgen.SigObj(g.S, pub, v.tbs(), v.Sig) }
	valid := mk(spki(recv), 3000, bob.Raw, x.p.Keys["wallet-bob"])
	b.Valid(grp, "valid", "bob's invoice for 3000 fen to a fresh receiving key", "R1.3", nil, in(valid.Marshal()), so(valid, bob.PublicKey))
	b.Valid(grp, "valid-certificate-last-second", "at the last second of bob's certificate", "R1.4", []string{"Boundary", "pc-invoice-cert"}, in(valid.Marshal(), func(i *InvoiceInput) { i.At = vgen.CertNotAfter.Unix() }), so(valid, bob.PublicKey))
	b.Invalid(grp, "amount-mismatch", "an invoice for 3000 fen where the payer pays 5000", "R5.4", spec.CodeValueMismatch, []string{"AmountMismatch", "pc-invoice-amount"}, in(valid.Marshal(), func(i *InvoiceInput) { i.Amount = 5000 }), so(valid, bob.PublicKey))
	b.Invalid(grp, "already-committed", "bob's valid invoice after the payer committed a payment in this session", "R1.2", spec.CodeReplay, []string{"Replay", "pc-invoice-once"}, in(valid.Marshal(), func(i *InvoiceInput) { i.Committed = true }), so(valid, bob.PublicKey))
	b.Invalid(grp, "key-paid-before", "an invoice whose receiving key the payer paid before", "R1.2", spec.CodeReplay, []string{"Replay", "pc-invoice-paid"}, in(valid.Marshal(), func(i *InvoiceInput) { i.Paid = append(i.Paid, vgen.H(spki(recv))) }), so(valid, bob.PublicKey))
	b.Invalid(grp, "certificate-expired", "bob's certificate expired a second before the payer's clock", "R1.4", spec.CodeCertExpired, []string{"Expired", "pc-invoice-cert"}, in(valid.Marshal(), func(i *InvoiceInput) { i.At = vgen.CertNotAfter.Add(time.Second).Unix() }), so(valid, bob.PublicKey))
	b.Invalid(grp, "certificate-revoked", "bob's certificate on the payer's revocation list", "R1.4", spec.CodeCertRevoked, []string{"Revoked", "pc-invoice-cert"}, in(valid.Marshal(), func(i *InvoiceInput) { i.CRL = vgen.H(revoked.Raw) }), so(valid, bob.PublicKey))
	rb := rogue.Certs["wallet-bob"]
	rv := mk(spki(recv), 3000, rb.Raw, rogue.Keys["wallet-bob"])
	b.Invalid(grp, "certificate-foreign-root", "signed by a device whose certificate a rogue root issued in bob's name", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "pc-invoice-cert"}, in(rv.Marshal()), g.CertSig(root, rb.Raw))
	alice := x.p.Certs["wallet-alice"]
	av := mk(spki(recv), 3000, alice.Raw, x.p.Keys["wallet-alice"])
	b.Invalid(grp, "other-payee", "a valid invoice from alice's device where the payer means to pay bob", "R1.6", spec.CodeWrongRecipient, []string{"WrongRecipient", "pc-invoice-payee"}, in(av.Marshal()), so(av, alice.PublicKey))
	flipped := *valid
	flipped.Sig = vgen.FlipSig(valid.Sig)
	b.Invalid(grp, "signature-bit-flipped", "one bit of bob's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "pc-invoice-signature"}, in(flipped.Marshal()), so(&flipped, bob.PublicKey))
	changed := *valid
	changed.Amount = 5000
	b.Invalid(grp, "amount-changed", "the amount changed from 3000 to 5000 fen after bob signed, the payer paying 5000", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "pc-invoice-signature"}, in(changed.Marshal(), func(i *InvoiceInput) { i.Amount = 5000 }), so(&changed, bob.PublicKey))
	swapped := *valid
	swapped.Key = spki(x.key("invoice/relayed"))
	b.Invalid(grp, "key-changed", "the receiving key replaced after bob signed (a relay's own key)", "R1.6", spec.CodeBadSignature, []string{"ModifiedField", "pc-invoice-signature"}, in(swapped.Marshal()), so(&swapped, bob.PublicKey))
	wk := mk(spki(recv), 3000, bob.Raw, x.p.Keys["wallet-alice"])
	b.Invalid(grp, "signed-by-other-key", "carries bob's certificate, signed by alice's device key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "pc-invoice-signature"}, in(wk.Marshal()), so(wk, bob.PublicKey))
	garbage := g.Src("pseudocoin/invoice/garbage-key").Bytes(65)
	gk := mk(garbage, 3000, bob.Raw, x.p.Keys["wallet-bob"])
	b.Invalid(grp, "key-not-a-key", "a receiving key of 65 random bytes, signed by bob", "R1.1", spec.CodeMalformed, []string{"ModifiedField", "pc-invoice-key"}, in(gk.Marshal()), so(gk, bob.PublicKey))
	order := func(check string) []string { return []string{"CheckOrder", check} }
	paidRecv := func(i *InvoiceInput) { i.Paid = append(i.Paid, vgen.H(spki(recv))) }
	b.Invalid(grp, "order-once-before-amount", "an invoice for 3000 fen where the payer pays 5000, after the payer committed a payment in this session: the session is checked first", "R1.2", spec.CodeReplay, order("pc-invoice-once"), in(valid.Marshal(), func(i *InvoiceInput) { i.Committed, i.Amount = true, 5000 }), so(valid, bob.PublicKey))
	b.Invalid(grp, "order-amount-before-paid", "an invoice for 3000 fen where the payer pays 5000, its receiving key paid before: the amount is checked first", "R5.4", spec.CodeValueMismatch, order("pc-invoice-amount"), in(valid.Marshal(), paidRecv, func(i *InvoiceInput) { i.Amount = 5000 }), so(valid, bob.PublicKey))
	b.Invalid(grp, "order-paid-before-certificate", "an invoice whose receiving key the payer paid before, bob's certificate on the revocation list: the key is checked first", "R1.2", spec.CodeReplay, order("pc-invoice-paid"), in(valid.Marshal(), paidRecv, func(i *InvoiceInput) { i.CRL = vgen.H(revoked.Raw) }), so(valid, bob.PublicKey))
	b.Invalid(grp, "order-certificate-before-payee", "bob's revoked certificate where the payer means to pay alice: the certificate is checked first", "R1.4", spec.CodeCertRevoked, order("pc-invoice-cert"), in(valid.Marshal(), func(i *InvoiceInput) { i.CRL, i.Payee = vgen.H(revoked.Raw), vgen.H([]byte("wallet-alice")) }), so(valid, bob.PublicKey))
	b.Invalid(grp, "order-payee-before-signature", "bob's invoice, one bit of its signature flipped, where the payer means to pay alice: the payee is checked first", "R1.6", spec.CodeWrongRecipient, order("pc-invoice-payee"), in(flipped.Marshal(), func(i *InvoiceInput) { i.Payee = vgen.H([]byte("wallet-alice")) }), so(&flipped, bob.PublicKey))
	gkFlipped := *gk
	gkFlipped.Sig = vgen.FlipSig(gk.Sig)
	b.Invalid(grp, "order-signature-before-key", "a receiving key of 65 random bytes, one bit of bob's signature flipped: the signature is checked first", "R1.1", spec.CodeBadSignature, order("pc-invoice-signature"), in(gkFlipped.Marshal()), so(&gkFlipped, bob.PublicKey))
	derCases(b, grp, g, "INVOICE", valid.Marshal(), func(v []byte) any { return in(v) })
	return b
}

// mintKind is the mint file, decided as the element decides on the desk's mint reply (refMint).
var mintKind = vgen.Kind{Gen: genMint, Decide: map[string]vgen.Decider{"mint": vgen.Decode(refMint)}}

func genMint(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "mint")
	x := newPCGen(g)
	if g.Err != nil {
		return b
	}
	grp := b.Group("MintReceive", "")
	k1, k2 := x.key("mint/one"), x.key("mint/two")
	if g.Err != nil {
		return b
	}
	aeadKey := g.Src("pseudocoin/mint/aead").Bytes(suite.AEADKeySize)
	request := []byte(vgen.H(g.Src("pseudocoin/mint/request").Bytes(16)))
	keys := [][]byte{spki(k1), spki(k2)}
	bundle := func(key []byte, v int64) []byte {
		bu := &Bundle{Key: key, Coins: mustChange(g, v)}
		bu.Sig = g.Sign(x.desk, bu.TBS())
		return bu.Marshal()
	}
	b1, b2 := bundle(keys[0], bundleSize), bundle(keys[1], 20000)
	n := 0
	seal := func(key []byte, plain []byte) []byte {
		n++
		out, err := sealMintReply(g.S, key, g.Src("pseudocoin/mint/nonce/"+vgen.Itoa(int64(n))).Bytes(12), plain)
		g.Fail(err)
		return out
	}
	in := func(sealed []byte) MintInput {
		var ks []string
		for _, k := range keys {
			ks = append(ks, vgen.H(k))
		}
		return MintInput{Reply: vgen.H(sealed), Key: vgen.H(aeadKey), Request: vgen.H(request), Keys: ks}
	}
	reply := func(req []byte, bundles ...[]byte) []byte {
		return seal(aeadKey, (&MintReply{Request: req, Bundles: bundles}).Marshal())
	}
	valid := (&MintReply{Request: request, Bundles: [][]byte{b1, b2}}).Marshal()
	b.Valid(grp, "valid", "two bundles, 50000 and 20000 fen, to the two keys asked, in order", "R6.1", nil, in(seal(aeadKey, valid)), nil)
	b.Valid(grp, "valid-fewer-bundles", "one bundle for two keys asked: the desk owed one bundle's worth", "R6.1", []string{"Boundary", "pc-mint-key"}, in(reply(request, b1)), nil)
	b.Invalid(grp, "other-request", "the reply to another request of the element", "R1.2", spec.CodeReplay, []string{"Replay", "pc-mint-request"}, in(reply([]byte("0123456789abcdef0123456789abcdef"), b1, b2)), nil)
	b.Invalid(grp, "keys-swapped", "the two bundles in the other order, each to the other key", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "pc-mint-key"}, in(reply(request, b2, b1)), nil)
	b.Invalid(grp, "key-not-asked", "a bundle to a key the element did not ask for", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "pc-mint-key"}, in(reply(request, b1, bundle(spki(x.key("mint/stranger")), 20000))), nil)
	b.Invalid(grp, "more-bundles-than-keys", "three bundles for two keys asked", "R1.5", spec.CodeWrongRecipient, []string{"DuplicateObject", "pc-mint-key"}, in(reply(request, b1, b2, b2)), nil)
	odd := &Bundle{Key: keys[1], Coins: []int64{30000}}
	odd.Sig = g.Sign(x.desk, odd.TBS())
	b.Invalid(grp, "coin-not-in-table", "the second bundle, to the second key, holds one coin of 30000 fen, not a table denomination", "R1.1", spec.CodeBadDenomination, []string{"ModifiedField", "pc-mint-table"}, in(reply(request, b1, odd.Marshal())), nil)
	b.Invalid(grp, "order-request-before-key", "the reply to another request, its bundles in the other order: the request is checked first", "R1.2", spec.CodeReplay, []string{"CheckOrder", "pc-mint-request"}, in(reply([]byte("0123456789abcdef0123456789abcdef"), b2, b1)), nil)
	b.Invalid(grp, "order-key-before-table", "the first bundle to the second key, holding a coin of 30000 fen: the keys are checked first", "R1.5", spec.CodeWrongRecipient, []string{"CheckOrder", "pc-mint-key"}, in(reply(request, odd.Marshal(), b1)), nil)
	sealed := seal(aeadKey, valid)
	sealed[len(sealed)-1] ^= 0x01
	b.Invalid(grp, "tag-bit-flipped", "one bit of the AEAD tag flipped", "R1.1", spec.CodeBadSeal, []string{"TamperedSeal", "pc-mint-seal"}, in(sealed), nil)
	b.Invalid(grp, "sealed-under-other-key", "the reply sealed under another AEAD key", "R1.1", spec.CodeBadSeal, []string{"TamperedSeal", "pc-mint-seal"}, in(seal(g.Src("pseudocoin/mint/aead-other").Bytes(suite.AEADKeySize), valid)), nil)
	b.Invalid(grp, "truncated-1", "the MintReply's last byte removed, then sealed", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"}, in(seal(aeadKey, valid[:len(valid)-1])), nil)
	if v2 := versionTwo(valid); v2 != nil {
		b.Invalid(grp, "version-2", "the MintReply's version is 2", "R1.1", spec.CodeUnknownVersion, []string{"UnknownVersion", "version-unknown"}, in(seal(aeadKey, v2)), nil)
	}
	return b
}
