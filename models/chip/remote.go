package chip

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file is the chip card's side of the adapter protocol
// (conformance/adapter/PROTOCOL.md §7): the operations an external card
// answers, their parameters and results (the Op* constants and the wire
// types below), and remoteCard, the Device that forwards them over a
// models.Link. Host (host.go) answers them with the reference card.

// Operations of an external chip card.
const (
	OpKeygen        = "chip.keygen"         // KeygenParams → KeygenResult
	OpPersonalize   = "chip.personalize"    // Personalization → {}
	OpStartPayee    = "chip.start-payee"    // StartPayeeParams → MessageResult
	OpPayer         = "chip.payer"          // DeliverParams → DeliverResult
	OpPayee         = "chip.payee"          // DeliverParams → DeliverResult
	OpEndSession    = "chip.end-session"    // {} → EndSessionResult
	OpState         = "chip.state"          // {} → WireState
	OpCredit        = "chip.credit"         // CreditParams → {}
	OpSignDeposit   = "chip.sign-deposit"   // SignDepositParams → {}
	OpFinishDeposit = "chip.finish-deposit" // FinishDepositParams → {}
	OpReset         = "chip.reset"          // ResetParams → {}
)

// Ops lists the operations, for handshakes and documentation.
var Ops = []string{OpKeygen, OpPersonalize, OpStartPayee, OpPayer, OpPayee, OpEndSession, OpState, OpCredit, OpSignDeposit, OpFinishDeposit, OpReset}

// KeygenParams ask a new card to generate its key pair. Seed is the
// harness's randomness for this card (32 bytes): a card that derives its
// key and its challenges from it makes runs reproducible; one with a
// hardware generator may ignore it.
type KeygenParams struct {
	Party string     `json:"party"`
	Suite string     `json:"suite"`
	Seed  models.Hex `json:"seed"`
}

// KeygenResult is the new card's public key, SubjectPublicKeyInfo DER.
type KeygenResult struct {
	PublicKey models.Hex `json:"publicKey"`
}

// Personalization is what the agent bank loads onto a card besides its
// key: its certificate (subject = ID), the trust anchors, the issuer's
// coin key, the revocation list, the agents' certificates, the offline
// limits and the time of this online sync (Unix seconds).
type Personalization struct {
	ID          string       `json:"id"`
	Certificate models.Hex   `json:"certificate"`
	Root        models.Hex   `json:"root"`
	IssuerKey   models.Hex   `json:"issuerKey"`
	CRL         models.Hex   `json:"crl"`
	Agents      []models.Hex `json:"agents"`
	Limits      WireLimits   `json:"limits"`
	Sync        int64        `json:"sync"`
}

// WireLimits are bank.Limits on the wire.
type WireLimits struct {
	PerPayment int64 `json:"perPayment"`
	Cumulative int64 `json:"cumulative"`
	Count      int   `json:"count"`
}

// WireMessage is one APDU exchanged offline: Type names the step
// (INITIATE, TRANSFER, CONFIRM, DONE, REFUSE), Payload is the command or
// response APDU.
type WireMessage struct {
	From    string     `json:"from"`
	To      string     `json:"to"`
	Type    string     `json:"type"`
	Payload models.Hex `json:"payload"`
}

// StartPayeeParams open a payee session.
type StartPayeeParams struct {
	Payer  string `json:"payer"`
	Amount int64  `json:"amount"`
}

// MessageResult carries one message.
type MessageResult struct {
	Message WireMessage `json:"message"`
}

// DeliverParams hand the card one message.
type DeliverParams struct {
	Message WireMessage `json:"message"`
}

// DeliverResult is the card's answer to a message: the messages it sends
// back, and Refused when it refused the message (a canonical error code,
// or a vendor name the vendor config maps to one). A card may refuse and
// still answer (an error status word, a signed REFUSE).
type DeliverResult struct {
	Messages []WireMessage `json:"messages"`
	Refused  *WireError    `json:"refused,omitempty"`
}

// WireError is a refusal on the wire.
type WireError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// EndSessionResult reports whether the payee stored value in the session.
type EndSessionResult struct {
	Received bool `json:"received"`
}

// WireState is CardState on the wire: holdings are DER, keyed by the
// card's own coin keys.
type WireState struct {
	ID       string        `json:"id"`
	Spent    int64         `json:"spent"`
	Payments int           `json:"payments"`
	Coins    []WireCoin    `json:"coins"`
	Log      []WireLog     `json:"log"`
	Deposits []WireDeposit `json:"deposits"`
}

// WireCoin is one held coin.
type WireCoin struct {
	Key     string     `json:"key"`
	Holding models.Hex `json:"holding"`
}

// WireLog is a LogEntry on the wire.
type WireLog struct {
	Key      string       `json:"key"`
	Payee    string       `json:"payee"`
	Holdings []models.Hex `json:"holdings"`
	Records  []models.Hex `json:"records"`
	Acked    bool         `json:"acked"`
}

// WireDeposit is a DepositEntry on the wire.
type WireDeposit struct {
	Key      string       `json:"key"`
	Holdings []models.Hex `json:"holdings"`
	Records  []models.Hex `json:"records"`
}

// CreditParams are Device.Credit's arguments.
type CreditParams struct {
	Holdings     []models.Hex `json:"holdings"`
	Certificates []models.Hex `json:"certificates"`
	Settled      []string     `json:"settled"`
}

// SignDepositParams are Device.SignDeposit's arguments.
type SignDepositParams struct {
	Agent string   `json:"agent"`
	Coins []string `json:"coins"`
}

// FinishDepositParams are Device.FinishDeposit's arguments.
type FinishDepositParams struct {
	Key      string `json:"key"`
	Accepted bool   `json:"accepted"`
}

// ResetParams are Device.Reset's arguments.
type ResetParams struct {
	Sync int64      `json:"sync"`
	CRL  models.Hex `json:"crl"`
}

// attach personalises an external card: it generates its key, the central
// bank certifies it, the agent loads the rest.
func (in *Instance) attach(id world.PartyID, cfg models.Config) error {
	if cfg.Dial == nil {
		return spec.Errorf(spec.CodeUnimplemented, "wallet %s is external but no dialer is configured", id)
	}
	in.w.AddDevice(id, false) // the world's handle for power cuts; the state lives outside
	link, err := cfg.Dial(id)
	if err != nil {
		return err
	}
	in.links[id] = link
	rc := &remoteCard{link: link, party: id}
	var kr KeygenResult
	seed := in.w.Rand("se-key/" + string(id)).Bytes(32)
	if err := rc.call(OpKeygen, KeygenParams{Party: string(id), Suite: string(cfg.Suite.ID()), Seed: seed}, &kr); err != nil {
		return err
	}
	pub, err := cfg.Suite.ParsePublicKey(kr.PublicKey)
	if err != nil {
		return fmt.Errorf("%w: %s's public key: %v", models.ErrBroken, id, err)
	}
	in.w.Trace().Note(id, "external card: key generated on card")
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, pub)
	if err != nil {
		return err
	}
	if err := rc.call(OpPersonalize, in.materials(string(id), cert, cfg), nil); err != nil {
		return err
	}
	in.w.Trace().Note(id, "personalised by %s for its holder", AgentID)
	in.add(id, rc, string(id))
	return nil
}

// remoteCard is an external card: every Device operation is one Link call.
type remoteCard struct {
	link  models.Link
	party world.PartyID
}

var _ Device = (*remoteCard)(nil)

// Canonicalizer is implemented by a Link that knows the vendor's error
// names (the vendor config): it maps a name to a canonical code.
type Canonicalizer interface {
	Canonical(name string) (spec.Code, bool)
}

func (rc *remoteCard) call(op string, params, result any) error {
	return rc.link.Call(op, params, result)
}

func (rc *remoteCard) refusal(w *WireError) error {
	if w == nil {
		return nil
	}
	code := spec.Code(w.Code)
	if !code.Known() {
		if c, ok := rc.link.(Canonicalizer); ok {
			if m, ok := c.Canonical(w.Code); ok {
				code = m
			}
		}
	}
	if !code.Known() {
		return fmt.Errorf("%w: %s refused with %q, which is neither a canonical code nor a mapped vendor name", models.ErrBroken, rc.party, w.Code)
	}
	return spec.Errorf(code, "%s", w.Message)
}

func toWire(m world.Message) WireMessage {
	return WireMessage{From: string(m.From), To: string(m.To), Type: m.Type, Payload: m.Payload}
}

func (rc *remoteCard) fromWire(w WireMessage, to world.PartyID) world.Message {
	// The card speaks for itself only: whatever From it writes, the
	// message leaves this device. It may address another party.
	m := world.Message{From: rc.party, To: to, Type: w.Type, Payload: w.Payload}
	if w.To != "" {
		m.To = world.PartyID(w.To)
	}
	return m
}

func (rc *remoteCard) StartPayee(payer world.PartyID, amount int64) (world.Message, error) {
	var r MessageResult
	if err := rc.call(OpStartPayee, StartPayeeParams{Payer: string(payer), Amount: amount}, &r); err != nil {
		return world.Message{}, err
	}
	return rc.fromWire(r.Message, payer), nil
}

func (rc *remoteCard) deliver(op string, m world.Message) ([]world.Message, error) {
	var r DeliverResult
	if err := rc.call(op, DeliverParams{Message: toWire(m)}, &r); err != nil {
		return nil, err
	}
	out := make([]world.Message, len(r.Messages))
	for i, w := range r.Messages {
		out[i] = rc.fromWire(w, m.From)
	}
	return out, rc.refusal(r.Refused)
}

func (rc *remoteCard) Payer(m world.Message) ([]world.Message, error) { return rc.deliver(OpPayer, m) }
func (rc *remoteCard) Payee(m world.Message) ([]world.Message, error) { return rc.deliver(OpPayee, m) }

func (rc *remoteCard) EndSession() (bool, error) {
	var r EndSessionResult
	err := rc.call(OpEndSession, struct{}{}, &r)
	return r.Received, err
}

func (rc *remoteCard) State() (*CardState, error) {
	var w WireState
	if err := rc.call(OpState, struct{}{}, &w); err != nil {
		return nil, err
	}
	s := &CardState{ID: w.ID, Spent: w.Spent, Payments: w.Payments, Coins: map[string]*transfer.Holding{}}
	for _, c := range w.Coins {
		h, err := transfer.ParseHolding(c.Holding)
		if err != nil {
			return nil, fmt.Errorf("%w: %s reports coin %q that does not parse: %v", models.ErrBroken, rc.party, c.Key, err)
		}
		if _, dup := s.Coins[c.Key]; dup {
			return nil, fmt.Errorf("%w: %s reports coin key %q twice", models.ErrBroken, rc.party, c.Key)
		}
		s.Coins[c.Key] = h
	}
	for _, e := range w.Log {
		s.Log = append(s.Log, LogEntry{Key: e.Key, Payee: e.Payee, Holdings: models.Bytes(e.Holdings), Records: models.Bytes(e.Records), Acked: e.Acked})
	}
	for _, e := range w.Deposits {
		s.Deposits = append(s.Deposits, DepositEntry{Key: e.Key, Holdings: models.Bytes(e.Holdings), Records: models.Bytes(e.Records)})
	}
	return s, nil
}

func (rc *remoteCard) Credit(hs []*transfer.Holding, certs [][]byte, settled []string) error {
	p := CreditParams{Certificates: models.HexList(certs), Settled: settled}
	for _, h := range hs {
		p.Holdings = append(p.Holdings, h.Marshal())
	}
	return rc.call(OpCredit, p, nil)
}

func (rc *remoteCard) SignDeposit(agent string, coins []string) error {
	return rc.call(OpSignDeposit, SignDepositParams{Agent: agent, Coins: coins}, nil)
}

func (rc *remoteCard) FinishDeposit(key string, accepted bool) error {
	return rc.call(OpFinishDeposit, FinishDepositParams{Key: key, Accepted: accepted}, nil)
}

func (rc *remoteCard) Reset(sync int64, crl []byte) error {
	return rc.call(OpReset, ResetParams{Sync: sync, CRL: crl}, nil)
}

func (rc *remoteCard) Restart() error { return rc.link.Restart() }

// wireLimits converts limits for the wire.
func wireLimits(l bank.Limits) WireLimits {
	return WireLimits{PerPayment: l.PerPayment, Cumulative: l.Cumulative, Count: l.Count}
}
