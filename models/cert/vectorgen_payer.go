package cert

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// The payer wallet's own decisions on a PayeeHello, which no
// MessageReceive case reaches: a request it already paid
// (cert-payer-replay), its offline limits (cert-payer-limits) and what
// it holds (cert-payer-funds). The wallet's state is given in the input in
// the documents' formats (its key, certificate, coins, the requests it
// paid, its limits and their usage, the certificates of earlier holders
// it keeps); the verdict is the real wallet's
// answer, a provisioned model SIM handed the PayeeHello: it answers a
// PayerHello (valid) or refuses with a code. The PayerHello carries
// nothing of the coins (they travel in the TX, after PROCEED), so the
// verdict is the whole answer.

// HelloPayLimits are a wallet's offline limits (spec/requirements.md
// R6.6): the largest payment, the most fen spent and the most payments
// since the last online sync.
type HelloPayLimits struct {
	PerPayment int64 `json:"perPayment"`
	Cumulative int64 `json:"cumulative"`
	Count      int   `json:"count"`
}

// HelloPayInput is the input of the HelloPay group of kind "message":
// would the payer wallet Wallet (the id of WalletCertificate), provisioned
// with WalletKey (the private key of WalletCertificate), Root, CRL,
// IssuerPublicKey and the agents' Certificates, keeping the certificates
// of earlier holders HolderCertificates, holding exactly the coins
// Holdings, having paid the requests whose nonces are Paid, with the
// offline limits Limits of which Spent fen and Payments payments are used,
// its clock at At, answer the PayeeHello Message with a PayerHello?
type HelloPayInput struct {
	Message string `json:"message"`
	kit.PayerTrust
	Wallet            string         `json:"wallet"`
	WalletKey         string         `json:"walletKey"`
	WalletCertificate string         `json:"walletCertificate"`
	Holdings          []string       `json:"holdings"` // Holding DER ([APPLICATION 6]) each, held by Wallet
	Paid              []string       `json:"paid"`     // 16-byte nonces of requests it already paid
	Limits            HelloPayLimits `json:"limits"`
	Spent             int64          `json:"spent"`
	Payments          int            `json:"payments"`
	At                int64          `json:"at"`
}

// helloCoin is a coin of value fen issued to the agent, with the lineage
// hops (agent first) ending at the last holder: the Holding that holder
// keeps. Each hop pays the whole coin on.
func helloCoin(g *vgen.Gen, p *vgen.PKI, issuer suite.PrivateKey, label string, value int64, hops []string) *transfer.Holding {
	return g.Lineage(p, issuer, label, value, hops, func(v int64) int64 { return v })
}

func genHelloPay(g *vgen.Gen, b *vgen.Builder) {
	p, crl, issuer := g.SessionPKI()
	if g.Err != nil {
		return
	}
	const wallet, payee, third = vgen.CertPayer, vgen.CertPayee, vgen.CertThird
	alice, bob := p.Certs[wallet], p.Certs[payee]
	var nine []string
	for i := range 9 {
		h := helloCoin(g, p, issuer, fmt.Sprintf("hellopay/coin-%d", i), 1000, []string{vgen.AgentID, wallet})
		if g.Err != nil {
			return
		}
		nine = append(nine, vgen.H(h.Marshal()))
	}
	// Eight coins of 100 fen, then one of 5000: the largest first pays
	// 3000 with one coin, the first eight or the smallest eight hold 800.
	var mixed []string
	for i := range 9 {
		v := int64(100)
		if i == 8 {
			v = 5000
		}
		h := helloCoin(g, p, issuer, fmt.Sprintf("hellopay/mixed-%d", i), v, []string{vgen.AgentID, wallet})
		if g.Err != nil {
			return
		}
		mixed = append(mixed, vgen.H(h.Marshal()))
	}
	// A coin of 5000 fen at the hop limit: 8 records, the last to alice.
	full := helloCoin(g, p, issuer, "hellopay/full", 5000, []string{vgen.AgentID, third, wallet, third, wallet, third, wallet, third, wallet})
	if g.Err != nil {
		return
	}
	carolCert := []string{vgen.H(p.Certs[third].Raw)}
	// A coin of 5000 fen that carol paid on to alice: spendable only while
	// alice keeps a certificate of carol's she accepts.
	viaCarol := []string{vgen.H(helloCoin(g, p, issuer, "hellopay/via-carol", 5000, []string{vgen.AgentID, third, wallet}).Marshal())}
	carolRevoked, err := p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), p.Certs[third].Serial)
	g.Fail(err)
	// Certificates of carol's key that a wallet must not accept at its
	// clock vgen.GenAt: expired a second before it, valid only from a
	// second after it, and issued by a rogue root with the trusted root's
	// name (not revoked, so only a check beyond the list refuses them).
	agentRevoked, err := p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), p.Certs[vgen.AgentID].Serial)
	g.Fail(err)
	carolKey := p.Keys[third].Public()
	carolExpired := g.Issue(p.Root, third, devcert.RoleWallet, 200, carolKey, vgen.CertNotBefore, vgen.GenAt.Add(-time.Second))
	carolNotYet := g.Issue(p.Root, third, devcert.RoleWallet, 201, carolKey, vgen.GenAt.Add(time.Second), vgen.CertNotAfter)
	rogueRoot, err := devcert.NewRoot(g.S, g.Key("hellopay/rogue-root"), vgen.RootID, 1, vgen.GenEpoch, vgen.GenEpoch.AddDate(10, 0, 0))
	g.Fail(err)
	carolForeign := g.Issue(rogueRoot, third, devcert.RoleWallet, p.Certs[third].Serial, carolKey, vgen.CertNotBefore, vgen.CertNotAfter)
	if g.Err != nil {
		return
	}
	var m3 *Message
	hello := func(label string, amount int64) ([]byte, *vgen.Signature, []byte) {
		nonce := g.Src("hellopay/nonce/" + label).Bytes(NonceSize)
		raw, m := signMsg(g, p.Keys[payee], Message{Tag: TagPayeeHello, Nonce: nonce, Amount: amount, Payee: payee, Key: bob.PublicKey.SPKI(), Cert: bob.Raw})
		m3 = m
		return raw, vgen.SigObj(g.S, bob.PublicKey, m.TBS(), m.Sig), nonce
	}
	in := func(raw []byte, hs []string) HelloPayInput {
		trust := kit.PayerTrust{Root: vgen.H(p.Root.Cert.Raw), CRL: vgen.H(crl), IssuerPublicKey: vgen.H(issuer.Public().SPKI()),
			Certificates: []string{vgen.H(p.Certs[vgen.AgentID].Raw)}, HolderCertificates: []string{}}
		return HelloPayInput{Message: vgen.H(raw), PayerTrust: trust, Wallet: vgen.H([]byte(wallet)), WalletKey: vgen.H(p.Keys[wallet].Bytes()),
			WalletCertificate: vgen.H(alice.Raw), Holdings: hs, Paid: []string{},
			Limits: HelloPayLimits{PerPayment: bank.DefaultLimits.PerPayment, Cumulative: bank.DefaultLimits.Cumulative, Count: bank.DefaultLimits.Count},
			At:     vgen.GenAt.Unix()}
	}
	grp := b.Group("HelloPay", "")
	h8, s8, _ := hello("8000", 8000)
	b.Valid(grp, "hello-pay-eight-coins", "alice holds nine coins of 1000 fen and is asked for 8000: eight coins, as many as one TX carries", "R6.4", []string{"Boundary", "cert-payer-funds"}, in(h8, nine), s8)
	h9, s9, _ := hello("9000", 9000)
	b.Invalid(grp, "hello-pay-nine-coins", "9000 fen takes all nine coins, one more than a TX carries", "R6.4", spec.CodeLimitExceeded, []string{"LimitExceeded", "cert-payer-funds"}, in(h9, nine), s9)
	hx, sx, _ := hello("9001", 9001)
	b.Invalid(grp, "hello-pay-over-holdings", "9001 fen, one more than the nine coins hold", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "cert-payer-funds"}, in(hx, nine), sx)
	h3, s3, n3 := hello("3000", 3000)
	m30 := m3 // the PayeeHello of h3
	atLimit := in(h3, []string{vgen.H(full.Marshal())})
	atLimit.HolderCertificates = carolCert // only the hop limit makes it unspendable
	b.Invalid(grp, "hello-pay-coin-at-hop-limit", "3000 fen from one coin of 5000 whose lineage has 8 records: it must be exchanged online, so alice holds nothing spendable offline (she keeps carol's certificate)", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "Lineage", "cert-payer-funds"}, atLimit, s3)
	b.Valid(grp, "hello-pay-largest-first", "alice holds eight coins of 100 fen, then one of 5000, and is asked for 3000: the largest coin pays it (the eight first or smallest hold 800)", "R6.4", []string{"Boundary", "cert-payer-funds"}, in(h3, mixed), s3)
	paid := in(h3, nine)
	paid.Paid = []string{vgen.H(n3)}
	b.Invalid(grp, "hello-pay-already-paid", "a request under a nonce alice already paid", "R2.1", spec.CodeReplay, []string{"Replay", "cert-payer-replay"}, paid, s3)

	limited := func(hs []string, f func(*HelloPayInput)) HelloPayInput {
		i := in(h3, hs)
		f(&i)
		return i
	}
	b.Valid(grp, "hello-pay-at-per-payment-limit", "3000 fen under a per-payment limit of 3000", "R6.6", []string{"Boundary", "cert-payer-limits"}, limited(nine, func(i *HelloPayInput) { i.Limits.PerPayment = 3000 }), s3)
	b.Invalid(grp, "hello-pay-over-per-payment-limit", "3000 fen over a per-payment limit of 2999", "R6.6", spec.CodeLimitExceeded, []string{"LimitExceeded", "cert-payer-limits"}, limited(nine, func(i *HelloPayInput) { i.Limits.PerPayment = 2999 }), s3)
	b.Valid(grp, "hello-pay-at-cumulative-limit", "3000 fen after 47000 spent offline, under a cumulative limit of 50000", "R6.6", []string{"Boundary", "cert-payer-limits"}, limited(nine, func(i *HelloPayInput) { i.Spent = 47000 }), s3)
	b.Invalid(grp, "hello-pay-over-cumulative-limit", "3000 fen after 47001 spent offline, over a cumulative limit of 50000", "R6.6", spec.CodeLimitExceeded, []string{"LimitExceeded", "cert-payer-limits"}, limited(nine, func(i *HelloPayInput) { i.Spent = 47001 }), s3)
	b.Valid(grp, "hello-pay-at-count-limit", "a tenth payment under a limit of 10", "R6.6", []string{"Boundary", "cert-payer-limits"}, limited(nine, func(i *HelloPayInput) { i.Payments = 9 }), s3)
	b.Invalid(grp, "hello-pay-over-count-limit", "an eleventh payment over a limit of 10", "R6.6", spec.CodeLimitExceeded, []string{"LimitExceeded", "cert-payer-limits"}, limited(nine, func(i *HelloPayInput) { i.Payments = 10 }), s3)

	// Two faults in one request: the check the documents make first gives
	// the code.
	b.Invalid(grp, "hello-pay-order-replay-before-limits", "a request alice already paid, over her per-payment limit: the replay is found first", "R2.1", spec.CodeReplay, []string{"CheckOrder", "cert-payer-replay"},
		limited(nine, func(i *HelloPayInput) { i.Paid = []string{vgen.H(n3)}; i.Limits.PerPayment = 2999 }), s3)
	b.Invalid(grp, "hello-pay-order-limits-before-funds", "3000 fen over the per-payment limit of 2999 from a wallet holding only a coin at the hop limit: the limit is checked before the coins", "R6.6", spec.CodeLimitExceeded, []string{"CheckOrder", "cert-payer-limits"},
		limited([]string{vgen.H(full.Marshal())}, func(i *HelloPayInput) { i.Limits.PerPayment = 2999; i.HolderCertificates = carolCert }), s3)

	// The earlier holders of a coin (cert-payer-holder-certs): the payee
	// verifies a lineage's records under the certificates the TX carries,
	// so a coin whose earlier payer the wallet keeps no acceptable
	// certificate of cannot be paid offline.
	b.Valid(grp, "hello-pay-holder-certified", "3000 fen from one coin of 5000 carol paid to alice, who keeps carol's certificate", "R6.4", []string{"Boundary", "cert-payer-holder-certs"},
		limited(viaCarol, func(i *HelloPayInput) { i.HolderCertificates = carolCert }), s3)
	b.Invalid(grp, "hello-pay-holder-uncertified", "3000 fen from one coin of 5000 carol paid to alice, who keeps no certificate of carol's: the TX could not carry one, so the coin is not spendable offline", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "Lineage", "cert-payer-holder-certs"},
		limited(viaCarol, func(*HelloPayInput) {}), s3)
	b.Invalid(grp, "hello-pay-holder-revoked", "3000 fen from one coin of 5000 carol paid to alice, who keeps carol's certificate, revoked by the list she holds: the payee would refuse the lineage, so the coin is not spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "Revoked", "cert-payer-holder-certs"},
		limited(viaCarol, func(i *HelloPayInput) { i.HolderCertificates = carolCert; i.CRL = vgen.H(carolRevoked.Raw) }), s3)
	keeps := func(c *devcert.Certificate) HelloPayInput {
		return limited(viaCarol, func(i *HelloPayInput) { i.HolderCertificates = []string{vgen.H(c.Raw)} })
	}
	b.Invalid(grp, "hello-pay-holder-expired", "3000 fen from one coin of 5000 carol paid to alice, who keeps only a certificate of carol's key that expired a second before her clock (not revoked): the payee would refuse the lineage, so the coin is not spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "Expired", "cert-payer-holder-certs"},
		keeps(carolExpired), s3)
	b.Invalid(grp, "hello-pay-holder-not-yet-valid", "3000 fen from one coin of 5000 carol paid to alice, who keeps only a certificate of carol's key valid from a second after her clock (not revoked): the coin is not spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "NotYetValid", "cert-payer-holder-certs"},
		keeps(carolNotYet), s3)
	b.Invalid(grp, "hello-pay-holder-foreign-root", "3000 fen from one coin of 5000 carol paid to alice, who keeps only a certificate of carol's key issued by a rogue root with the trusted root's name (valid at her clock, its serial not revoked): the coin is not spendable offline", "R1.3", spec.CodeInsufficient, []string{"InsufficientFunds", "ForeignRoot", "cert-payer-holder-certs"},
		keeps(carolForeign), s3)
	b.Invalid(grp, "hello-pay-holder-other-wallet", "3000 fen from one coin of 5000 carol paid to alice, who keeps bob's valid certificate but none of carol's: the coin is not spendable offline", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "Uncertified", "cert-payer-holder-certs"},
		keeps(bob), s3)
	b.Invalid(grp, "hello-pay-agent-revoked", "3000 fen from nine coins of 1000 the agent paid to alice, the agent's certificate revoked by the list she holds: the payee checks the agent's certificate too and would refuse every lineage, so no coin is spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "Revoked", "cert-payer-holder-certs"},
		limited(nine, func(i *HelloPayInput) { i.CRL = vgen.H(agentRevoked.Raw) }), s3)
	fm := *m30
	fm.Sig = vgen.FlipSig(m30.Sig)
	bad := limited(nine, func(i *HelloPayInput) { i.Paid = []string{vgen.H(n3)} })
	bad.Message = vgen.H(fm.Marshal())
	b.Invalid(grp, "hello-pay-order-signature-before-replay", "a request alice already paid, its signature bit-flipped: the signature is checked first", "R1.1", spec.CodeBadSignature, []string{"CheckOrder", "ModifiedSignature", "cert-signature"}, bad, nil)
}

// refHelloPay decides a HelloPay case with the model's own wallet: a
// fresh SIM provisioned from the input (kit.PayeeDevice, the holdings
// stored as its coins) is handed the PayeeHello at its payer endpoint.
func refHelloPay(s suite.Suite, in HelloPayInput) (verdict, inputErr error) {
	if in.Spent < 0 || in.Payments < 0 {
		return nil, fmt.Errorf("spent %d, payments %d: neither may be negative", in.Spent, in.Payments)
	}
	var u vgen.Unhexer
	raw := u.B("message", in.Message)
	extra := map[string][]byte{
		keyHSM:        make([]byte, coin.KeyIDSize+16), // the payer side opens no coin string
		keyState:      kit.MustJSON(simState{Spent: in.Spent, Payments: in.Payments, SyncUnix: in.At}),
		kit.KeyLimits: kit.MustJSON(bank.Limits{PerPayment: in.Limits.PerPayment, Cumulative: in.Limits.Cumulative, Count: in.Limits.Count}),
	}
	for i, n := range in.Paid {
		nb := u.B(fmt.Sprintf("paid[%d]", i), n)
		if u.Err == nil && len(nb) != NonceSize {
			return nil, fmt.Errorf("paid[%d] is %d bytes, want %d", i, len(nb), NonceSize)
		}
		extra[prefAnswer+hex.EncodeToString(nb)] = []byte{1} // keyed as the wallet keys a nonce it answered
	}
	w, dev, err := kit.PayerDevice(&u, s, "wallet", kit.PayerElement{ID: in.Wallet, Key: in.WalletKey, Cert: in.WalletCertificate, PayerTrust: in.PayerTrust, Holdings: in.Holdings, At: in.At}, extra)
	if err != nil {
		return nil, err
	}
	se := &SIM{Core: kit.Core{S: s, Dev: dev}, w: w, variant: Recovering}
	if err := loadStore(se); err != nil {
		return nil, err
	}
	replies, err := se.payerEndpoint(world.Message{From: "payee", To: dev.ID(), Payload: raw})
	if err != nil {
		return err, nil
	}
	if len(replies) != 1 || replies[0].Type != MsgPayerHello {
		return nil, fmt.Errorf("the wallet answered the PayeeHello with %d messages, not one PayerHello", len(replies))
	}
	return nil, nil
}
