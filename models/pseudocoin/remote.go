package pseudocoin

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
)

// This file is the pseudocoin wallet's side of the adapter protocol
// (conformance/adapter/PROTOCOL.md §7): the operations an external
// secure element answers, their parameters and results (the Op*
// constants and the wire types below, with those every scheme shares
// from models/device), and remoteWallet, the Device that forwards them
// over a models.Link. Host (served.go) answers them with the reference
// element.
//
// The harness keeps the desk, the central bank and the agent bank: each
// online step is the element's request (withdraw, mint-request, upload),
// the desk's half, and the element's applying the answer (withdraw-done,
// mint-reply, upload-answer), each one atomic write on the device.
//
// The element has no clock: each message it is delivered (HELLO,
// INVOICE, PAY, ACK: its DER payload) comes with the time the payer
// checks the invoice's certificate at (device.DeliverAtParams).

// Operations of an external pseudocoin wallet.
const (
	OpKeygen       = "pseudocoin.keygen"        // device.KeygenParams → device.KeygenResult
	OpProvision    = "pseudocoin.provision"     // Provisioning → {}
	OpStartPayer   = "pseudocoin.start-payer"   // StartPayerParams → device.MessageResult
	OpStartPayee   = "pseudocoin.start-payee"   // device.AmountParams → {}
	OpPayer        = "pseudocoin.payer"         // device.DeliverAtParams → device.DeliverResult
	OpPayee        = "pseudocoin.payee"         // device.DeliverAtParams → device.DeliverResult
	OpEndSession   = "pseudocoin.end-session"   // {} → {}
	OpState        = "pseudocoin.state"         // {} → WireState
	OpPending      = "pseudocoin.pending"       // {} → WirePending
	OpWithdraw     = "pseudocoin.withdraw"      // device.AmountParams → RequestResult
	OpWithdrawDone = "pseudocoin.withdraw-done" // {} → {}
	OpMintRequest  = "pseudocoin.mint-request"  // MintRequestParams → SealedResult
	OpMintReply    = "pseudocoin.mint-reply"    // MintReplyParams → {}
	OpUpload       = "pseudocoin.upload"        // UploadParams → SealedResult
	OpUploadAnswer = "pseudocoin.upload-answer" // UploadAnswerParams → {}
)

// wire is each operation with the wire types of its params and result,
// in the order of the constants (device.Served.Ops).
var wire = []device.Op{
	{Name: OpKeygen, Params: device.KeygenParams{}, Result: device.KeygenResult{}},
	{Name: OpProvision, Params: Provisioning{}, Result: device.None{}},
	{Name: OpStartPayer, Params: StartPayerParams{}, Result: device.MessageResult{}},
	{Name: OpStartPayee, Params: device.AmountParams{}, Result: device.None{}},
	{Name: OpPayer, Params: device.DeliverAtParams{}, Result: device.DeliverResult{}},
	{Name: OpPayee, Params: device.DeliverAtParams{}, Result: device.DeliverResult{}},
	{Name: OpEndSession, Params: device.None{}, Result: device.None{}},
	{Name: OpState, Params: device.None{}, Result: WireState{}},
	{Name: OpPending, Params: device.None{}, Result: WirePending{}},
	{Name: OpWithdraw, Params: device.AmountParams{}, Result: RequestResult{}},
	{Name: OpWithdrawDone, Params: device.None{}, Result: device.None{}},
	{Name: OpMintRequest, Params: MintRequestParams{}, Result: SealedResult{}},
	{Name: OpMintReply, Params: MintReplyParams{}, Result: device.None{}},
	{Name: OpUpload, Params: UploadParams{}, Result: SealedResult{}},
	{Name: OpUploadAnswer, Params: UploadAnswerParams{}, Result: device.None{}},
}

// Ops lists the operations, for handshakes and documentation.
var Ops = device.OpNames(wire)

// externalDevice attaches an external element, which has no clock.
var externalDevice = device.External{Keygen: OpKeygen, Seed: "pseudocoin/wallet-key/", Note: "external wallet: key generated on the element"}

// Provisioning is what the agent bank loads into a new element besides
// its key: its certificate (subject = ID, the identity its escrows,
// mint requests and uploads name), the central bank's root, the
// revocation list, the central bank's trace key (escrows are sealed to
// it), the desk's bundle key (bundles are signed by it) and opening key
// (uploads and mint requests are sealed to it), all three SPKI DER, and
// the offline limits.
type Provisioning struct {
	ID          string        `json:"id"`
	Certificate models.Hex    `json:"certificate"`
	Root        models.Hex    `json:"root"`
	CRL         models.Hex    `json:"crl"`
	TraceKey    models.Hex    `json:"traceKey"`
	DeskKey     models.Hex    `json:"deskKey"`
	SealKey     models.Hex    `json:"sealKey"`
	Limits      device.Limits `json:"limits"`
}

// StartPayerParams open a payer session: pay amount (fen) to the element
// whose certificate id is payee.
type StartPayerParams struct {
	Payee  string `json:"payee"`
	Amount int64  `json:"amount"`
}

// WireLog is a record the element signed as payer, not yet uploaded.
type WireLog struct {
	Record models.Hex `json:"record"`
	Acked  bool       `json:"acked"`
}

// WireInvoice is a receiving key the element gave out and was not paid
// on yet.
type WireInvoice struct {
	Key    models.Hex `json:"key"`
	Amount int64      `json:"amount"`
}

// WireWithdrawal is a pending withdrawal request.
type WireWithdrawal struct {
	Request string `json:"request"`
	Amount  int64  `json:"amount"`
}

// WireSealed is a pending mint request or upload: its request id and
// the sealed bytes presented again on a retry; Deposit marks an upload
// that surrenders every holding.
type WireSealed struct {
	Request string     `json:"request"`
	Sealed  models.Hex `json:"sealed"`
	Deposit bool       `json:"deposit,omitempty"`
}

// WirePending are the element's online requests in progress; a member
// is absent when no such request is pending.
type WirePending struct {
	Withdrawal *WireWithdrawal `json:"withdrawal,omitempty"`
	Mint       *WireSealed     `json:"mint,omitempty"`
	Upload     *WireSealed     `json:"upload,omitempty"`
}

// WireState is the element read out: its identity, its payment counter,
// what it spent offline since its last reconciliation, the holdings it
// can spend (Holding DER), its payer log, its open invoices and its
// requests in progress.
type WireState struct {
	ID       string        `json:"id"`
	Counter  uint64        `json:"counter"`
	Spent    int64         `json:"spent"`
	Payments int           `json:"payments"`
	Holdings []models.Hex  `json:"holdings"`
	Log      []WireLog     `json:"log"`
	Invoices []WireInvoice `json:"invoices"`
	WirePending
}

// RequestResult is a request id the element drew (32 lowercase hex
// digits).
type RequestResult struct {
	Request string `json:"request"`
}

// MintRequestParams ask for a mint request for Keys fresh one-time keys.
type MintRequestParams struct {
	Keys int `json:"keys"`
}

// SealedResult is a sealed request for the desk.
type SealedResult struct {
	Sealed models.Hex `json:"sealed"`
}

// MintReplyParams hand the element the desk's sealed mint reply.
type MintReplyParams struct {
	Reply models.Hex `json:"reply"`
}

// UploadParams ask for a reconciliation upload (Deposit: surrendering
// every holding).
type UploadParams struct {
	Deposit bool `json:"deposit"`
}

// UploadAnswerParams are the desk's answer to the pending upload:
// Cleared false, the desk refused it whole; otherwise Refused names the
// received holdings it refused (each by the key name of its one-time
// key: the first 8 bytes of the SHA-256 of its SPKI, 16 lowercase hex
// digits), which the element keeps. CRL is the current revocation list,
// which the element keeps from now on.
type UploadAnswerParams struct {
	Cleared bool       `json:"cleared"`
	Refused []string   `json:"refused"`
	CRL     models.Hex `json:"crl"`
}

// attach provisions an external element: it generates its key, the
// central bank certifies it, the agent bank loads the rest.
func (in *Instance) attach(id world.PartyID, cfg models.Config) error {
	r, pub, err := externalDevice.Attach(in.w, id, cfg.Dial, in.Links, in.s)
	if err != nil {
		return err
	}
	rw := &remoteWallet{Remote: r, in: in}
	cert, err := in.cb.Certify(string(id), devcert.RoleWallet, pub)
	if err != nil {
		return err
	}
	rw.id = cert.ID
	p := Provisioning{ID: cert.ID, Certificate: cert.Raw, Root: in.cb.Root().Raw, CRL: in.cb.CRL().Raw,
		TraceKey: in.cb.TraceKey().SPKI(), DeskKey: in.desk.key.Public().SPKI(), SealKey: in.desk.sealKey.Public().SPKI(),
		Limits: device.LimitsOf(cfg.Limits)}
	if err := rw.Call(OpProvision, p, nil); err != nil {
		return err
	}
	in.ext[id] = rw
	return nil
}

// Close stops the external devices.
func (in *Instance) Close() error {
	clear(in.ext)
	return device.CloseLinks(in.Links)
}

// restartDevice power-cycles wallet p's device d, noting a failure.
func (in *Instance) restartDevice(p world.PartyID, d Device) {
	if err := d.Restart(); err != nil {
		in.w.Trace().Note(p, "restart failed: %v", err)
	}
}

// remoteWallet is an external element: every Device operation is one
// Link call.
type remoteWallet struct {
	device.Remote
	in *Instance
	id string // the certificate id it was provisioned with
}

var _ Device = (*remoteWallet)(nil)

func (rw *remoteWallet) Identity() (string, error) { return rw.id, nil }

func (rw *remoteWallet) StartPayer(payee string, amount int64) ([]world.Message, error) {
	m, err := rw.Open(OpStartPayer, StartPayerParams{Payee: payee, Amount: amount}, "")
	if err != nil {
		return nil, err
	}
	if m.Type != msgHello {
		return nil, rw.Broken("opened a payer session with a %q message, not %s", m.Type, msgHello)
	}
	return []world.Message{m}, nil
}

func (rw *remoteWallet) StartPayee(amount int64) error {
	return rw.Call(OpStartPayee, device.AmountParams{Amount: amount}, nil)
}

// params are the deliver params of m: the message and the time the
// element checks an invoice's certificate at.
func (rw *remoteWallet) params(m world.Message) device.DeliverAtParams {
	return device.DeliverAtParams{Message: device.ToWire(m), Now: rw.in.w.Now().Unix()}
}

func (rw *remoteWallet) Payer(m world.Message) ([]world.Message, error) {
	return rw.Deliver(OpPayer, rw.params(m), m.From)
}

func (rw *remoteWallet) Payee(m world.Message) ([]world.Message, error) {
	return rw.Deliver(OpPayee, rw.params(m), m.From)
}

func (rw *remoteWallet) EndSession() error { return rw.Call(OpEndSession, struct{}{}, nil) }

// pending reads the element's requests in progress off the wire. The
// harness acts on them (a withdrawal debits the element's account by its
// amount), so one it could not have made is the device breaking the
// protocol: a withdrawal of no value or of more than a withdrawal may
// be, a request id empty or longer than 64 bytes.
func (rw *remoteWallet) pending(w WirePending) (*Pending, error) {
	var p Pending
	for _, r := range []struct {
		what string
		id   *string
	}{{"withdrawal", withdrawalRequest(w.Withdrawal)}, {"mint request", sealedRequest(w.Mint)}, {"upload", sealedRequest(w.Upload)}} {
		if r.id != nil && (*r.id == "" || len(*r.id) > 64) {
			return nil, rw.Broken("reports a pending %s with a request id of %d bytes, want 1..64", r.what, len(*r.id))
		}
	}
	if w.Withdrawal != nil {
		if a := w.Withdrawal.Amount; a <= 0 || a > coin.MaxChangeAmount {
			return nil, rw.Broken("reports a pending withdrawal of %d fen", a)
		}
		p.Withdrawal = &withdrawState{Request: w.Withdrawal.Request, Amount: w.Withdrawal.Amount}
	}
	if w.Mint != nil {
		p.Mint = &mintState{Request: w.Mint.Request, Sealed: w.Mint.Sealed}
	}
	if w.Upload != nil {
		p.Upload = &syncState{Request: w.Upload.Request, Sealed: w.Upload.Sealed, Deposit: w.Upload.Deposit}
	}
	return &p, nil
}

func withdrawalRequest(w *WireWithdrawal) *string {
	if w == nil {
		return nil
	}
	return &w.Request
}

func sealedRequest(w *WireSealed) *string {
	if w == nil {
		return nil
	}
	return &w.Request
}

func (rw *remoteWallet) Pending() (*Pending, error) {
	var w WirePending
	if err := rw.Call(OpPending, struct{}{}, &w); err != nil {
		return nil, err
	}
	return rw.pending(w)
}

func (rw *remoteWallet) Withdraw(amount int64) (string, error) {
	var r RequestResult
	if err := rw.Call(OpWithdraw, device.AmountParams{Amount: amount}, &r); err != nil {
		return "", err
	}
	return r.Request, nil
}

func (rw *remoteWallet) WithdrawDone() error { return rw.Call(OpWithdrawDone, struct{}{}, nil) }

func (rw *remoteWallet) MintRequest(n int) ([]byte, error) {
	var r SealedResult
	if err := rw.Call(OpMintRequest, MintRequestParams{Keys: n}, &r); err != nil {
		return nil, err
	}
	return r.Sealed, nil
}

func (rw *remoteWallet) MintReply(reply []byte) error {
	return rw.Call(OpMintReply, MintReplyParams{Reply: reply}, nil)
}

func (rw *remoteWallet) Upload(deposit bool) ([]byte, error) {
	var r SealedResult
	if err := rw.Call(OpUpload, UploadParams{Deposit: deposit}, &r); err != nil {
		return nil, err
	}
	return r.Sealed, nil
}

func (rw *remoteWallet) UploadAnswer(cleared bool, refused []string) error {
	if refused == nil {
		refused = []string{}
	}
	return rw.Call(OpUploadAnswer, UploadAnswerParams{Cleared: cleared, Refused: refused, CRL: rw.in.cb.CRL().Raw}, nil)
}

// state reads the element out and parses what it reports: a holding or
// record that does not parse, or a holding reported twice, is the
// device breaking the protocol.
func (rw *remoteWallet) state() (*WireState, []*Holding, []*Record, error) {
	var w WireState
	if err := rw.Call(OpState, struct{}{}, &w); err != nil {
		return nil, nil, nil, err
	}
	var hs []*Holding
	seen := map[string]bool{}
	for i, b := range w.Holdings {
		h, err := ParseHolding(b)
		if err != nil {
			return nil, nil, nil, rw.Broken("reports holding %d that does not parse: %v", i, err)
		}
		if k := keyName(h.Key()); seen[k] {
			return nil, nil, nil, rw.Broken("reports the holding of key %s twice", k)
		} else {
			seen[k] = true
		}
		hs = append(hs, h)
	}
	var rs []*Record
	for i, l := range w.Log {
		r, err := ParseRecord(l.Record)
		if err != nil {
			return nil, nil, nil, rw.Broken("reports log record %d that does not parse: %v", i, err)
		}
		rs = append(rs, r)
	}
	return &w, hs, rs, nil
}

// view is an external element's View: what it reports.
func (in *Instance) remoteView(p world.PartyID, rw *remoteWallet) models.View {
	v := models.View{Party: p, Identity: rw.id, Account: in.agent.Balance(rw.id)}
	w, hs, rs, err := rw.state()
	if err != nil {
		in.w.Trace().Note(p, "state: %v", err)
		return v
	}
	for _, h := range hs {
		name := keyName(h.Key())
		for i, c := range h.Coins() {
			v.Coins = append(v.Coins, models.Coin{ID: fmt.Sprintf("%s/%d", name, i), Value: c})
		}
	}
	for i, r := range rs {
		if w.Log[i].Acked {
			continue
		}
		for j, c := range r.Outputs {
			v.Pending = append(v.Pending, models.Coin{ID: fmt.Sprintf("%s%x/%d", prefLog, r.ID(), j), Value: c})
		}
	}
	v.Spent, v.Payments = w.Spent, w.Payments
	return v
}

// remoteAudit adds what the external elements hold to an audit's walk:
// their payer logs and holdings, and their pending mint requests.
func (in *Instance) remoteAudit(walk func(*Record), heldKeys map[string]int64, mint func(request string)) {
	for _, p := range in.wallets {
		rw := in.ext[p]
		if rw == nil {
			continue
		}
		w, hs, rs, err := rw.state()
		if err != nil {
			in.w.Trace().Note(p, "state: %v", err)
			continue
		}
		for _, r := range rs {
			walk(r)
		}
		for _, h := range hs {
			heldKeys[string(h.Key())] = h.Value()
			if h.Record != nil {
				walk(h.Record)
			}
		}
		if w.Mint != nil {
			mint(w.Mint.Request)
		}
	}
}

// remoteClone forks an external element (Link.Fork) as party cid.
func (in *Instance) remoteClone(p, cid world.PartyID, rw *remoteWallet) error {
	in.w.Trace().Fault(p, world.FaultClone, "cloned the external wallet to "+string(cid))
	fork, err := rw.Link.Fork(cid)
	if err != nil {
		return err
	}
	in.w.AddDevice(cid, false)
	in.Links[cid] = fork
	in.ext[cid] = &remoteWallet{Remote: device.Remote{Link: fork, Party: cid}, in: in, id: rw.id}
	return nil
}

// remoteRestore rolls an external element back (Link.Load).
func (in *Instance) remoteRestore(p world.PartyID, rw *remoteWallet, s world.Snapshot) {
	in.w.Trace().Fault(p, world.FaultRollback, "restored an earlier copy of the external wallet's state")
	if err := rw.Link.Load(s.External()); err != nil {
		in.w.Trace().Note(p, "restore failed: %v", err)
	}
}
