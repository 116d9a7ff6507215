package chain

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// The payer's side of the chain scheme: the agreement the till shows and
// the payer keys into its wallet (AGREE), which no payee-side case
// reaches. The kind "agree" asks whether the payer's wallet goes on to
// pay an agreement (valid) or refuses it with a code.

// checkAgreement is what the payer's wallet checks of an agreement keyed
// in, in order: 40 bytes, the check code, an amount in 1..100 000 000 fen
// (malformed, chain-agree); then a nonce it already paid (replay,
// chain-agree-paid), its own address own as payee (wrong-recipient,
// chain-agree-self) and a blacklisted payee (cert-revoked,
// chain-agree-blacklist).
func checkAgreement(s suite.Suite, b []byte, own Address, paid func([NonceSize]byte) bool, blacklisted func(Address) bool) (amount int64, payee Address, nonce [NonceSize]byte, err error) {
	checks := spec.Makes("chain-agree")
	if len(b) < AgreeSize || len(b) != AgreeSize && checks {
		return 0, payee, nonce, spec.Errorf(spec.CodeMalformed, "agreement of %d bytes, want %d", len(b), AgreeSize)
	}
	b = b[:AgreeSize]
	if !bytes.Equal(agreeCheck(s, b[:AgreeSize-4]), b[AgreeSize-4:]) && checks {
		return 0, payee, nonce, spec.Errorf(spec.CodeMalformed, "agreement check code does not match")
	}
	a := binary.BigEndian.Uint64(b)
	if (a == 0 || a > coin.MaxChangeAmount) && checks {
		return 0, payee, nonce, spec.Errorf(spec.CodeMalformed, "amount %d fen", a)
	}
	copy(payee[:], b[8:8+AddrSize])
	copy(nonce[:], b[8+AddrSize:])
	switch {
	case paid(nonce) && spec.Makes("chain-agree-paid"):
		return 0, payee, nonce, spec.Errorf(spec.CodeReplay, "this wallet already paid agreement %x", nonce)
	case payee == own && spec.Makes("chain-agree-self"):
		return 0, payee, nonce, spec.Errorf(spec.CodeWrongRecipient, "the payee is this wallet")
	case blacklisted(payee) && spec.Makes("chain-agree-blacklist"):
		return 0, payee, nonce, spec.Errorf(spec.CodeCertRevoked, "payee %s is on the blacklist", payee)
	}
	return int64(a), payee, nonce, nil
}

// AgreeInput is the input of kind "agree" (chain scheme): would the
// payer's wallet with address Payer, which already paid the agreements
// whose nonces are Paid and holds the blacklist Blacklist, go on to pay
// the agreement keyed in, before the checks that depend on its
// certificate, limits and coins?
type AgreeInput struct {
	Agreement string   `json:"agreement"` // the 40 bytes keyed in
	Payer     string   `json:"payer"`     // the deciding wallet's 20-byte address
	Paid      []string `json:"paid"`      // 8-byte nonces of agreements it already paid
	Blacklist []string `json:"blacklist"` // 20-byte payee addresses it refuses to pay
}

// docAgree is an agreement as spec/formats-schemes.md ("AGREE") writes
// it, built from the document, not with the model's own encoder.
func docAgree(s suite.Suite, amount uint64, payee Address, nonce [NonceSize]byte) []byte {
	b := binary.BigEndian.AppendUint64(nil, amount)
	b = append(b, payee[:]...)
	b = append(b, nonce[:]...)
	return append(b, s.Hash([]byte("dualoffline/chain/agree/v1\x00"), b)[:4]...)
}

// agreeKind is the agree file: an agreement keyed in, decided with the
// payer wallet's checks (refAgree), and its AgreementPay group, decided
// by the wallet provisioned with coins, whose valid answer is the
// payment it sends (refAgreePay, agreePaySender).
var agreeKind = vgen.Kind{
	Gen:     vgen.Then(genAgree, genAgreePay),
	Decide:  map[string]vgen.Decider{"agree": vgen.Decode(refAgree), "agree/AgreementPay": vgen.Decode(refAgreePay)},
	Senders: map[string]vgen.Sender{"agree/AgreementPay": agreePaySender},
}

func genAgree(g *vgen.Gen) *vgen.Builder {
	b := g.Builder(Name, "agree")
	p := g.NewPKI("agree", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}, {ID: "wallet-bob", Role: devcert.RoleWallet}, {ID: "wallet-carol", Role: devcert.RoleWallet}})
	if g.Err != nil {
		return b
	}
	alice := AddressOf(g.S, p.Certs["wallet-alice"].PublicKey)
	bob := AddressOf(g.S, p.Certs["wallet-bob"].PublicKey)
	carol := AddressOf(g.S, p.Certs["wallet-carol"].PublicKey)
	var nonce, old [NonceSize]byte
	copy(nonce[:], g.Src("agree/nonce").Bytes(NonceSize))
	copy(old[:], g.Src("agree/paid").Bytes(NonceSize))
	in := func(agree []byte) AgreeInput {
		return AgreeInput{Agreement: vgen.H(agree), Payer: vgen.H(alice[:]), Paid: []string{vgen.H(old[:])}, Blacklist: []string{vgen.H(carol[:])}}
	}
	grp := b.Group("AgreementKeyedIn", "")
	valid := docAgree(g.S, 3000, bob, nonce)
	b.Valid(grp, "valid", "3000 fen to bob under a fresh nonce", "R6.4", nil, in(valid), nil)
	b.Valid(grp, "amount-max", "100000000 fen, the largest amount", "R6.4", []string{"Boundary", "chain-agree"}, in(docAgree(g.S, coin.MaxChangeAmount, bob, nonce)), nil)
	b.Valid(grp, "amount-min", "1 fen, the smallest amount", "R6.4", []string{"Boundary", "chain-agree"}, in(docAgree(g.S, 1, bob, nonce)), nil)
	b.Invalid(grp, "amount-over-max", "100000001 fen, with its check code", "R5.4", spec.CodeMalformed, []string{"AmountMismatch", "chain-agree"}, in(docAgree(g.S, coin.MaxChangeAmount+1, bob, nonce)), nil)
	b.Invalid(grp, "amount-zero", "0 fen, with its check code", "R5.4", spec.CodeMalformed, []string{"AmountMismatch", "chain-agree"}, in(docAgree(g.S, 0, bob, nonce)), nil)
	flipped := bytes.Clone(valid)
	flipped[len(flipped)-1] ^= 0x01
	b.Invalid(grp, "check-code-bit-flipped", "one bit of the check code flipped", "R1.1", spec.CodeMalformed, []string{"ModifiedField", "chain-agree"}, in(flipped), nil)
	keyed := bytes.Clone(valid)
	keyed[7] = 0xcb // 3000 (0x0bb8) keyed in as 3019 (0x0bcb), the check code of 3000 kept
	b.Invalid(grp, "amount-mistyped", "the amount keyed in as 3019 fen, the check code of 3000 kept", "R5.4", spec.CodeMalformed, []string{"Redenominated", "chain-agree"}, in(keyed), nil)
	b.Invalid(grp, "trailing-byte", "a 41st byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData", "chain-agree"}, in(append(bytes.Clone(valid), 0)), nil)
	b.Invalid(grp, "truncated", "the last byte of the check code missing", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(valid[:AgreeSize-1]), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil), nil)
	b.Invalid(grp, "already-paid", "an agreement under a nonce this wallet already paid", "R2.1", spec.CodeReplay, []string{"Replay", "chain-agree-paid"}, in(docAgree(g.S, 3000, bob, old)), nil)
	b.Invalid(grp, "payee-is-payer", "an agreement naming the paying wallet itself as payee", "R1.5", spec.CodeWrongRecipient, []string{"SelfPayment", "chain-agree-self"}, in(docAgree(g.S, 3000, alice, nonce)), nil)
	b.Invalid(grp, "payee-blacklisted", "an agreement naming a payee on the wallet's blacklist", "R1.4", spec.CodeCertRevoked, []string{"Blacklisted", "chain-agree-blacklist"}, in(docAgree(g.S, 3000, carol, nonce)), nil)
	// Two faults in one agreement, adjacent in the stated order.
	b.Invalid(grp, "order-amount-before-paid", "0 fen, with its check code, under a nonce this wallet already paid: the amount is checked first", "R5.4", spec.CodeMalformed, []string{"CheckOrder", "chain-agree"}, in(docAgree(g.S, 0, bob, old)), nil)
	b.Invalid(grp, "order-paid-before-self", "the paying wallet itself as payee, under a nonce it already paid: the nonce is checked first", "R2.1", spec.CodeReplay, []string{"CheckOrder", "chain-agree-paid"}, in(docAgree(g.S, 3000, alice, old)), nil)
	selfBlack := in(docAgree(g.S, 3000, alice, nonce))
	selfBlack.Blacklist = append(selfBlack.Blacklist, vgen.H(alice[:]))
	b.Invalid(grp, "order-self-before-blacklist", "the paying wallet itself as payee, its address on its own blacklist: the payee is checked against the wallet first", "R1.5", spec.CodeWrongRecipient, []string{"CheckOrder", "chain-agree-self"}, selfBlack, nil)
	b.Invalid(grp, "order-paid-before-blacklist", "a blacklisted payee under a nonce this wallet already paid: the nonce is checked first", "R2.1", spec.CodeReplay, []string{"CheckOrder", "chain-agree-paid"}, in(docAgree(g.S, 3000, carol, old)), nil)
	return b
}

// refAgree decides an agreement with the checks the model's payer wallet
// makes when one is keyed in (checkAgreement).
func refAgree(s suite.Suite, in AgreeInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	agree, payer := u.B("agreement", in.Agreement), u.Sized("payer", in.Payer, AddrSize)
	paid := map[[NonceSize]byte]bool{}
	for i, n := range in.Paid {
		nb := u.Sized(fmt.Sprintf("paid[%d]", i), n, NonceSize)
		paid[[NonceSize]byte(append(nb, make([]byte, NonceSize)...)[:NonceSize])] = true
	}
	black := map[Address]bool{}
	for i, a := range in.Blacklist {
		ab := u.Sized(fmt.Sprintf("blacklist[%d]", i), a, AddrSize)
		black[Address(append(ab, make([]byte, AddrSize)...)[:AddrSize])] = true
	}
	if u.Err != nil {
		return nil, u.Err
	}
	_, _, _, err := checkAgreement(s, agree, Address(payer), func(n [NonceSize]byte) bool { return paid[n] }, func(a Address) bool { return black[a] })
	return err, nil
}
