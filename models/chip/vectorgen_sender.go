package chip

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
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
// card's answer: it pays (valid) or refuses with a code, it rolls back
// (valid) or ignores the REFUSE for a reason (the code it would give).

// APDUPayInput is the input of the InitiatePay group of kind "apdu": would
// the payer card Card, provisioned with CardKey, CardCertificate, Root,
// CRL, IssuerPublicKey and the agents' Certificates, holding exactly the
// coins Holdings, its log empty, its clock at At, pay the INITIATE command?
type APDUPayInput struct {
	Command         string   `json:"command"`
	Root            string   `json:"root"`
	CRL             string   `json:"crl"`
	IssuerPublicKey string   `json:"issuerPublicKey"`
	Certificates    []string `json:"certificates"` // the agents' certificates the card is personalised with
	Card            string   `json:"card"`
	CardKey         string   `json:"cardKey"` // the card's private scalar, 32 bytes
	CardCertificate string   `json:"cardCertificate"`
	Holdings        []string `json:"holdings"` // the coins the card holds, Holding DER ([APPLICATION 6]) each
	At              int64    `json:"at"`
}

// APDURefuseInput is the input of the RefuseCommand group of kind "apdu":
// would the payer card Card, whose log holds one payment to the payee
// certificate PayeeCertificate under Challenge (acknowledged by a CONFIRM
// when Acknowledged), roll it back on the REFUSE command?
type APDURefuseInput struct {
	Command          string `json:"command"`
	Card             string `json:"card"`
	Challenge        string `json:"challenge"`
	PayeeCertificate string `json:"payeeCertificate"`
	Acknowledged     bool   `json:"acknowledged"`
}

// apduHeaderSender documents the InitiatePay and RefuseCommand groups.
var apduHeaderSender = []string{
	"Group InitiatePay: the INITIATE C-APDU as the payer card input.card decides whether to pay it, provisioned with input.cardKey, input.cardCertificate, input.root, input.crl, input.issuerPublicKey and the agents' input.certificates, holding exactly the coins input.holdings, its log empty, its clock at input.at (spec/formats.md, \"Chip-card messages\"):",
	"valid when the card answers a TRANSFER (9000); after the checks of an INITIATE above, a payment its coins do not cover is insufficient-funds and one that takes more than 8 of its coins is limit-exceeded, before the card commits anything. The cases stay far inside any offline limits (one payment of at most 10000 fen).",
	"Group RefuseCommand: the REFUSE C-APDU (80 54 00 00, no Le, DF02 challenge, DF04 signature) as the payer card input.card decides whether to roll back the payment its log holds to the payee certificate input.payeeCertificate under input.challenge, acknowledged when input.acknowledged (spec/formats-schemes.md, \"What the card and the terminal check\"):",
	"valid when the card rolls the payment back; header and strict parse (malformed), a challenge other than the logged one or an acknowledged payment (replay), then the payee's signature over \"dualoffline/chip/refuse/v1\\0\" || challenge || len(payee) || payee (bad-signature). The card answers REFUSE with nothing on the wire; the adapter reports its decision.",
}

func genAPDUSender(g *vgen.Gen, b *vgen.Builder) {
	b.F.Header = append(b.F.Header, apduHeaderSender...)
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
		label := fmt.Sprintf("sender/coin-%d", i)
		rc, err := coin.Sign(issuer, coin.New(g.Serial(label), 1000, coin.Serial{}, vgen.AgentID))
		g.Fail(err)
		if g.Err != nil {
			return
		}
		r := g.Record(p.Keys[vgen.AgentID], transfer.Record{Parent: rc.Serial, ParentValue: 1000, Outputs: g.Split(rc.Serial, 1000, 1000, vgen.AgentID, card),
			Payer: vgen.AgentID, Payee: card, Counter: uint64(i + 1)})
		holdings = append(holdings, vgen.H((&transfer.Holding{Root: rc, Serial: rc.Serial}).Extend(r, r.Outputs[0].Serial).Marshal()))
	}
	initiate := func(label string, amount int64) ([]byte, *vgen.Signature) {
		ch := g.Src("sender/challenge/" + label).Bytes(transfer.ChallengeSize)
		tbs := chipInitTBS(amount, ch, payee)
		sig := g.Sign(p.Keys[payee], tbs)
		data := apdu.Marshal(initItems(uint64(amount), ch, bob.Raw, sig))
		return command(g, apdu.Command{CLA: CLA, INS: INSInitiate, Data: data, Le: 65536}), vgen.SigObj(g.S, bob.PublicKey, tbs, sig)
	}
	pin := func(cmd []byte) APDUPayInput {
		return APDUPayInput{Command: vgen.H(cmd), Root: vgen.H(p.Root.Cert.Raw), CRL: vgen.H(crl), IssuerPublicKey: vgen.H(issuer.Public().SPKI()),
			Certificates: []string{vgen.H(p.Certs[vgen.AgentID].Raw)}, Card: vgen.H([]byte(card)), CardKey: vgen.H(p.Keys[card].Bytes()),
			CardCertificate: vgen.H(alice.Raw), Holdings: holdings, At: at.Unix()}
	}
	pg := b.Group("InitiatePay", "")
	c8, s8 := initiate("8000", 8000)
	b.Valid(pg, "pay-eight-coins", "alice's card holds nine coins of 1000 fen and pays 8000 fen: eight coins, as many as one TRANSFER carries", "R6.4", []string{"Boundary", "chip-limits"}, pin(c8), s8)
	c9, s9 := initiate("9000", 9000)
	b.Invalid(pg, "pay-nine-coins", "9000 fen takes all nine coins, one more than a TRANSFER carries: refused before the card commits anything", "R6.4", spec.CodeLimitExceeded, []string{"LimitExceeded", "chip-limits"}, pin(c9), s9)
	cx, sx := initiate("9001", 9001)
	b.Invalid(pg, "pay-over-holdings", "9001 fen, one more than the nine coins hold", "R5.2", spec.CodeInsufficient, []string{"InsufficientFunds"}, pin(cx), sx)

	// REFUSE.
	rg := b.Group("RefuseCommand", "")
	challenge := g.Src("sender/refuse/challenge").Bytes(transfer.ChallengeSize)
	other := bytes.Clone(challenge)
	other[0] ^= 0x01
	rin := func(cmd []byte, acked bool) APDURefuseInput {
		return APDURefuseInput{Command: vgen.H(cmd), Card: vgen.H([]byte(card)), Challenge: vgen.H(challenge), PayeeCertificate: vgen.H(bob.Raw), Acknowledged: acked}
	}
	refuse := func(ch []byte, id string, key suite.PrivateKey) ([]byte, []byte) {
		tbs := refuseTBS(ch, id)
		return tbs, g.Sign(key, tbs)
	}
	so := func(tbs, sig []byte) *vgen.Signature { return vgen.SigObj(g.S, bob.PublicKey, tbs, sig) }
	tbs, sig := refuse(challenge, payee, p.Keys[payee])
	b.Valid(rg, "refuse-valid", "bob refuses the TRANSFER that answered his challenge: alice's card rolls the payment back", "R5.1", nil, rin(encodeRefuse(challenge, sig), false), so(tbs, sig))
	b.Invalid(rg, "refuse-after-confirm", "the same REFUSE for a payment bob already acknowledged", "R5.1", spec.CodeReplay, []string{"Replay", "chip-refuse"}, rin(encodeRefuse(challenge, sig), true), so(tbs, sig))
	b.Invalid(rg, "refuse-signature-bit-flipped", "one bit of the refusal's signature flipped", "R1.1", spec.CodeBadSignature, []string{"ModifiedSignature", "chip-refuse"}, rin(encodeRefuse(challenge, vgen.FlipSig(sig)), false), so(tbs, vgen.FlipSig(sig)))
	ctbs, csig := refuse(challenge, payee, p.Keys[vgen.CertThird])
	b.Invalid(rg, "refuse-signed-by-other-key", "a refusal signed by another wallet's key", "R1.3", spec.CodeBadSignature, []string{"WrongKey", "chip-refuse"}, rin(encodeRefuse(challenge, csig), false), so(ctbs, csig))
	itbs, isig := refuse(challenge, vgen.CertThird, p.Keys[payee])
	b.Invalid(rg, "refuse-other-payee-id", "bob's key signs a refusal naming another payee id", "R1.3", spec.CodeBadSignature, []string{"ModifiedField", "chip-refuse"}, rin(encodeRefuse(challenge, isig), false), so(itbs, isig))
	otbs, osig := refuse(other, payee, p.Keys[payee])
	b.Invalid(rg, "refuse-wrong-challenge", "bob's signed refusal of another challenge: no logged payment awaits it", "R1.2", spec.CodeReplay, []string{"Replay", "chip-refuse"}, rin(encodeRefuse(other, osig), false), so(otbs, osig))
	rdata := apdu.Marshal([]apdu.TLV{{Tag: TagChallenge, Value: challenge}, {Tag: TagSig, Value: sig}})
	b.Invalid(rg, "refuse-le-present", "REFUSE with an Le", "R1.1", spec.CodeMalformed, []string{"ModifiedField", "chip-header"}, rin(command(g, apdu.Command{CLA: CLA, INS: INSRefuse, Data: rdata, Le: 256}), false), nil)
	b.Invalid(rg, "refuse-empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, rin(nil, false), nil)
}

// refAPDUPay decides an InitiatePay case with the model's own card: a
// fresh card provisioned from the input (kit.PayeeDevice, the holdings
// stored as its coins) answers the command at its payer endpoint.
func refAPDUPay(s suite.Suite, in APDUPayInput) (verdict, inputErr error) {
	_, verdict, inputErr = cardPays(s, in)
	return verdict, inputErr
}

// paySender is the InitiatePay shape's answer: the TRANSFER R-APDU the
// card sends, which the harness checks as the payee terminal would.
var paySender = vgen.Sender{
	Produce: func(s suite.Suite, c vgen.Case) ([]byte, error) {
		var in APDUPayInput
		if err := vgen.DecodeInput(c, &in); err != nil {
			return nil, err
		}
		resp, verdict, err := cardPays(s, in)
		if err == nil {
			err = verdict
		}
		return resp, err
	},
	Check: func(s suite.Suite, c vgen.Case, out []byte) error {
		var in APDUPayInput
		if err := vgen.DecodeInput(c, &in); err != nil {
			return err
		}
		return checkPaid(s, in, out)
	},
}

// checkPaid verifies a TRANSFER a card answered an InitiatePay case with:
// the payee terminal that sent the INITIATE accepts it (the checks of a
// TransferResponse case, with the INITIATE's payee, challenge and amount),
// its payer certificate is the card's and every coin it spends is one of
// the card's holdings, byte for byte, each at most once.
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

// cardPays provisions the card of an InitiatePay case and hands it the
// command: its answer (the TRANSFER) when it pays, else its refusal.
func cardPays(s suite.Suite, in APDUPayInput) (resp []byte, verdict, inputErr error) {
	var u vgen.Unhexer
	raw, card := u.B("command", in.Command), u.B("card", in.Card)
	key, cert, root, crl, coinKey := u.B("cardKey", in.CardKey), u.B("cardCertificate", in.CardCertificate), u.B("root", in.Root), u.B("crl", in.CRL), u.B("issuerPublicKey", in.IssuerPublicKey)
	var agents [][]byte
	for i, a := range in.Certificates {
		agents = append(agents, u.B(fmt.Sprintf("certificates[%d]", i), a))
	}
	extra := map[string][]byte{keyState: kit.MustJSON(seState{SyncUnix: in.At})}
	for i, hx := range in.Holdings {
		hb := u.B(fmt.Sprintf("holdings[%d]", i), hx)
		if u.Err != nil {
			break
		}
		h, err := transfer.ParseHolding(hb)
		if err != nil {
			return nil, nil, fmt.Errorf("holdings[%d]: %v", i, err)
		}
		extra[kit.PrefCoin+kit.CoinKey(h)] = hb
	}
	if u.Err != nil {
		return nil, nil, u.Err
	}
	p := kit.PayeeProvision{Suite: s, ID: string(card), Key: key, Cert: cert, Root: root, CRL: crl, CoinKey: coinKey, Agents: agents, At: time.Unix(in.At, 0).UTC()}
	w, dev, err := kit.PayeeDevice(p, extra)
	if err != nil {
		return nil, nil, err
	}
	se := &SE{Core: kit.Core{S: s, Dev: dev}, w: w}
	if err := loadStore(se); err != nil {
		return nil, nil, err
	}
	replies, err := se.payerEndpoint(world.Message{From: "payee", To: dev.ID(), Payload: raw})
	if err != nil {
		return nil, err, nil
	}
	if len(replies) != 1 {
		return nil, nil, fmt.Errorf("the card answered INITIATE with %d messages", len(replies))
	}
	return replies[0].Payload, nil, nil
}

// refAPDURefuse decides a REFUSE as models/chip payerEndpoint and
// rollback do (CheckHeader, ParseConfirm, the logged challenge,
// CheckRefusal) with one payment in the card's log.
func refAPDURefuse(s suite.Suite, in APDURefuseInput) (verdict, inputErr error) {
	var u vgen.Unhexer
	raw, logged, certRaw := u.B("command", in.Command), u.B("challenge", in.Challenge), u.B("payeeCertificate", in.PayeeCertificate)
	if u.Err != nil {
		return nil, u.Err
	}
	payee, err := devcert.Parse(s, certRaw)
	if err != nil {
		return nil, fmt.Errorf("payeeCertificate: %v", err)
	}
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return err, nil
	}
	if err := CheckHeader(cmd, INSRefuse); err != nil {
		return err, nil
	}
	challenge, sig, err := ParseConfirm(cmd.Data)
	if err != nil {
		return err, nil
	}
	if !bytes.Equal(challenge, logged) && spec.Makes("chip-refuse") {
		return spec.Errorf(spec.CodeReplay, "no payment awaits this refusal"), nil
	}
	return CheckRefusal(payee, in.Acknowledged, challenge, sig), nil
}
