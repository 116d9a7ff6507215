package chain

import (
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// chainSealInfo is the context models/chain binds into a sealed transfer.
const chainSealInfo = "dualoffline/chain/transfer/v1"

// qrKind is the qr file (one scanned payment), decided with the model's
// payee endpoint (refQR).
var qrKind = vgen.Kind{Gen: vgen.Then(genQR, qrTimeAhead), Decide: map[string]vgen.Decider{"qr": vgen.Decode(refQR)}}

func genQR(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "qr")
	p := g.NewPKI("pki", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}, {ID: "wallet-bob", Role: devcert.RoleWallet}, {ID: "agent-icbc", Role: devcert.RoleAgent}})
	chainKey := g.Key("chain")
	rogue := g.NewPKI("rogue", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}})
	if g.Err != nil {
		return b
	}
	root := p.Root.Cert
	grp := b.Group("PaymentReceive", "")
	payer := p.Certs["wallet-alice"]
	bob := AddressOf(g.S, p.Certs["wallet-bob"].PublicKey)
	var nonce [NonceSize]byte
	copy(nonce[:], g.Src("qr/nonce").Bytes(NonceSize))
	const amount = 3000
	at := vgen.GenAt

	mk := func(label string, key suite.PrivateKey, cert *devcert.Certificate, mod func(*PaymentTBS)) *Payment {
		tr := &Transfer{Version: Version1, Escrow: cert.Serial, Payee: bob}
		copy(tr.Salt[:], g.Src("qr/salt/"+label).Bytes(SaltSize))
		var op OutPoint
		copy(op.Tx[:], g.Src("qr/input/"+label).Bytes(IDSize))
		tr.Inputs = []OutPoint{op}
		plain := tr.Marshal()
		sealed, err := chainKey.Public().Seal(g.Src("qr/seal/"+label), plain, []byte(chainSealInfo))
		g.Fail(err)
		pt := PaymentTBS{Version: Version1, Payer: AddressOf(g.S, cert.PublicKey), Payee: bob, Amount: amount,
			Nonce: nonce, Time: at.Unix(), Cert: cert.Raw, Sealed: sealed}
		copy(pt.Commitment[:], g.S.Hash(plain))
		if mod != nil {
			mod(&pt)
		}
		pay := &Payment{PaymentTBS: pt}
		pay.Signature = g.Sign(key, pt.TBS())
		return pay
	}
	in := func(pay []byte, amt int64, n [NonceSize]byte, at time.Time) QRInput {
		return QRInput{Payment: vgen.H(pay), Root: vgen.H(root.Raw), Payee: vgen.H(bob[:]), Amount: amt, Nonce: vgen.H(n[:]), At: at.Unix()}
	}
	so := func(pub suite.PublicKey, pay *Payment) *vgen.Signature {
		return vgen.SigObj(g.S, pub, pay.TBS(), pay.Signature)
	}
	alice := p.Keys["wallet-alice"]
	valid := mk("valid", alice, payer, nil)
	if g.Err != nil {
		return b
	}
	b.Valid(grp, "valid", "a clean payment of 3000 fen", "R6.4", nil, in(valid.Marshal(), amount, nonce, at), so(payer.PublicKey, valid))
	b.Valid(grp, "valid-time-window-edge", "the payer's clock exactly 5 minutes behind the payee's", "R1.2", []string{"Boundary", "chain-time-window"}, in(valid.Marshal(), amount, nonce, at.Add(Window)), so(payer.PublicKey, valid))
	b.Invalid(grp, "stale-time", "the payer's clock 5 minutes and 1 second behind the payee's", "R1.2", spec.CodeReplay, []string{"Replay", "chain-time-window"}, in(valid.Marshal(), amount, nonce, at.Add(Window+time.Second)), so(payer.PublicKey, valid))
	other := nonce
	other[0] ^= 0xff
	b.Invalid(grp, "nonce-mismatch", "answers a nonce other than the open request's", "R1.2", spec.CodeReplay, []string{"Replay", "chain-nonce"}, in(valid.Marshal(), amount, other, at), so(payer.PublicKey, valid))
	b.Invalid(grp, "amount-mismatch", "pays 3000 fen where the till asked for 5000", "R5.4", spec.CodeValueMismatch, []string{"AmountMismatch", "chain-amount"}, in(valid.Marshal(), 5000, nonce, at), so(payer.PublicKey, valid))

	tAmt := *valid
	tAmt.Amount = 5000
	b.Invalid(grp, "amount-changed", "the amount changed from 3000 to 5000 fen after signing, the till asking for 5000", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chain-signature"}, in(tAmt.Marshal(), 5000, nonce, at), so(payer.PublicKey, &tAmt))
	tSeal := *valid
	tSeal.Sealed = append([]byte{}, valid.Sealed...)
	tSeal.Sealed[len(tSeal.Sealed)/2] ^= 0x01
	b.Invalid(grp, "sealed-transfer-bit-flipped", "one bit of the sealed transfer flipped after signing", "R1.1", spec.CodeBadSignature, []string{"ModifiedField", "chain-signature"}, in(tSeal.Marshal(), amount, nonce, at), so(payer.PublicKey, &tSeal))
	tSig := *valid
	tSig.Signature = vgen.FlipSig(valid.Signature)
	b.Invalid(grp, "signature-bit-flipped", "one bit of the payer's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "chain-signature"}, in(tSig.Marshal(), amount, nonce, at), so(payer.PublicKey, &tSig))
	wk := mk("valid", p.Keys["wallet-bob"], payer, nil)
	b.Invalid(grp, "signed-by-other-key", "carries alice's certificate and address but is signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "chain-signature"}, in(wk.Marshal(), amount, nonce, at), so(payer.PublicKey, wk))

	carolAddr := AddressOf(g.S, p.Certs["agent-icbc"].PublicKey)
	wrongPayee := mk("wrong-payee", alice, payer, func(t *PaymentTBS) { t.Payee = carolAddr })
	b.Invalid(grp, "wrong-payee", "a valid payment addressed to another wallet", "R1.5", spec.CodeWrongRecipient, []string{"WrongRecipient", "chain-payee"}, in(wrongPayee.Marshal(), amount, nonce, at), so(payer.PublicKey, wrongPayee))
	wrongPayer := mk("wrong-payer", alice, payer, func(t *PaymentTBS) { t.Payer = carolAddr })
	b.Invalid(grp, "payer-address-not-certificate", "signed by alice, but naming another address as payer", "R1.3", spec.CodeWrongRecipient, []string{"AddressMismatch", "chain-address"}, in(wrongPayer.Marshal(), amount, nonce, at), so(payer.PublicKey, wrongPayer))

	b.Invalid(grp, "certificate-expired", "the payer's certificate has expired at the payee's clock", "R1.4", spec.CodeCertExpired, []string{"Expired", "chain-cert"}, in(valid.Marshal(), amount, nonce, vgen.CertNotAfter.Add(time.Second)), nil)
	rc := rogue.Certs["wallet-alice"]
	rp := mk("rogue", rogue.Keys["wallet-alice"], rc, nil)
	b.Invalid(grp, "certificate-foreign-root", "signed by a wallet whose certificate a rogue root issued", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "chain-cert"}, in(rp.Marshal(), amount, nonce, at), g.CertSig(root, rc.Raw))
	agent := p.Certs["agent-icbc"]
	ap := mk("agent", p.Keys["agent-icbc"], agent, nil)
	b.Invalid(grp, "certificate-not-wallet", "paid from an agent bank's certificate", "R1.3", spec.CodeUntrustedIssuer, []string{"WrongRole", "chain-cert"}, in(ap.Marshal(), amount, nonce, at), so(agent.PublicKey, ap))

	big := mk("oversize", alice, payer, func(t *PaymentTBS) { t.Sealed = g.Src("qr/oversize").Bytes(MaxSealedDER) })
	if n := len(big.Marshal()); n <= MaxPaymentDER {
		g.Fail(spec.Errorf(spec.CodeInternal, "oversize payment is only %d bytes", n))
	}
	b.Invalid(grp, "over-997-bytes", "a payment larger than a version 25-M QR code holds", "R1.1", spec.CodeMalformed, []string{"OverSize", "chain-qr-size", "der-size-cap"}, in(big.Marshal(), amount, nonce, at), so(payer.PublicKey, big))

	raw := valid.Marshal()
	b.Invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated", "der-strict"}, in(raw[:len(raw)-1], amount, nonce, at), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "der-strict", "der-trailing"}, in(append(append([]byte{}, raw...), 0), amount, nonce, at), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty", "der-strict"}, in(nil, amount, nonce, at), nil)

	// The payment as published (chain-literal, version 2): address,
	// amount, nonce and time sealed with the inputs, which this payee
	// could not check; chain's payee refuses it.
	ltr := &Transfer{Version: Version2, Escrow: payer.Serial, Payee: bob, Payer: AddressOf(g.S, payer.PublicKey), Amount: amount, Nonce: nonce, Time: at.Unix()}
	copy(ltr.Salt[:], g.Src("qr/salt/literal").Bytes(SaltSize))
	var lop OutPoint
	copy(lop.Tx[:], g.Src("qr/input/literal").Bytes(IDSize))
	ltr.Inputs = []OutPoint{lop}
	lplain := ltr.Marshal()
	lsealed, err := chainKey.Public().Seal(g.Src("qr/seal/literal"), lplain, []byte(chainSealInfo))
	g.Fail(err)
	lit := &Payment{PaymentTBS: PaymentTBS{Version: Version2, Cert: payer.Raw, Sealed: lsealed}}
	copy(lit.Commitment[:], g.S.Hash(lplain))
	lit.Signature = g.Sign(alice, lit.TBS())
	lit.Lock = LockOf(g.S, lit.TBS(), lit.Signature)
	b.Invalid(grp, "literal-payment", "a chain-literal payment (version 2): address, amount, nonce and time sealed to the chain key, which this payee cannot check", "R1.2", spec.CodeUnknownVersion, []string{"UnknownVersion", "chain-version"}, in(lit.Marshal(), amount, nonce, at), so(payer.PublicKey, lit))

	// Two faults in one payment, adjacent in the order of
	// formats-schemes.md ("What the payee checks"): the expected code is
	// the first check's, which the case names; without it the reference
	// gives the second's.
	order := func(check string) []string { return []string{"CheckOrder", check} }
	expired := vgen.CertNotAfter.Add(time.Second)
	b.Invalid(grp, "order-certificate-before-payee", "a payment addressed to another wallet, the payer's certificate expired at the payee's clock: the certificate is checked first", "R1.4", spec.CodeCertExpired, order("chain-cert"), in(wrongPayee.Marshal(), amount, nonce, expired), so(payer.PublicKey, wrongPayee))
	b.Invalid(grp, "order-certificate-before-version", "a chain-literal payment (version 2), the payer's certificate expired at the payee's clock: the certificate is checked first", "R1.4", spec.CodeCertExpired, order("chain-cert"), in(lit.Marshal(), amount, nonce, expired), so(payer.PublicKey, lit))
	b.Invalid(grp, "order-address-before-amount", "naming another address as payer, the till asking 5000 fen: the address is checked first", "R1.3", spec.CodeWrongRecipient, order("chain-address"), in(wrongPayer.Marshal(), 5000, nonce, at), so(payer.PublicKey, wrongPayer))
	b.Invalid(grp, "order-payee-before-amount", "addressed to another wallet, the till asking 5000 fen: the payee is checked first", "R1.5", spec.CodeWrongRecipient, order("chain-payee"), in(wrongPayee.Marshal(), 5000, nonce, at), so(payer.PublicKey, wrongPayee))
	b.Invalid(grp, "order-amount-before-nonce", "3000 fen where the till asked for 5000, under another nonce: the amount is checked first", "R5.4", spec.CodeValueMismatch, order("chain-amount"), in(valid.Marshal(), 5000, other, at), so(payer.PublicKey, valid))
	b.Invalid(grp, "order-nonce-before-signature", "another nonce, the signature bit-flipped: the nonce is checked first", "R1.2", spec.CodeReplay, order("chain-nonce"), in(tSig.Marshal(), amount, other, at), so(payer.PublicKey, &tSig))
	b.Invalid(grp, "order-time-before-signature", "the payer's clock 5 minutes and 1 second behind, the signature bit-flipped: the time window is checked first", "R1.2", spec.CodeReplay, order("chain-time-window"), in(tSig.Marshal(), amount, nonce, at.Add(Window+time.Second)), so(payer.PublicKey, &tSig))
	return b
}
