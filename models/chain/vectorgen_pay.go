package chain

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// The payer wallet's answer to an agreement keyed in (group AgreementPay
// of kind "agree"): a wallet given its key, certificate, coins on the
// chain and offline limits either pays, and its answer is the payment it
// shows as a QR code (judged by the payee's checks, as a chip card's
// TRANSFER is), or refuses with a code. The AgreementKeyedIn group keeps
// the checks of the 40 bytes alone.

// AgreePayCoin is a coin on the chain the wallet may spend: the outpoint
// (32-byte transaction id ‖ 2-byte big-endian output index) and its value.
type AgreePayCoin struct {
	Point string `json:"point"`
	Value int64  `json:"value"`
}

// AgreePayLimits are a wallet's offline limits (spec/requirements.md R6.6).
type AgreePayLimits struct {
	PerPayment int64 `json:"perPayment"`
	Cumulative int64 `json:"cumulative"`
	Count      int   `json:"count"`
}

// AgreePayInput is the input of the AgreementPay group of kind "agree":
// would the payer wallet Wallet (the id of WalletCertificate), provisioned
// with WalletKey, WalletCertificate, Root, CRL and the chain's ChainKey,
// holding exactly the coins Coins, with the offline limits Limits of which
// Spent fen and Payments payments are used, its clock at At, pay the
// agreement keyed in: answer the payment (valid) or refuse (the code)?
type AgreePayInput struct {
	Agreement         string         `json:"agreement"`
	Root              string         `json:"root"`
	CRL               string         `json:"crl"`
	ChainKey          string         `json:"chainKey"`
	Wallet            string         `json:"wallet"`
	WalletKey         string         `json:"walletKey"`
	WalletCertificate string         `json:"walletCertificate"`
	Coins             []AgreePayCoin `json:"coins"`
	Limits            AgreePayLimits `json:"limits"`
	Spent             int64          `json:"spent"`
	Payments          int            `json:"payments"`
	At                int64          `json:"at"`
}

// payWallet provisions the wallet of in (a Host, as a served device is)
// and keys the agreement in: its payment when it pays, else its refusal.
func payWallet(s suite.Suite, in AgreePayInput) (qr []byte, verdict, inputErr error) {
	var u vgen.Unhexer
	agree, root, crl, chainKey := u.B("agreement", in.Agreement), u.B("root", in.Root), u.B("crl", in.CRL), u.B("chainKey", in.ChainKey)
	wallet, key, cert := string(u.B("wallet", in.Wallet)), u.B("walletKey", in.WalletKey), u.B("walletCertificate", in.WalletCertificate)
	if in.Spent < 0 || in.Payments < 0 {
		return nil, nil, fmt.Errorf("spent %d, payments %d: neither may be negative", in.Spent, in.Payments)
	}
	var coins []walletCoin
	seen := map[string]bool{}
	for i, c := range in.Coins {
		pb := u.B(fmt.Sprintf("coins[%d].point", i), c.Point)
		if u.Err == nil && (len(pb) != IDSize+2 || c.Value < 1 || c.Value > coin.MaxChangeAmount) {
			return nil, nil, fmt.Errorf("coins[%d]: a point of %d bytes, value %d (want 1..%d)", i, len(pb), c.Value, int64(coin.MaxChangeAmount))
		}
		if u.Err == nil && seen[string(pb)] {
			return nil, nil, fmt.Errorf("coins[%d]: point %x listed twice", i, pb)
		}
		seen[string(pb)] = true
		coins = append(coins, walletCoin{Point: pb, Value: c.Value, Final: true})
	}
	if u.Err != nil {
		return nil, nil, u.Err
	}
	c, err := devcert.Parse(s, cert)
	if err != nil {
		return nil, nil, fmt.Errorf("walletCertificate: %v", err)
	}
	if c.ID != wallet {
		return nil, nil, fmt.Errorf("wallet %q is not the id of walletCertificate (%q)", wallet, c.ID)
	}
	k, err := suite.PrivateKeyFromBytes(s, key)
	if err != nil {
		return nil, nil, fmt.Errorf("walletKey: %v", err)
	}
	if !k.Public().Equal(c.PublicKey) {
		return nil, nil, errors.New("walletKey is not the private key of walletCertificate")
	}
	h, err := NewHost(map[string][]byte{keyPriv: key, device.StoreSuite: []byte(s.ID()), device.StoreSeed: []byte("chain/agree-pay/" + wallet)}, "")
	if err != nil {
		return nil, nil, err
	}
	limits := bank.Limits{PerPayment: in.Limits.PerPayment, Cumulative: in.Limits.Cumulative, Count: in.Limits.Count}
	if _, err := h.Handle(OpProvision, mustJSON(Provisioning{ID: wallet, Certificate: cert, Root: root, ChainKey: chainKey, CRL: crl,
		Limits: device.LimitsOf(limits), Sync: in.At, Confirmations: DefaultConfirmations})); err != nil {
		return nil, nil, err
	}
	wl := h.wl
	wl.st.Spent, wl.st.Payments = in.Spent, in.Payments
	puts := map[string][]byte{keyState: mustJSON(wl.st)}
	for i := range coins {
		k := pointKey(coins[i].op())
		puts[k] = mustJSON(coins[i])
		wl.coins[k] = &coins[i]
	}
	wl.dev.Commit(puts, nil)
	res, err := h.Handle(OpPayer, mustJSON(device.DeliverAtParams{Message: device.Message{From: "till", Type: MsgAgree, Payload: agree}, Now: in.At}))
	if err != nil {
		return nil, nil, err
	}
	r, ok := res.(device.DeliverResult)
	if !ok {
		return nil, nil, fmt.Errorf("the wallet answered %T", res)
	}
	if r.Refused != nil {
		return nil, spec.Errorf(spec.Code(r.Refused.Code), "%s", r.Refused.Message), nil
	}
	if len(r.Messages) != 1 {
		return nil, nil, fmt.Errorf("the wallet answered the agreement with %d messages", len(r.Messages))
	}
	return r.Messages[0].Payload, nil, nil
}

// refAgreePay decides an AgreementPay case with the model's own wallet.
var refAgreePay = vgen.Verdict(payWallet)

// agreePaySender is the AgreementPay shape's answer: the Payment DER the
// wallet shows, which the harness checks as the agreement's payee would.
var agreePaySender = vgen.SenderOf(payWallet, func(s suite.Suite, in AgreePayInput, out []byte) error {
	var u vgen.Unhexer
	agree, cert := u.Sized("agreement", in.Agreement, AgreeSize), u.B("walletCertificate", in.WalletCertificate)
	if u.Err != nil {
		return u.Err
	}
	qin := QRInput{Payment: vgen.H(out), Root: in.Root, Payee: vgen.H(agree[8 : 8+AddrSize]),
		Amount: int64(binary.BigEndian.Uint64(agree)), Nonce: vgen.H(agree[8+AddrSize : 8+AddrSize+NonceSize]), At: in.At}
	if verdict, err := refQR(s, qin); err != nil || verdict != nil {
		return fmt.Errorf("the payee refuses the payment: %v", errors.Join(verdict, err))
	}
	p, err := ParsePayment(out)
	if err != nil {
		return err
	}
	if string(p.Cert) != string(cert) {
		return fmt.Errorf("the payment carries a certificate other than the wallet's")
	}
	return checkSealed(s, in, p)
})

// checkSealed opens the sealed transfer of p, the payment a wallet
// answered in with, with the chain's private key (the vectors' key
// "chain", whose public half in.ChainKey is) and judges what the payee
// cannot see: the commitment is the hash of the Transfer DER, the sealed
// payee is the clear one, the escrow is the serial of the wallet's
// certificate, and the inputs are distinct coins of in.Coins, at most
// MaxInputs, the largest first (no coin left out worth more than one
// spent), covering the amount.
func checkSealed(s suite.Suite, in AgreePayInput, p *Payment) error {
	g := &vgen.Gen{S: s, ID: string(s.ID())}
	chain := g.Key("chain")
	if g.Err != nil {
		return g.Err
	}
	if vgen.H(chain.Public().SPKI()) != in.ChainKey {
		return errors.New("input.chainKey is not the vectors' chain key, so the sealed transfer cannot be opened")
	}
	plain, err := chain.Open(p.Sealed, sealInfo)
	if err != nil {
		return fmt.Errorf("the sealed transfer does not open under the chain key: %v", err)
	}
	var h [IDSize]byte
	copy(h[:], s.Hash(plain))
	if h != p.Commitment {
		return errors.New("the commitment is not the hash of the sealed transfer")
	}
	tr, err := ParseTransfer(plain)
	if err != nil {
		return fmt.Errorf("the sealed transfer: %v", err)
	}
	if tr.Version != p.Version {
		return fmt.Errorf("the sealed transfer is of version %d, the payment of %d", tr.Version, p.Version)
	}
	if tr.Payee != p.Payee {
		return errors.New("the sealed payee is not the clear payee")
	}
	c, err := devcert.Parse(s, p.Cert)
	if err != nil {
		return err
	}
	if tr.Escrow != c.Serial {
		return fmt.Errorf("the escrow is %d, not the serial %d of the wallet's certificate", tr.Escrow, c.Serial)
	}
	value := map[OutPoint]int64{}
	for _, coin := range in.Coins {
		b, err := hex.DecodeString(coin.Point)
		if err != nil || len(b) != OutPointSize {
			return fmt.Errorf("input coin point %q", coin.Point)
		}
		value[outPointFrom(b)] = coin.Value
	}
	var sum, least int64
	spent := map[OutPoint]bool{}
	for i, op := range tr.Inputs {
		v, ok := value[op]
		if !ok {
			return fmt.Errorf("input %d (%s) is not a coin of the wallet", i, op)
		}
		if i > 0 && v > least {
			return fmt.Errorf("input %d (%s, %d fen) is larger than the one before it: not the largest first", i, op, v)
		}
		spent[op], least, sum = true, v, sum+v
	}
	for op, v := range value {
		if !spent[op] && v > least {
			return fmt.Errorf("coin %s of %d fen is left out for a smaller one of %d: not the largest first", op, v, least)
		}
	}
	if sum < p.Amount {
		return fmt.Errorf("the inputs sum to %d fen, less than the amount %d", sum, p.Amount)
	}
	return nil
}

func genAgreePay(g *vgen.Gen, b *vgen.Builder) {
	p, crl, _ := g.SessionPKI()
	chainKey := g.Key("chain")
	if g.Err != nil {
		return
	}
	const wallet, payee = vgen.CertPayer, vgen.CertPayee
	alice, bob := p.Certs[wallet], p.Certs[payee]
	bobAddr := AddressOf(g.S, bob.PublicKey)
	var nonce [NonceSize]byte
	copy(nonce[:], g.Src("agreepay/nonce").Bytes(NonceSize))
	coinsOf := func(label string, values ...int64) []AgreePayCoin {
		var out []AgreePayCoin
		for i, v := range values {
			pt := g.Src(fmt.Sprintf("agreepay/coin/%s/%d", label, i)).Bytes(IDSize)
			out = append(out, AgreePayCoin{Point: vgen.H(append(pt, 0, byte(i))), Value: v})
		}
		return out
	}
	in := func(amount uint64, coins []AgreePayCoin) AgreePayInput {
		return AgreePayInput{Agreement: vgen.H(docAgree(g.S, amount, bobAddr, nonce)), Root: vgen.H(p.Root.Cert.Raw), CRL: vgen.H(crl), ChainKey: vgen.H(chainKey.Public().SPKI()),
			Wallet: vgen.H([]byte(wallet)), WalletKey: vgen.H(p.Keys[wallet].Bytes()), WalletCertificate: vgen.H(alice.Raw), Coins: coins,
			Limits: AgreePayLimits{PerPayment: bank.DefaultLimits.PerPayment, Cumulative: bank.DefaultLimits.Cumulative, Count: bank.DefaultLimits.Count},
			At:     vgen.GenAt.Unix()}
	}
	one, five := coinsOf("one", 5000), coinsOf("five", 1000, 1000, 1000, 1000, 1000)
	grp := b.Group("AgreementPay", "")
	b.Valid(grp, "pay-valid", "alice holds a coin of 5000 fen and pays bob's agreement of 3000: the payment, with 2000 of change", "R6.4", nil, in(3000, one), nil)
	b.Valid(grp, "pay-four-coins", "alice holds five coins of 1000 fen and pays 4000: four inputs, as many as a transfer carries", "R6.4", []string{"Boundary", "chain-payer-funds"}, in(4000, five), nil)
	mixed := coinsOf("mixed", 100, 100, 100, 100, 1500, 2000)
	b.Valid(grp, "pay-largest-first", "alice holds four coins of 100 fen, then one of 1500 and one of 2000, and pays 3000: the two largest, 2000 then 1500 (the four first or smallest hold 400)", "R6.4", []string{"Boundary", "chain-payer-funds"}, in(3000, mixed), nil)
	b.Invalid(grp, "pay-five-coins", "5000 fen from five coins of 1000: the four largest do not cover it", "R6.4", spec.CodeInsufficient, []string{"InsufficientFunds", "chain-payer-funds"}, in(5000, five), nil)
	b.Invalid(grp, "pay-over-holdings", "5001 fen from one coin of 5000", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "chain-payer-funds"}, in(5001, one), nil)
	limited := func(f func(*AgreePayInput)) AgreePayInput {
		i := in(3000, one)
		f(&i)
		return i
	}
	b.Valid(grp, "pay-at-per-payment-limit", "3000 fen under a per-payment limit of 3000", "R6.6", []string{"Boundary", "chain-payer-limits"}, limited(func(i *AgreePayInput) { i.Limits.PerPayment = 3000 }), nil)
	b.Invalid(grp, "pay-over-per-payment-limit", "3000 fen over a per-payment limit of 2999", "R6.6", spec.CodeLimitExceeded, []string{"LimitExceeded", "chain-payer-limits"}, limited(func(i *AgreePayInput) { i.Limits.PerPayment = 2999 }), nil)
	b.Valid(grp, "pay-at-cumulative-limit", "3000 fen after 47000 spent offline, under a cumulative limit of 50000", "R6.6", []string{"Boundary", "chain-payer-limits"}, limited(func(i *AgreePayInput) { i.Limits.Cumulative, i.Spent = 50000, 47000 }), nil)
	b.Invalid(grp, "pay-over-cumulative-limit", "3000 fen after 47001 spent offline, over a cumulative limit of 50000", "R6.6", spec.CodeLimitExceeded, []string{"LimitExceeded", "chain-payer-limits"}, limited(func(i *AgreePayInput) { i.Limits.Cumulative, i.Spent = 50000, 47001 }), nil)
	b.Valid(grp, "pay-at-count-limit", "a tenth payment under a limit of 10", "R6.6", []string{"Boundary", "chain-payer-limits"}, limited(func(i *AgreePayInput) { i.Limits.Count, i.Payments = 10, 9 }), nil)
	b.Invalid(grp, "pay-over-count-limit", "an eleventh payment over a limit of 10", "R6.6", spec.CodeLimitExceeded, []string{"LimitExceeded", "chain-payer-limits"}, limited(func(i *AgreePayInput) { i.Payments = 10 }), nil)
	revoked, err := p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), alice.Serial)
	if err != nil {
		g.Fail(err)
		return
	}
	b.Invalid(grp, "pay-certificate-revoked", "alice's own certificate is on her revocation list", "R1.4", spec.CodeCertRevoked, []string{"Revoked", "chain-payer-cert"}, limited(func(i *AgreePayInput) { i.CRL = vgen.H(revoked.Raw) }), nil)
	b.Invalid(grp, "pay-certificate-expired", "alice's own certificate has expired at her clock", "R1.4", spec.CodeCertExpired, []string{"Expired", "chain-payer-cert"}, limited(func(i *AgreePayInput) { i.At = vgen.CertNotAfter.Unix() + 1 }), nil)
	b.Invalid(grp, "pay-order-certificate-before-limits", "alice's certificate expired at her clock, 3000 fen over a per-payment limit of 2999: the certificate is checked first", "R1.4", spec.CodeCertExpired, []string{"CheckOrder", "chain-payer-cert"},
		limited(func(i *AgreePayInput) { i.At = vgen.CertNotAfter.Unix() + 1; i.Limits.PerPayment = 2999 }), nil)
	b.Invalid(grp, "pay-order-agreement-before-certificate", "an agreement naming alice herself as payee, her certificate expired at her clock: the agreement's checks come first", "R1.5", spec.CodeWrongRecipient, []string{"CheckOrder", "chain-agree-self"},
		limited(func(i *AgreePayInput) {
			i.At = vgen.CertNotAfter.Unix() + 1
			i.Agreement = vgen.H(docAgree(g.S, 3000, AddressOf(g.S, alice.PublicKey), nonce))
		}), nil)
	b.Invalid(grp, "pay-order-limits-before-funds", "5001 fen from one coin of 5000, over a per-payment limit of 5000: the limits are checked first", "R6.6", spec.CodeLimitExceeded, []string{"CheckOrder", "chain-payer-limits"},
		func() AgreePayInput { i := in(5001, one); i.Limits.PerPayment = 5000; return i }(), nil)
}
