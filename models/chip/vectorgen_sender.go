package chip

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// The payer card's own decisions, which no receiver-side case reaches:
// whether it pays an INITIATE from the coins it holds (group InitiatePay:
// the spend cap of chip-limits, funds) and whether it rolls a logged
// payment back on REFUSE (group RefuseCommand: chip-refuse). The card's
// state is given in the input in the documents' formats (its key, its
// certificate, the holdings it keeps, the log entry); the verdict is the
// card's answer to an INITIATE: it pays (valid, with the TRANSFER) or
// refuses with a code. A REFUSE gets no answer, so a RefuseCommand case
// follows it with an INITIATE only the change of the logged payment
// covers: a card that took the REFUSE holds that change until
// reconciliation (insufficient-funds); one that did not pays, whatever
// its reason.

// APDUPayInput is the input of the InitiatePay group of kind "apdu": would
// the payer card Card (the id of CardCertificate), provisioned with CardKey
// (the private key of CardCertificate), CardCertificate, Root, CRL,
// IssuerPublicKey and the agents' Certificates, keeping the certificates
// of earlier holders HolderCertificates, holding exactly the coins
// Holdings, its log empty, its clock at At, pay the INITIATE command?
type APDUPayInput struct {
	Command string `json:"command"`
	kit.PayerTrust
	Card            string   `json:"card"`
	CardKey         string   `json:"cardKey"` // the card's private scalar, 32 bytes
	CardCertificate string   `json:"cardCertificate"`
	Holdings        []string `json:"holdings"` // the coins the card holds, Holding DER ([APPLICATION 6]) each
	At              int64    `json:"at"`
}

// APDURefuseInput is the input of the RefuseCommand group of kind "apdu":
// the payer card, provisioned as in InitiatePay and holding the coins
// Holdings (the change of its logged payment among them), has one payment
// in its log: to the payee certificate PayeeCertificate under Challenge,
// spending the coins Spent with the Records (acknowledged by a CONFIRM
// when Acknowledged). It receives the REFUSE Command, then the INITIATE
// Initiate, which only the change can pay, held if the card took the
// REFUSE: the answer is the card's answer to the INITIATE.
type APDURefuseInput struct {
	Command  string `json:"command"`  // the REFUSE
	Initiate string `json:"initiate"` // the INITIATE that follows it
	kit.PayerTrust
	Card             string   `json:"card"`
	CardKey          string   `json:"cardKey"`
	CardCertificate  string   `json:"cardCertificate"`
	Holdings         []string `json:"holdings"` // the coins the card holds besides the log entry's
	Challenge        string   `json:"challenge"`
	PayeeCertificate string   `json:"payeeCertificate"`
	Spent            []string `json:"spent"`   // the log entry: the coins the payment spent, Holding DER each
	Records          []string `json:"records"` // the log entry: the record spending each, in order
	Acknowledged     bool     `json:"acknowledged"`
	At               int64    `json:"at"`
}

// pay is the card of in as an InitiatePay input answering the INITIATE
// (its log entry aside).
func (in APDURefuseInput) pay() APDUPayInput {
	return APDUPayInput{Command: in.Initiate, PayerTrust: in.PayerTrust, Card: in.Card, CardKey: in.CardKey, CardCertificate: in.CardCertificate, Holdings: in.Holdings, At: in.At}
}

// coinOf is a coin of value fen issued to the agent and paid by it to
// card (the agent's counter ctr): the Holding the card keeps.
func coinOf(g *vgen.Gen, p *vgen.PKI, issuer suite.PrivateKey, label string, value int64, card string, ctr uint64) *transfer.Holding {
	rc, err := coin.Sign(issuer, coin.New(g.Serial(label), value, coin.Serial{}, vgen.AgentID))
	g.Fail(err)
	if g.Err != nil {
		return nil
	}
	r := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: value, Outputs: g.Split(rc.Serial, value, value, vgen.AgentID, card),
		Payer: vgen.AgentID, Payee: card, Counter: ctr})
	return (&transfer.Holding{Root: rc, Serial: rc.Serial}).Extend(r, r.Outputs[0].Serial)
}

// lineageCoin is a coin of value fen issued to the agent and passed along
// hops (the agent first): at each hop the payer pays 88.88% of what it
// holds, so the record carries up to 16 outputs (the payee's in notes of
// the table, then the change), and the holding follows the payee's
// largest output. It returns the Holding the last holder keeps.
func lineageCoin(g *vgen.Gen, p *vgen.PKI, issuer suite.PrivateKey, label string, value int64, hops []string) *transfer.Holding {
	return g.Lineage(p, issuer, label, value, hops, func(v int64) int64 { return max(v*8888/10000, 1) })
}

func genAPDUSender(g *vgen.Gen, b *vgen.Builder) {
	p, crl, issuer := g.SessionPKI()
	if g.Err != nil {
		return
	}
	const card, payee = vgen.CertPayer, vgen.CertPayee
	alice, bob := p.Certs[card], p.Certs[payee]
	at := vgen.GenAt

	// Nine coins of 1000 fen, each issued to the agent and paid by it to alice.
	var holdings []string
	for i := range 9 {
		h := coinOf(g, p, issuer, fmt.Sprintf("sender/coin-%d", i), 1000, card, uint64(i+1))
		if g.Err != nil {
			return
		}
		holdings = append(holdings, vgen.H(h.Marshal()))
	}
	// Mixed holdings: one coin of 5000 fen and nine of 100.
	mixed := []string{}
	for i, v := range []int64{5000, 100, 100, 100, 100, 100, 100, 100, 100, 100} {
		h := coinOf(g, p, issuer, fmt.Sprintf("sender/mixed-%d", i), v, card, uint64(20+i))
		if g.Err != nil {
			return
		}
		mixed = append(mixed, vgen.H(h.Marshal()))
	}
	initiate := func(label string, amount int64) ([]byte, *vgen.Signature) {
		ch := g.Src("sender/challenge/" + label).Bytes(transfer.ChallengeSize)
		tbs := chipInitTBS(amount, ch, payee)
		sig := g.Sign(p.Keys[payee], tbs)
		data := apdu.Marshal(initItems(uint64(amount), ch, bob.Raw, sig))
		return command(g, apdu.Command{CLA: CLA, INS: INSInitiate, Data: data, Le: 65536}), vgen.SigObj(g.S, bob.PublicKey, tbs, sig)
	}
	pin := func(cmd []byte, hs []string) APDUPayInput {
		trust := kit.PayerTrust{Root: vgen.H(p.Root.Cert.Raw), CRL: vgen.H(crl), IssuerPublicKey: vgen.H(issuer.Public().SPKI()),
			Certificates: []string{vgen.H(p.Certs[vgen.AgentID].Raw)}, HolderCertificates: []string{}}
		return APDUPayInput{Command: vgen.H(cmd), PayerTrust: trust, Card: vgen.H([]byte(card)), CardKey: vgen.H(p.Keys[card].Bytes()),
			CardCertificate: vgen.H(alice.Raw), Holdings: hs, At: at.Unix()}
	}
	pg := b.Group("InitiatePay", "")
	c8, s8 := initiate("8000", 8000)
	b.Valid(pg, "pay-eight-coins", "alice's card holds nine coins of 1000 fen and pays 8000 fen: eight coins, as many as one TRANSFER carries", "R6.4", []string{"Boundary", "chip-limits"}, pin(c8, holdings), s8)
	c9, s9 := initiate("9000", 9000)
	b.Invalid(pg, "pay-nine-coins", "9000 fen takes all nine coins, one more than a TRANSFER carries: refused before the card commits anything", "R6.4", spec.CodeLimitExceeded, []string{"LimitExceeded", "chip-limits"}, pin(c9, holdings), s9)
	cx, sx := initiate("9001", 9001)
	b.Invalid(pg, "pay-over-holdings", "9001 fen, one more than the nine coins hold", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "chip-funds"}, pin(cx, holdings), sx)
	// A coin whose lineage has 8 records, the last to alice, asked for
	// whole: it covers the amount but must be exchanged online, so only
	// the hop limit leaves the card nothing spendable offline (a card
	// without chip-funds pays it).
	full := lineageCoin(g, p, issuer, "sender/full", 10000, []string{vgen.AgentID, vgen.CertThird, card, vgen.CertThird, card, vgen.CertThird, card, vgen.CertThird, card})
	if g.Err != nil {
		return
	}
	carolCert := []string{vgen.H(p.Certs[vgen.CertThird].Raw)}
	keeps := func(in APDUPayInput, certs []string) APDUPayInput {
		in.HolderCertificates = certs
		return in
	}
	cf, sf := initiate("hop-limit", full.Value())
	b.Invalid(pg, "pay-coin-at-hop-limit", fmt.Sprintf("%d fen, the whole of alice's one coin, whose lineage has 8 records: the coin covers the amount but must be exchanged online, so alice's card holds nothing spendable offline (it keeps carol's certificate)", full.Value()), "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "Lineage", "chip-funds"}, keeps(pin(cf, []string{vgen.H(full.Marshal())}), carolCert), sf)
	c55, s55 := initiate("5500", 5500)
	b.Valid(pg, "pay-mixed-holdings", "alice's card holds 5000 fen and nine coins of 100 and pays 5500 fen: six coins cover it (the 5000 and five of 100); the ten coins smallest first do not fit one TRANSFER", "R6.4", []string{"chip-limits"}, pin(c55, mixed), s55)
	// Eight coins of 50 fen, each at the end of a lineage of 7 records of
	// up to 16 outputs (a coin of 10000 from the agent to alice, then
	// alice and carol paying each other most of what they hold): spendable
	// offline, but a TRANSFER spending all eight does not fit one response.
	var long []string
	var longSize, longValue int64
	for i := range 8 {
		h := lineageCoin(g, p, issuer, fmt.Sprintf("sender/long-%d", i), 10000, []string{vgen.AgentID, card, vgen.CertThird, card, vgen.CertThird, card, vgen.CertThird, card})
		if g.Err != nil {
			return
		}
		long = append(long, vgen.H(h.Marshal()))
		longSize += int64(len(h.Marshal()))
		longValue += h.Value()
	}
	if longSize <= apdu.MaxResponse {
		g.Fail(fmt.Errorf("the eight long lineages take only %d bytes, a TRANSFER fits", longSize))
		return
	}
	cl, sl := initiate("long", longValue)
	b.Invalid(pg, "pay-over-one-response", "alice's card holds eight coins of 50 fen at the end of lineages of 7 records of up to 16 outputs and is asked for all 400: eight coins, but the holdings alone exceed the 16384 bytes of one response", "R6.4", spec.CodeLimitExceeded, []string{"LimitExceeded", "Lineage", "chip-limits"}, keeps(pin(cl, long), carolCert), sl)
	c75, s75 := initiate("7500", 7500)
	b.Valid(pg, "pay-split-change", "7500 fen from coins of 1000: eight coins, the last split, its 500 fen of change back to alice's card and exactly 7500 to bob", "R5.2", nil, pin(c75, holdings), s75)

	// The earlier holders of a coin (chip-holder-certs): the payee
	// verifies a lineage's records under the agents' certificates and the
	// TRANSFER's DF07, so a coin whose earlier payer the card keeps no
	// acceptable certificate of cannot be paid offline.
	viaCarol := g.Lineage(p, issuer, "sender/via-carol", 5000, []string{vgen.AgentID, vgen.CertThird, card}, func(v int64) int64 { return v })
	carolRevoked, err := p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), p.Certs[vgen.CertThird].Serial)
	g.Fail(err)
	agentRevoked, err := p.Root.Revoke(2, vgen.GenEpoch, vgen.GenEpoch.AddDate(1, 0, 0), p.Certs[vgen.AgentID].Serial)
	g.Fail(err)
	carolExpired := g.Issue(p.Root, vgen.CertThird, devcert.RoleWallet, 200, p.Keys[vgen.CertThird].Public(), vgen.CertNotBefore, vgen.GenAt.Add(-time.Second))
	if g.Err != nil {
		return
	}
	c3, s3 := initiate("holder-3000", 3000)
	via := pin(c3, []string{vgen.H(viaCarol.Marshal())})
	ofCarol := fmt.Sprintf("3000 fen from alice's one coin, of %d fen, which carol paid to alice", viaCarol.Value())
	b.Valid(pg, "pay-holder-certified", ofCarol+", who keeps carol's certificate: the TRANSFER carries it (DF07)", "R6.4", []string{"Boundary", "chip-holder-certs"}, keeps(via, carolCert), s3)
	b.Invalid(pg, "pay-holder-uncertified", ofCarol+", whose card keeps no certificate of carol's: the TRANSFER could not carry one, so the coin is not spendable offline", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds", "Lineage", "chip-holder-certs"}, via, s3)
	revoked := keeps(via, carolCert)
	revoked.CRL = vgen.H(carolRevoked.Raw)
	b.Invalid(pg, "pay-holder-revoked", ofCarol+", whose card keeps carol's certificate, revoked by the list it holds: the payee would refuse the lineage, so the coin is not spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "Revoked", "chip-holder-certs"}, revoked, s3)
	b.Invalid(pg, "pay-holder-expired", ofCarol+", whose card keeps only a certificate of carol's key that expired a second before its clock (not revoked): the payee would refuse the lineage, so the coin is not spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "Expired", "chip-holder-certs"}, keeps(via, []string{vgen.H(carolExpired.Raw)}), s3)
	agentOff := pin(c3, holdings)
	agentOff.CRL = vgen.H(agentRevoked.Raw)
	b.Invalid(pg, "pay-agent-revoked", "3000 fen from nine coins of 1000 the agent paid to alice, the agent's certificate revoked by the list her card holds: the payee checks the agent's certificate too and would refuse every lineage, so no coin is spendable offline", "R1.4", spec.CodeInsufficient, []string{"InsufficientFunds", "Revoked", "chip-holder-certs"}, agentOff, s3)

	// REFUSE: alice's card paid bob 600 fen from one coin of 1000 under
	// challenge; it holds the 400 of change. The INITIATE of 400 that
	// follows the REFUSE is covered only by the change, which a card that
	// took the REFUSE holds unspent until reconciliation rules on it.
	rg := b.Group("RefuseCommand", "")
	challenge := g.Src("sender/refuse/challenge").Bytes(transfer.ChallengeSize)
	other := bytes.Clone(challenge)
	other[0] ^= 0x01
	spent := coinOf(g, p, issuer, "sender/refuse/coin", 1000, card, 40)
	if g.Err != nil {
		return
	}
	logged := transfer.Record{Version: transfer.Version1, Parent: spent.Serial, ParentValue: 1000, Outputs: g.Split(spent.Serial, 1000, 600, card, payee),
		Payer: card, Payee: payee, Counter: 1}
	copy(logged.Challenge[:], challenge)
	rec := &transfer.Signed{Record: logged, Signature: g.Sign(p.Keys[card], logged.TBS())}
	var change []string
	for _, o := range logged.Outputs {
		if o.Holder == card {
			change = append(change, vgen.H(spent.Extend(rec, o.Serial).Marshal()))
		}
	}
	ci, _ := initiate("refuse-then-400", 400)
	rin := func(cmd []byte, acked bool) APDURefuseInput {
		pi := pin(ci, change)
		return APDURefuseInput{Command: vgen.H(cmd), Initiate: pi.Command, PayerTrust: pi.PayerTrust, Card: pi.Card, CardKey: pi.CardKey, CardCertificate: pi.CardCertificate, Holdings: change, Challenge: vgen.H(challenge), PayeeCertificate: vgen.H(bob.Raw),
			Spent: []string{vgen.H(spent.Marshal())}, Records: []string{vgen.H(rec.Marshal())}, Acknowledged: acked, At: at.Unix()}
	}
	refuse := func(ch []byte, id string, key suite.PrivateKey) ([]byte, []byte) {
		tbs := refuseTBS(ch, id)
		return tbs, g.Sign(key, tbs)
	}
	so := func(tbs, sig []byte) *vgen.Signature { return vgen.SigObj(g.S, bob.PublicKey, tbs, sig) }
	var kept []string // not taken: the card pays the 400 from its change
	tbs, sig := refuse(challenge, payee, p.Keys[payee])
	b.Invalid(rg, "refuse-valid", "bob refuses the TRANSFER that answered his challenge: alice's card takes the REFUSE and holds the payment until reconciliation (the coin it spent stays out, its 400 of change unspent), so it does not pay the next 400 fen", "R5.4", spec.CodeInsufficient, []string{"InsufficientFunds"}, rin(encodeRefuse(challenge, sig), false), so(tbs, sig))
	b.Valid(rg, "refuse-after-confirm", "the same REFUSE for a payment bob already acknowledged: not taken, the card pays the next 400 fen from its change", "R5.1", append(kept, "Replay", "chip-refuse"), rin(encodeRefuse(challenge, sig), true), so(tbs, sig))
	// The two cases whose REFUSE signature does not verify carry no
	// signature object: the case is valid (the card pays the INITIATE),
	// the signature it did not take is not.
	b.Valid(rg, "refuse-signature-bit-flipped", "one bit of the refusal's signature flipped: not taken", "R1.1", append(kept, "ModifiedSignature", "chip-refuse"), rin(encodeRefuse(challenge, vgen.FlipSig(sig)), false), nil)
	_, csig := refuse(challenge, payee, p.Keys[vgen.CertThird])
	b.Valid(rg, "refuse-signed-by-other-key", "a refusal signed by another wallet's key: not taken", "R1.3", append(kept, "WrongKey", "chip-refuse"), rin(encodeRefuse(challenge, csig), false), nil)
	itbs, isig := refuse(challenge, vgen.CertThird, p.Keys[payee])
	b.Valid(rg, "refuse-other-payee-id", "bob's key signs a refusal naming another payee id: not taken", "R1.3", append(kept, "ModifiedField", "chip-refuse"), rin(encodeRefuse(challenge, isig), false), so(itbs, isig))
	otbs, osig := refuse(other, payee, p.Keys[payee])
	b.Valid(rg, "refuse-wrong-challenge", "bob's signed refusal of another challenge: no logged payment awaits it, not taken", "R1.2", append(kept, "Replay", "chip-refuse"), rin(encodeRefuse(other, osig), false), so(otbs, osig))
	rdata := apdu.Marshal([]apdu.TLV{{Tag: TagChallenge, Value: challenge}, {Tag: TagSig, Value: sig}})
	b.Valid(rg, "refuse-le-present", "REFUSE with an Le: malformed, not taken", "R1.1", append(kept, "ModifiedField", "chip-header"), rin(command(g, apdu.Command{CLA: CLA, INS: INSRefuse, Data: rdata, Le: 256}), false), nil)
	b.Valid(rg, "refuse-empty", "no bytes: not taken", "R1.1", append(kept, "Empty"), rin(nil, false), nil)
}

// refAPDUPay decides an InitiatePay case with the model's own card: a
// fresh card provisioned from the input (kit.PayeeDevice, the holdings
// stored as its coins) answers the command at its payer endpoint.
var refAPDUPay = vgen.Verdict(cardPays)

// paySender is the InitiatePay shape's answer: the TRANSFER R-APDU the
// card sends, which the harness checks as the payee terminal would.
var paySender = vgen.SenderOf(cardPays, checkPaid)

// refuseSender is the RefuseCommand shape's answer: the TRANSFER the card
// answers the INITIATE with when it did not take the REFUSE, spending
// only the coins it holds (the log entry's coins stay out).
var refuseSender = vgen.SenderOf(cardRefuses, func(s suite.Suite, in APDURefuseInput, out []byte) error {
	if _, err := refuseLogOf(s, in); err != nil {
		return err
	}
	return checkPaid(s, in.pay(), out)
})

// checkPaid verifies a TRANSFER a card answered an InitiatePay case with:
// the payee terminal that sent the INITIATE accepts it (the checks of a
// TransferResponse case, with the INITIATE's payee, challenge and amount),
// its payer certificate is the card's and every coin it spends is one of
// the card's holdings, byte for byte, each at most once. The terminal's
// checks are what hold the change: the outputs to the payee sum to the
// amount (spend-total, value-mismatch) and every output goes to the payer
// or the payee (record-output-holder, wrong-recipient), so the change
// returns to the card.
func checkPaid(s suite.Suite, in APDUPayInput, out []byte) error {
	var u vgen.Unhexer
	raw, cardCert := u.B("command", in.Command), u.B("cardCertificate", in.CardCertificate)
	if u.Err != nil {
		return u.Err
	}
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return err
	}
	m, err := ParseInitiate(s, cmd.Data)
	if err != nil {
		return err
	}
	tin := APDUTransferInput{Response: vgen.H(out), Root: in.Root, IssuerPublicKey: in.IssuerPublicKey, Certificates: in.Certificates,
		Card: vgen.H([]byte(m.Cert.ID)), Challenge: vgen.H(m.Challenge), Amount: m.Amount, At: in.At}
	if verdict, err := refAPDUTransfer(s, tin); err != nil || verdict != nil {
		return fmt.Errorf("the payee terminal refuses the TRANSFER: %v", errors.Join(verdict, err))
	}
	resp, _ := apdu.ParseResponse(out)
	msg, err := ParseTransfer(s, resp.Data)
	if err != nil {
		return err
	}
	if !bytes.Equal(msg.Cert.Raw, cardCert) {
		return fmt.Errorf("the TRANSFER carries a payer certificate other than the card's")
	}
	held := map[string]bool{}
	for _, h := range in.Holdings {
		held[h] = true
	}
	for i, sp := range msg.Spends {
		k := vgen.H(sp.Holding.Marshal())
		if !held[k] {
			return fmt.Errorf("spend %d: a coin the card does not hold, or spent twice", i)
		}
		held[k] = false
	}
	return nil
}

// provision is the card of an InitiatePay input, its store holding
// in.Holdings and extra besides: its key must be the private key of its
// certificate, whose id is in.Card (else an input error).
func provision(s suite.Suite, in APDUPayInput, extra map[string][]byte) (*SE, error) {
	if extra == nil {
		extra = map[string][]byte{}
	}
	if _, ok := extra[keyState]; !ok {
		extra[keyState] = kit.MustJSON(seState{SyncUnix: in.At})
	}
	var u vgen.Unhexer
	w, dev, err := kit.PayerDevice(&u, s, "card", kit.PayerElement{ID: in.Card, Key: in.CardKey, Cert: in.CardCertificate, PayerTrust: in.PayerTrust, Holdings: in.Holdings, At: in.At}, extra)
	if err != nil {
		return nil, err
	}
	se := &SE{Core: kit.Core{S: s, Dev: dev}, w: w}
	if err := loadStore(se); err != nil {
		return nil, err
	}
	return se, nil
}

// answer hands a provisioned card the INITIATE raw: its TRANSFER when it
// pays, else its refusal.
func answer(se *SE, raw []byte) (resp []byte, verdict, inputErr error) {
	replies, err := se.payerEndpoint(world.Message{From: "payee", To: se.Dev.ID(), Payload: raw})
	if err != nil {
		return nil, err, nil
	}
	if len(replies) != 1 {
		return nil, nil, fmt.Errorf("the card answered INITIATE with %d messages", len(replies))
	}
	return replies[0].Payload, nil, nil
}

// cardPays provisions the card of an InitiatePay case and hands it the
// command: its answer (the TRANSFER) when it pays, else its refusal.
func cardPays(s suite.Suite, in APDUPayInput) (resp []byte, verdict, inputErr error) {
	raw, err := hex.DecodeString(in.Command)
	if err != nil {
		return nil, nil, fmt.Errorf("command: %v", err)
	}
	se, err := provision(s, in, nil)
	if err != nil {
		return nil, nil, err
	}
	return answer(se, raw)
}

// refuseLog is a RefuseCommand input's log entry, parsed.
type refuseLog struct {
	payee    string
	holdings []*transfer.Holding
	records  []*transfer.Signed
	entry    outEntry
	amount   int64
}

// refuseLogOf parses and checks the log entry of in: a 16-byte challenge, a
// payee certificate, one record per spent coin, each spending it, paying
// the payee under the challenge, signed by the card.
func refuseLogOf(s suite.Suite, in APDURefuseInput) (*refuseLog, error) {
	var u vgen.Unhexer
	challenge, certRaw, card := u.Sized("challenge", in.Challenge, transfer.ChallengeSize), u.B("payeeCertificate", in.PayeeCertificate), u.B("card", in.Card)
	if u.Err != nil {
		return nil, u.Err
	}
	payee, err := devcert.Parse(s, certRaw)
	if err != nil {
		return nil, fmt.Errorf("payeeCertificate: %v", err)
	}
	if len(in.Spent) == 0 || len(in.Spent) != len(in.Records) {
		return nil, fmt.Errorf("spent: %d coins, records: %d", len(in.Spent), len(in.Records))
	}
	e := &refuseLog{payee: payee.ID, entry: outEntry{Payee: payee.ID, PayeeCert: certRaw, Challenge: challenge, Acked: in.Acknowledged}}
	for i := range in.Spent {
		hb, rb := u.B(fmt.Sprintf("spent[%d]", i), in.Spent[i]), u.B(fmt.Sprintf("records[%d]", i), in.Records[i])
		if u.Err != nil {
			return nil, u.Err
		}
		h, err := transfer.ParseHolding(hb)
		if err != nil {
			return nil, fmt.Errorf("spent[%d]: %v", i, err)
		}
		r, err := transfer.Parse(rb)
		if err != nil {
			return nil, fmt.Errorf("records[%d]: %v", i, err)
		}
		if r.Parent != h.Serial || r.Payer != string(card) || r.Payee != payee.ID || !bytes.Equal(r.Challenge[:], challenge) {
			return nil, fmt.Errorf("records[%d] is not the card's payment of spent[%d] to the payee under the challenge", i, i)
		}
		e.holdings, e.records = append(e.holdings, h), append(e.records, r)
		e.entry.Holdings, e.entry.Records = append(e.entry.Holdings, hb), append(e.entry.Records, rb)
		e.amount += r.PaidTo(payee.ID)
	}
	return e, nil
}

// cardRefuses provisions the card of a RefuseCommand case with its coins
// and its log entry, hands it the REFUSE (the card answers nothing; what
// it decided shows in what it holds) and then the INITIATE: its answer.
func cardRefuses(s suite.Suite, in APDURefuseInput) (resp []byte, verdict, inputErr error) {
	var u vgen.Unhexer
	refuse, initiate := u.B("command", in.Command), u.B("initiate", in.Initiate)
	if u.Err != nil {
		return nil, nil, u.Err
	}
	e, err := refuseLogOf(s, in)
	if err != nil {
		return nil, nil, err
	}
	var ctr uint64
	for _, r := range e.records {
		ctr = max(ctr, r.Counter)
	}
	extra := map[string][]byte{
		keyState:        kit.MustJSON(seState{SyncUnix: in.At, Counter: ctr, Spent: e.amount, Payments: 1}),
		kit.OutKey(ctr): kit.MustJSON(e.entry),
	}
	se, err := provision(s, in.pay(), extra)
	if err != nil {
		return nil, nil, err
	}
	// The REFUSE's own verdict is not on the wire: a refused REFUSE
	// leaves the card as it was.
	_, _ = se.payerEndpoint(world.Message{From: "payee", To: se.Dev.ID(), Type: MsgRefuse, Payload: refuse})
	return answer(se, initiate)
}

// refAPDURefuse decides a RefuseCommand case with the model's own card
// (cardRefuses): valid when it pays the INITIATE after the REFUSE (it
// did not take it).
var refAPDURefuse = vgen.Verdict(cardRefuses)
