package cert

import (
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file is the cert wallet's side of the adapter protocol
// (conformance/adapter/PROTOCOL.md §7): the operations an external wallet
// answers, their parameters and results (the Op* constants and the wire
// types below), and remoteWallet, the Device that forwards them over a
// models.Link. Host (host.go) answers them with the reference SIM. The
// operations are the same in both variants ("cert" and "cert-literal");
// the wallet learns which one it plays at keygen.
//
// Phones have clocks, and the harness simulates time: every operation that
// may judge a certificate carries Now, the reading of the device's clock
// (the world's time plus the device's skew). A wallet judges validity at
// that time, not at its host's.

// Operations of an external cert wallet.
const (
	OpKeygen        = "cert.keygen"         // KeygenParams → KeygenResult
	OpProvision     = "cert.provision"      // Provisioning → {}
	OpStartPayee    = "cert.start-payee"    // StartPayeeParams → MessageResult
	OpPayer         = "cert.payer"          // DeliverParams → DeliverResult
	OpPayee         = "cert.payee"          // DeliverParams → DeliverResult
	OpEndSession    = "cert.end-session"    // {} → {}
	OpState         = "cert.state"          // {} → WireState
	OpUnspendable   = "cert.unspendable"    // ClockParams → UnspendableResult
	OpCheckAgent    = "cert.check-agent"    // CheckAgentParams → {}
	OpIssue         = "cert.issue"          // IssueParams → {}
	OpSettle        = "cert.settle"         // SettleParams → {}
	OpSignDeposit   = "cert.sign-deposit"   // SignDepositParams → {}
	OpFinishDeposit = "cert.finish-deposit" // FinishDepositParams → {}
	OpReset         = "cert.reset"          // ResetParams → {}
)

// Ops lists the operations, for handshakes and documentation.
var Ops = []string{OpKeygen, OpProvision, OpStartPayee, OpPayer, OpPayee, OpEndSession, OpState, OpUnspendable,
	OpCheckAgent, OpIssue, OpSettle, OpSignDeposit, OpFinishDeposit, OpReset}

// KeygenParams ask a new wallet to generate its key pair. Variant is the
// scheme it plays ("cert" or "cert-literal"). Seed is the harness's
// randomness for this wallet (32 bytes): a wallet that derives its key,
// its nonces and its content keys from it makes runs reproducible; one
// with a hardware generator may ignore it.
type KeygenParams struct {
	Party   string     `json:"party"`
	Suite   string     `json:"suite"`
	Variant string     `json:"variant"`
	Seed    models.Hex `json:"seed"`
}

// KeygenResult is the new wallet's public key, SubjectPublicKeyInfo DER.
type KeygenResult struct {
	PublicKey models.Hex `json:"publicKey"`
}

// Provisioning is what the agent bank loads into a SIM besides its key:
// its certificate (subject = ID), the root, the issuer's coin key, the
// revocation list, the agent HSM's coin-string key (key id ‖ key: what
// opens the coin strings of an ISSUE), the agents' certificates, the
// offline limits and the time of this online sync (Unix seconds).
type Provisioning struct {
	ID          string       `json:"id"`
	Certificate models.Hex   `json:"certificate"`
	Root        models.Hex   `json:"root"`
	IssuerKey   models.Hex   `json:"issuerKey"`
	CRL         models.Hex   `json:"crl"`
	HSMKey      models.Hex   `json:"hsmKey"`
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

// WireMessage is one message exchanged offline: Type names the step
// (HELLO-PAYEE, HELLO-PAYER, PROCEED, TX, DEDUCT, DEDUCTED), Payload is
// its DER.
type WireMessage struct {
	From    string     `json:"from"`
	To      string     `json:"to"`
	Type    string     `json:"type"`
	Payload models.Hex `json:"payload"`
}

// StartPayeeParams open a payment request, as payee.
type StartPayeeParams struct {
	Payer  string    `json:"payer"`
	Amount int64     `json:"amount"`
	Now    time.Time `json:"now"`
}

// MessageResult carries one message.
type MessageResult struct {
	Message WireMessage `json:"message"`
}

// DeliverParams hand the wallet one message, at the device's time Now.
type DeliverParams struct {
	Message WireMessage `json:"message"`
	Now     time.Time   `json:"now"`
}

// DeliverResult is the wallet's answer to a message: the messages it sends
// back, and Refused when it refused the message (a canonical error code,
// or a vendor name the vendor config maps to one).
type DeliverResult struct {
	Messages []WireMessage `json:"messages"`
	Refused  *WireError    `json:"refused,omitempty"`
}

// WireError is a refusal on the wire.
type WireError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// WireState is WalletState on the wire: holdings and records are DER,
// coins keyed by the wallet's own coin keys.
type WireState struct {
	ID       string        `json:"id"`
	Spent    int64         `json:"spent"`
	Payments int           `json:"payments"`
	Received int           `json:"received"`
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
	Amount   int64        `json:"amount"`
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

// ClockParams carry only the device's time.
type ClockParams struct {
	Now time.Time `json:"now"`
}

// UnspendableResult lists coin keys.
type UnspendableResult struct {
	Coins []string `json:"coins"`
}

// CheckAgentParams are Device.CheckAgent's arguments.
type CheckAgentParams struct {
	Certificate models.Hex `json:"certificate"`
	Now         time.Time  `json:"now"`
}

// IssueParams are Device.Issue's arguments: the ISSUE envelope's DER.
type IssueParams struct {
	Issue models.Hex `json:"issue"`
	Now   time.Time  `json:"now"`
}

// SettleParams are Device.Settle's arguments.
type SettleParams struct {
	Mail         []models.Hex `json:"mail"`
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

// ResetParams are Device.Reset's arguments; Issue may be empty.
type ResetParams struct {
	Sync  int64      `json:"sync"`
	CRL   models.Hex `json:"crl"`
	Issue models.Hex `json:"issue,omitempty"`
	Now   time.Time  `json:"now"`
}

// attach provisions an external wallet: it generates its key on the
// device, the central bank certifies it, the agent loads the rest.
func (in *Instance) attach(id world.PartyID, sc Scheme, cfg models.Config) error {
	if cfg.Dial == nil {
		return spec.Errorf(spec.CodeUnimplemented, "wallet %s is external but no dialer is configured", id)
	}
	in.w.AddDevice(id, true) // the world's handle for the clock and power cuts; the state lives outside
	link, err := cfg.Dial(id)
	if err != nil {
		return err
	}
	in.links[id] = link
	rw := in.remote(id, link)
	var kr KeygenResult
	seed := in.w.Rand("sim-key/" + string(id)).Bytes(32)
	if err := rw.call(OpKeygen, KeygenParams{Party: string(id), Suite: string(cfg.Suite.ID()), Variant: sc.Info().Name, Seed: seed}, &kr); err != nil {
		return err
	}
	pub, err := cfg.Suite.ParsePublicKey(kr.PublicKey)
	if err != nil {
		return fmt.Errorf("%w: %s's public key: %v", models.ErrBroken, id, err)
	}
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, pub)
	if err != nil {
		return err
	}
	if err := rw.call(OpProvision, in.materials(string(id), cert, cfg), nil); err != nil {
		return err
	}
	in.w.Trace().Note(id, "external SIM provisioned by %s; key generated on the SIM", AgentID)
	in.add(id, rw, string(id))
	return nil
}

// remote makes the Device of the external wallet party behind link.
func (in *Instance) remote(party world.PartyID, link models.Link) *remoteWallet {
	return &remoteWallet{link: link, party: party, now: func() time.Time {
		if d := in.w.Device(party); d != nil {
			if t, ok := d.Now(); ok {
				return t
			}
		}
		return in.w.Now()
	}}
}

// remoteWallet is an external wallet: every Device operation is one Link
// call.
type remoteWallet struct {
	link  models.Link
	party world.PartyID
	now   func() time.Time // the device's clock
}

var _ Device = (*remoteWallet)(nil)

// Canonicalizer is implemented by a Link that knows the vendor's error
// names (the vendor config): it maps a name to a canonical code.
type Canonicalizer interface {
	Canonical(name string) (spec.Code, bool)
}

func (rw *remoteWallet) call(op string, params, result any) error {
	return rw.link.Call(op, params, result)
}

func (rw *remoteWallet) refusal(w *WireError) error {
	if w == nil {
		return nil
	}
	code := spec.Code(w.Code)
	if !code.Known() {
		if c, ok := rw.link.(Canonicalizer); ok {
			if m, ok := c.Canonical(w.Code); ok {
				code = m
			}
		}
	}
	if !code.Known() {
		return fmt.Errorf("%w: %s refused with %q, which is neither a canonical code nor a mapped vendor name", models.ErrBroken, rw.party, w.Code)
	}
	return spec.Errorf(code, "%s", w.Message)
}

func toWire(m world.Message) WireMessage {
	return WireMessage{From: string(m.From), To: string(m.To), Type: m.Type, Payload: m.Payload}
}

func (rw *remoteWallet) fromWire(w WireMessage, to world.PartyID) world.Message {
	// The wallet speaks for itself only: whatever From it writes, the
	// message leaves this device. It may address another party.
	m := world.Message{From: rw.party, To: to, Type: w.Type, Payload: w.Payload}
	if w.To != "" {
		m.To = world.PartyID(w.To)
	}
	return m
}

func (rw *remoteWallet) StartPayee(payer world.PartyID, amount int64) (world.Message, error) {
	var r MessageResult
	if err := rw.call(OpStartPayee, StartPayeeParams{Payer: string(payer), Amount: amount, Now: rw.now()}, &r); err != nil {
		return world.Message{}, err
	}
	return rw.fromWire(r.Message, payer), nil
}

func (rw *remoteWallet) deliver(op string, m world.Message) ([]world.Message, error) {
	var r DeliverResult
	if err := rw.call(op, DeliverParams{Message: toWire(m), Now: rw.now()}, &r); err != nil {
		return nil, err
	}
	out := make([]world.Message, len(r.Messages))
	for i, w := range r.Messages {
		out[i] = rw.fromWire(w, m.From)
	}
	return out, rw.refusal(r.Refused)
}

func (rw *remoteWallet) Payer(m world.Message) ([]world.Message, error) {
	return rw.deliver(OpPayer, m)
}

func (rw *remoteWallet) Payee(m world.Message) ([]world.Message, error) {
	return rw.deliver(OpPayee, m)
}

func (rw *remoteWallet) EndSession() error { return rw.call(OpEndSession, struct{}{}, nil) }

func (rw *remoteWallet) State() (*WalletState, error) {
	var w WireState
	if err := rw.call(OpState, struct{}{}, &w); err != nil {
		return nil, err
	}
	s := &WalletState{ID: w.ID, Spent: w.Spent, Payments: w.Payments, Received: w.Received, Coins: map[string]*transfer.Holding{}}
	for _, c := range w.Coins {
		h, err := transfer.ParseHolding(c.Holding)
		if err != nil {
			return nil, fmt.Errorf("%w: %s reports coin %q that does not parse: %v", models.ErrBroken, rw.party, c.Key, err)
		}
		if _, dup := s.Coins[c.Key]; dup {
			return nil, fmt.Errorf("%w: %s reports coin key %q twice", models.ErrBroken, rw.party, c.Key)
		}
		s.Coins[c.Key] = h
	}
	for _, e := range w.Log {
		s.Log = append(s.Log, LogEntry{Key: e.Key, Payee: e.Payee, Amount: e.Amount, Holdings: models.Bytes(e.Holdings), Records: models.Bytes(e.Records), Acked: e.Acked})
	}
	for _, e := range w.Deposits {
		s.Deposits = append(s.Deposits, DepositEntry{Key: e.Key, Holdings: models.Bytes(e.Holdings), Records: models.Bytes(e.Records)})
	}
	return s, nil
}

func (rw *remoteWallet) Unspendable() ([]string, error) {
	var r UnspendableResult
	err := rw.call(OpUnspendable, ClockParams{Now: rw.now()}, &r)
	return r.Coins, err
}

func (rw *remoteWallet) CheckAgent(cert []byte) error {
	return rw.call(OpCheckAgent, CheckAgentParams{Certificate: cert, Now: rw.now()}, nil)
}

func (rw *remoteWallet) Issue(payload []byte) error {
	return rw.call(OpIssue, IssueParams{Issue: payload, Now: rw.now()}, nil)
}

func (rw *remoteWallet) Settle(mail []*transfer.Holding, certs [][]byte, settled []string) error {
	p := SettleParams{Mail: []models.Hex{}, Certificates: models.HexList(certs), Settled: settled}
	for _, h := range mail {
		p.Mail = append(p.Mail, h.Marshal())
	}
	if p.Settled == nil {
		p.Settled = []string{}
	}
	return rw.call(OpSettle, p, nil)
}

func (rw *remoteWallet) SignDeposit(agent string, coins []string) error {
	return rw.call(OpSignDeposit, SignDepositParams{Agent: agent, Coins: coins}, nil)
}

func (rw *remoteWallet) FinishDeposit(key string, accepted bool) error {
	return rw.call(OpFinishDeposit, FinishDepositParams{Key: key, Accepted: accepted}, nil)
}

func (rw *remoteWallet) Reset(sync int64, crl []byte, issue []byte) error {
	return rw.call(OpReset, ResetParams{Sync: sync, CRL: crl, Issue: issue, Now: rw.now()}, nil)
}

func (rw *remoteWallet) Restart() error { return rw.link.Restart() }

// wireLimits converts limits for the wire.
func wireLimits(l bank.Limits) WireLimits {
	return WireLimits{PerPayment: l.PerPayment, Cumulative: l.Cumulative, Count: l.Count}
}
