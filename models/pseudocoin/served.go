package pseudocoin

import (
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// ServedDevice is the pseudocoin element a process serves
// (device.Server): the element of Host.
func (Scheme) ServedDevice() device.Served {
	return device.Served{Device: Name, Open: device.OpenWith(NewHost), Ops: wire}
}

// Host answers the external-wallet operations (remote.go) with the
// reference element: it is what an adapter built on the reference models
// (examples/vendor) serves. The element's persistent state is a
// key-value store the caller loads at start and must persist, durably,
// after every operation that changed it (Dirty), before answering.
//
// A Host with a mutation runs that mutant's element (WalletMutants): a
// deliberately broken wallet for showing what the suites catch.
type Host struct {
	kit      *device.Kit
	wl       *ownWallet
	mutation string
}

// Host store keys besides the element's own (wallet.go) and the kit's:
// the provisioned trust material.
const (
	hostRoot   = "host/root"   // the root certificate, DER
	hostCRL    = "host/crl"    // the revocation list, DER
	hostTrace  = "host/trace"  // the trace key, SPKI
	hostDesk   = "host/desk"   // the desk's bundle key, SPKI
	hostSeal   = "host/seal"   // the desk's opening key, SPKI
	hostLimits = "host/limits" // the offline limits, JSON (device.Limits)
)

// walletMutations are the mutants whose bug is in the element alone (no
// desk, bank or agent bank behaves otherwise): a Host can play them.
var walletMutations = map[string]bool{
	mutantEscrowFixed: true, mutantEscrowToPayee: true, mutantNoSeen: true, mutantNoInputSig: true,
	mutantNoDeskSig: true, mutantNoLimits: true, mutantNoInvoiceCert: true, mutantNoRecordRules: true,
	mutantLimitsNotReset: true,
}

// WalletMutants lists the mutants a Host can play, sorted.
func WalletMutants() []string { return slices.Sorted(maps.Keys(walletMutations)) }

// NewHost starts an element on store (nil or empty: an element not yet
// made). A store that does not load, or a mutation that is not a wallet
// mutant, is an error.
func NewHost(store map[string][]byte, mutation string) (*Host, error) {
	h := &Host{kit: device.NewKit("wallet", "element", false), mutation: mutation}
	return device.OpenHost(h, h.kit, "pseudocoin", mutation, walletMutations, store, keyCert, h.load)
}

// Store returns a copy of the element's persistent state.
func (h *Host) Store() map[string][]byte { return h.kit.Store() }

// Dirty reports whether the store changed since the last call.
func (h *Host) Dirty() bool { return h.kit.Dirty() }

// hostAnchors reads the provisioned trust material off dev.
func hostAnchors(s suite.Suite, dev *world.Device) (*anchors, models.Config, error) {
	get := func(k string) []byte { b, _ := dev.Get(k); return b }
	root, err := devcert.Parse(s, get(hostRoot))
	if err != nil {
		return nil, models.Config{}, err
	}
	crl, err := devcert.ParseRevocationList(get(hostCRL), root)
	if err != nil {
		return nil, models.Config{}, err
	}
	a := &anchors{root: root, crl: crl}
	for k, dst := range map[string]*suite.PublicKey{hostTrace: &a.trace, hostDesk: &a.desk, hostSeal: &a.seal} {
		if *dst, err = s.ParsePublicKey(get(k)); err != nil {
			return nil, models.Config{}, spec.Errorf(spec.CodeMalformed, "%s: %v", k, err)
		}
	}
	var lim device.Limits
	if err := json.Unmarshal(get(hostLimits), &lim); err != nil {
		return nil, models.Config{}, spec.Errorf(spec.CodeMalformed, "%s: %v", hostLimits, err)
	}
	return a, models.Config{Suite: s, Limits: lim.Bank()}, nil
}

// hostInstance is the model around a served element: its world (for
// randomness and the trace), its suite, limits and anchors, and no bank.
func hostInstance(w *world.World, s suite.Suite, dev *world.Device, mutation string) (*Instance, *element, error) {
	a, cfg, err := hostAnchors(s, dev)
	if err != nil {
		return nil, nil, err
	}
	in := &Instance{w: w, cfg: cfg, s: s, mutation: mutation, anchors: a, gaveOut: map[world.PartyID][]suite.PrivateKey{},
		parsed:   map[string]*Holding{},
		insiders: map[world.PartyID]models.InsiderPlan{}, lastChallenge: map[world.PartyID][]byte{}}
	return in, &element{in: in, dev: dev}, nil
}

// load makes the served element of a provisioned store: its randomness
// is this start's (Kit.Boot).
func (h *Host) load() error {
	s, err := h.kit.Suite()
	if err == nil {
		var in *Instance
		var e *element
		if in, e, err = hostInstance(h.kit.Boot(), s, h.kit.Dev, h.mutation); err == nil {
			h.wl = &ownWallet{in: in, e: e}
		}
	}
	return err
}

func (h *Host) keygen(p device.KeygenParams) (any, error) {
	return h.kit.Keygen(p, keyDevice, "pseudocoin/host/key", nil, nil)
}

func (h *Host) provision(p Provisioning) error {
	s, _, err := h.kit.OwnCertificate(keyDevice, p.Certificate, p.ID)
	if err != nil {
		return err
	}
	puts := map[string][]byte{
		keyIdentity: []byte(p.ID), keyCert: p.Certificate, keyCounter: []byte("0"),
		hostRoot: p.Root, hostCRL: p.CRL, hostTrace: p.TraceKey, hostDesk: p.DeskKey, hostSeal: p.SealKey,
		hostLimits: mustJSON(p.Limits),
	}
	return h.kit.Load(puts, func(w *world.World, dev *world.Device) error {
		_, _, err := hostInstance(w, s, dev, "")
		return err
	}, h.load)
}

// Handle performs one of the element's operations (remote.go, PROTOCOL.md
// §7.2), refusing with a *spec.Error; the element's refusal of a message
// is part of the payer or payee operation's result.
func (h *Host) Handle(op string, params json.RawMessage) (any, error) {
	if r, ok, err := device.Gate(op, params, Ops, OpKeygen, h.keygen, OpProvision, h.provision, h.wl != nil, device.Stage{Noun: "element", Loaded: "provisioned"}); ok {
		return r, err
	}
	wl := h.wl
	switch op {
	case OpStartPayer:
		return device.Decoded(op, params, func(p StartPayerParams) (any, error) {
			// An amount the payee cannot take is its to refuse (the
			// HELLO's checks), as with the model's own element.
			out, err := wl.StartPayer(p.Payee, p.Amount)
			if err != nil {
				return nil, err
			}
			m := device.ToWire(out[0])
			m.From, m.To = "", ""
			return device.MessageResult{Message: m}, nil
		})
	case OpStartPayee:
		return device.Decoded(op, params, func(p device.AmountParams) (any, error) { return struct{}{}, wl.StartPayee(p.Amount) })
	case OpPayer:
		return device.Decoded(op, params, h.kit.DeliverAt(h.setNow, wl.Payer))
	case OpPayee:
		return device.Decoded(op, params, h.kit.DeliverAt(h.setNow, wl.Payee))
	case OpEndSession:
		return device.Bare(op, params, func() (any, error) { return struct{}{}, wl.EndSession() })
	case OpState:
		return device.Bare(op, params, func() (any, error) { return h.state(), nil })
	case OpPending:
		return device.Bare(op, params, func() (any, error) { return h.pending(), nil })
	case OpWithdraw:
		return device.Decoded(op, params, func(p device.AmountParams) (any, error) {
			r, err := wl.Withdraw(p.Amount)
			return RequestResult{Request: r}, err
		})
	case OpWithdrawDone:
		return device.Bare(op, params, func() (any, error) { return struct{}{}, wl.WithdrawDone() })
	case OpMintRequest:
		return device.Decoded(op, params, func(p MintRequestParams) (any, error) {
			b, err := wl.MintRequest(p.Keys)
			return SealedResult{Sealed: b}, err
		})
	case OpMintReply:
		return device.Decoded(op, params, func(p MintReplyParams) (any, error) { return struct{}{}, wl.MintReply(p.Reply) })
	case OpUpload:
		return device.Decoded(op, params, func(p UploadParams) (any, error) {
			b, err := wl.Upload(p.Deposit)
			return SealedResult{Sealed: b}, err
		})
	case OpUploadAnswer:
		return device.Decoded(op, params, func(p UploadAnswerParams) (any, error) { return struct{}{}, h.uploadAnswer(p) })
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
}

// setNow is the clock reading a delivery comes with: the time the
// element checks an invoice's certificate at.
func (h *Host) setNow(t time.Time) { h.wl.in.anchors.now = t }

// uploadAnswer applies the desk's answer and the revocation list it
// carries in one write: a list that does not verify under the root
// refuses the whole answer.
func (h *Host) uploadAnswer(p UploadAnswerParams) error {
	a := h.wl.in.anchors
	crl, err := devcert.ParseRevocationList(p.CRL, a.root)
	if err != nil {
		return err
	}
	for _, n := range p.Refused {
		if len(n) != 16 {
			return spec.Errorf(spec.CodeMalformed, "refused key name %q, want 16 hex digits", n)
		}
	}
	if err := h.wl.uploadAnswer(p.Cleared, p.Refused, map[string][]byte{hostCRL: p.CRL}); err != nil {
		return err
	}
	a.crl = crl
	return nil
}

func (h *Host) pending() WirePending {
	pd, _ := h.wl.Pending()
	var w WirePending
	if ws := pd.Withdrawal; ws != nil {
		w.Withdrawal = &WireWithdrawal{Request: ws.Request, Amount: ws.Amount}
	}
	if ms := pd.Mint; ms != nil {
		w.Mint = &WireSealed{Request: ms.Request, Sealed: ms.Sealed}
	}
	if ss := pd.Upload; ss != nil {
		w.Upload = &WireSealed{Request: ss.Request, Sealed: ss.Sealed, Deposit: ss.Deposit}
	}
	return w
}

func (h *Host) state() WireState {
	e := h.wl.e
	lim := e.limits()
	w := WireState{ID: e.identity(), Counter: e.counter(), Spent: lim.Spent, Payments: lim.Count,
		Holdings: []models.Hex{}, Log: []WireLog{}, Invoices: []WireInvoice{}, WirePending: h.pending()}
	for _, hd := range e.holdings() {
		w.Holdings = append(w.Holdings, hd.h.Marshal())
	}
	logs := e.logs()
	for _, k := range sortedKeys(logs) {
		w.Log = append(w.Log, WireLog{Record: logs[k].R, Acked: logs[k].Acked})
	}
	invs := e.invoices()
	for _, k := range sortedKeys(invs) {
		w.Invoices = append(w.Invoices, WireInvoice{Key: invs[k].Key, Amount: invs[k].Amount})
	}
	return w
}
