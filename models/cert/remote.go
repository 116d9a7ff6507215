package cert

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file is the cert wallet's side of the adapter protocol
// (conformance/adapter/PROTOCOL.md §7): the operations an external wallet
// answers, their parameters and results (the Op* constants and the wire
// types below, with those every scheme shares from models/device), and
// remoteWallet, the Device that forwards them over a models.Link. Host
// (host.go) answers them with the reference SIM. The operations are the
// same in both variants ("cert" and "cert-literal"); the wallet learns
// which one it plays at keygen.
//
// Phones have clocks, and the harness simulates time: every operation that
// may judge a certificate carries Now, the reading of the device's clock
// (the world's time plus the device's skew). A wallet judges validity at
// that time, not at its host's.

// Operations of an external cert wallet.
const (
	OpKeygen        = "cert.keygen"         // KeygenParams → device.KeygenResult
	OpProvision     = "cert.provision"      // Provisioning → {}
	OpStartPayee    = "cert.start-payee"    // StartPayeeParams → device.MessageResult
	OpPayer         = "cert.payer"          // DeliverParams → device.DeliverResult
	OpPayee         = "cert.payee"          // DeliverParams → device.DeliverResult
	OpEndSession    = "cert.end-session"    // {} → {}
	OpState         = "cert.state"          // {} → WireState
	OpUnspendable   = "cert.unspendable"    // ClockParams → UnspendableResult
	OpCheckAgent    = "cert.check-agent"    // CheckAgentParams → {}
	OpIssue         = "cert.issue"          // IssueParams → {}
	OpSettle        = "cert.settle"         // SettleParams → {}
	OpSignDeposit   = "cert.sign-deposit"   // device.SignDepositParams → {}
	OpFinishDeposit = "cert.finish-deposit" // device.FinishDepositParams → {}
	OpReset         = "cert.reset"          // ResetParams → {}
)

// depositOps are the wallet's deposit operations (device.DepositOps).
var depositOps = device.DepositOps{Sign: OpSignDeposit, Finish: OpFinishDeposit}

// wire pairs every operation with its wire types (device.Served.Ops).
var wire = []device.Op{
	{Name: OpKeygen, Params: KeygenParams{}, Result: device.KeygenResult{}},
	{Name: OpProvision, Params: Provisioning{}, Result: device.None{}},
	{Name: OpStartPayee, Params: StartPayeeParams{}, Result: device.MessageResult{}},
	{Name: OpPayer, Params: DeliverParams{}, Result: device.DeliverResult{}},
	{Name: OpPayee, Params: DeliverParams{}, Result: device.DeliverResult{}},
	{Name: OpEndSession, Params: device.None{}, Result: device.None{}},
	{Name: OpState, Params: device.None{}, Result: WireState{}},
	{Name: OpUnspendable, Params: ClockParams{}, Result: UnspendableResult{}},
	{Name: OpCheckAgent, Params: CheckAgentParams{}, Result: device.None{}},
	{Name: OpIssue, Params: IssueParams{}, Result: device.None{}},
	{Name: OpSettle, Params: SettleParams{}, Result: device.None{}},
	{Name: OpSignDeposit, Params: device.SignDepositParams{}, Result: device.None{}},
	{Name: OpFinishDeposit, Params: device.FinishDepositParams{}, Result: device.None{}},
	{Name: OpReset, Params: ResetParams{}, Result: device.None{}},
}

// Ops lists the operations, for handshakes and documentation.
var Ops = device.OpNames(wire)

// KeygenParams ask a new wallet to generate its key pair: the params
// every scheme's keygen has (the seed: the wallet's nonces and content
// keys come from it too) and Variant, the scheme it plays ("cert" or
// "cert-literal").
type KeygenParams struct {
	device.KeygenParams
	Variant string `json:"variant"`
}

// Provisioning is what the agent bank loads into a SIM besides its key:
// its certificate (subject = ID), the root, the issuer's coin key, the
// revocation list, the agent HSM's coin-string key (key id ‖ key: what
// opens the coin strings of an ISSUE), the agents' certificates, the
// offline limits and the time of this online sync (Unix seconds).
type Provisioning struct {
	device.Material
	HSMKey models.Hex `json:"hsmKey"`
}

// StartPayeeParams open a payment request, as payee.
type StartPayeeParams struct {
	Payer  string    `json:"payer"`
	Amount int64     `json:"amount"`
	Now    time.Time `json:"now"`
}

// DeliverParams hand the wallet one message, at the device's time Now: its
// Type names the step (HELLO-PAYEE, HELLO-PAYER, PROCEED, TX, DEDUCT,
// DEDUCTED), its Payload is the message's DER.
type DeliverParams struct {
	Message device.Message `json:"message"`
	Now     time.Time      `json:"now"`
}

// WireState is WalletState on the wire: holdings and records are DER,
// coins keyed by the wallet's own coin keys, and Received counts the
// payments the wallet received.
type WireState struct {
	device.State[WireLog]
	Received int `json:"received"`
}

// WireLog is a LogEntry on the wire: with the amount the payment stated.
type WireLog struct {
	device.Log
	Amount int64 `json:"amount"`
}

// wire is e on the wire. A cert wallet refuses nothing it stored, so
// its entries carry no refusal (refusal absent).
func (e LogEntry) wire() WireLog {
	return WireLog{Log: kit.WireLog(e.LogEntry), Amount: e.Amount}
}

// logEntry reads w off the wire (LogEntry.wire undone); a refusal an
// external wallet reports is not part of the cert protocol and is
// dropped.
func (w WireLog) logEntry() LogEntry {
	e := kit.LogFromWire(w.Log)
	e.Refusal = nil
	return LogEntry{LogEntry: e, Amount: w.Amount}
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
	ext := device.External{Clock: true, Keygen: OpKeygen, Seed: "sim-key/", Params: func(p device.KeygenParams) any {
		return KeygenParams{KeygenParams: p, Variant: sc.Info().Name}
	}}
	r, pub, err := ext.Attach(in.w, id, cfg.Dial, in.Links, cfg.Suite)
	if err != nil {
		return err
	}
	rw := in.remote(id, r.Link)
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, pub)
	if err != nil {
		return err
	}
	if err := rw.Call(OpProvision, in.materials(string(id), cert, cfg), nil); err != nil {
		return err
	}
	in.w.Trace().Note(id, "external SIM provisioned by %s; key generated on the SIM", AgentID)
	in.Add(id, rw, string(id))
	return nil
}

// remote makes the Device of the external wallet party behind link.
func (in *Instance) remote(party world.PartyID, link models.Link) *remoteWallet {
	return &remoteWallet{RemoteHolder: device.RemoteHolder{Remote: device.Remote{Link: link, Party: party}, Ops: depositOps}, now: func() time.Time {
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
	device.RemoteHolder
	now func() time.Time // the device's clock
}

var _ Device = (*remoteWallet)(nil)

func (rw *remoteWallet) StartPayee(payer world.PartyID, amount int64) (world.Message, error) {
	return rw.Open(OpStartPayee, StartPayeeParams{Payer: string(payer), Amount: amount, Now: rw.now()}, payer)
}

func (rw *remoteWallet) deliver(op string, m world.Message) ([]world.Message, error) {
	return rw.Deliver(op, DeliverParams{Message: device.ToWire(m), Now: rw.now()}, m.From)
}

func (rw *remoteWallet) Payer(m world.Message) ([]world.Message, error) {
	return rw.deliver(OpPayer, m)
}

func (rw *remoteWallet) Payee(m world.Message) ([]world.Message, error) {
	return rw.deliver(OpPayee, m)
}

func (rw *remoteWallet) EndSession() error { return rw.Call(OpEndSession, struct{}{}, nil) }

func (rw *remoteWallet) State() (*WalletState, error) {
	var w WireState
	s, err := kit.ReadState(&rw.Remote, OpState, &w, &w.State, WireLog.logEntry)
	if err != nil {
		return nil, err
	}
	return &WalletState{State: s, Received: w.Received}, nil
}

func (rw *remoteWallet) Unspendable() ([]string, error) {
	var r UnspendableResult
	err := rw.Call(OpUnspendable, ClockParams{Now: rw.now()}, &r)
	return r.Coins, err
}

func (rw *remoteWallet) CheckAgent(cert []byte) error {
	return rw.Call(OpCheckAgent, CheckAgentParams{Certificate: cert, Now: rw.now()}, nil)
}

func (rw *remoteWallet) Issue(payload []byte) error {
	return rw.Call(OpIssue, IssueParams{Issue: payload, Now: rw.now()}, nil)
}

func (rw *remoteWallet) Settle(mail []*transfer.Holding, certs [][]byte, settled []string) error {
	p := SettleParams{Mail: []models.Hex{}, Certificates: models.HexList(certs), Settled: settled}
	for _, h := range mail {
		p.Mail = append(p.Mail, h.Marshal())
	}
	if p.Settled == nil {
		p.Settled = []string{}
	}
	return rw.Call(OpSettle, p, nil)
}

func (rw *remoteWallet) Reset(sync int64, crl []byte, issue []byte) error {
	return rw.Call(OpReset, ResetParams{Sync: sync, CRL: crl, Issue: issue, Now: rw.now()}, nil)
}
