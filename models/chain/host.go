package chain

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Host answers the external-wallet operations (remote.go) with the
// reference wallet: it is what an adapter built on the reference models
// (examples/vendor) serves, and a template for what a vendor's wallet must
// do. The wallet's persistent state is a key-value store the caller loads
// at start (Store after a restart) and must persist, durably, after every
// operation that changed it (Dirty), before answering.
//
// A Host with a mutation runs that mutant's wallet (chain~NAME,
// mutant.go; WalletMutants lists the ones whose bug is in the wallet): a
// deliberately broken wallet for showing what the suites catch.
type Host struct {
	kit      *device.Kit
	wl       *wallet
	mutation string
	now      time.Time // the clock reading of the operation being handled
}

// Host store keys besides the wallet's own (wallet.go) and the kit's.
const hostK = "host/confirmations" // the chain's k, decimal

// NewHost starts a wallet on store (nil or empty: a wallet not yet made).
// A store that does not load, or a mutation that is not a wallet mutant,
// is an error.
func NewHost(store map[string][]byte, mutation string) (*Host, error) {
	h := &Host{kit: device.NewKit("wallet", "wallet", true), mutation: mutation}
	return device.OpenHost(h, h.kit, "chain", mutation, walletMutations, store, keyCert, h.load)
}

// Store returns a copy of the wallet's persistent state.
func (h *Host) Store() map[string][]byte { return h.kit.Store() }

// Dirty reports whether the store changed since the last call.
func (h *Host) Dirty() bool { return h.kit.Dirty() }

func (h *Host) clock() time.Time { return h.now }

func (h *Host) load() error {
	s, err := h.kit.Suite()
	if err != nil {
		return err
	}
	raw, _ := h.kit.Dev.Get(hostK)
	k, _ := strconv.Atoi(string(raw))
	// The wallet's randomness (nonces, seals) comes from the seed and the
	// number of starts, so a restarted wallet does not repeat itself.
	wl := &wallet{s: s, w: h.kit.Boot(), dev: h.kit.Dev, mutation: h.mutation, k: k, clock: h.clock}
	if err := wl.load(); err != nil {
		return err
	}
	h.wl = wl
	return nil
}

// Handle performs one operation. A refusal is a *spec.Error; a refusal of
// an offline message comes back inside the DeliverResult instead.
func (h *Host) Handle(op string, params json.RawMessage) (any, error) {
	if r, ok, err := device.Gate(op, params, Ops, OpKeygen, h.keygen, OpProvision, h.provision, h.wl != nil, device.Stage{Noun: "wallet", Loaded: "provisioned"}); ok {
		return r, err
	}
	wl := h.wl
	switch op {
	case OpStartPayee:
		return device.Decoded(op, params, func(p device.AmountParams) (any, error) {
			a, err := wl.StartPayee(p.Amount)
			return StartPayeeResult{Agreement: a}, err
		})
	case OpPayer, OpPayee:
		handle := wl.Payer
		if op == OpPayee {
			handle = wl.Payee
		}
		return device.Decoded(op, params, h.kit.DeliverAt(func(t time.Time) { h.now = t }, handle))
	case OpEndSession:
		return device.Bare(op, params, func() (any, error) {
			received, _ := wl.EndSession()
			return device.EndSessionResult{Received: received}, nil
		})
	case OpState:
		return device.Bare(op, params, func() (any, error) {
			st, err := wl.State()
			if err != nil {
				return nil, err
			}
			return wireState(st), nil
		})
	case OpSync:
		return device.Decoded(op, params, func(p SyncParams) (any, error) {
			u, err := syncUpdate(p)
			if err != nil {
				return nil, err
			}
			return struct{}{}, wl.Sync(u)
		})
	case OpRedeem:
		return device.Decoded(op, params, func(p RedeemParams) (any, error) {
			rs, err := redemptions(p.Redemptions)
			if err != nil {
				return nil, err
			}
			h.now = time.Unix(p.Now, 0)
			return struct{}{}, wl.Redeem(rs)
		})
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
}

// wireState is st on the wire.
func wireState(st *WalletState) WireState {
	w := WireState{ID: st.ID, Counter: st.Counter, Spent: st.Spent, Payments: st.Payments, Coins: []WireCoin{}, Log: []WireLog{}, Inbox: []WireInbox{}}
	for _, c := range st.Coins {
		w.Coins = append(w.Coins, wireCoin(c))
	}
	for _, e := range st.Log {
		l := WireLog{Payment: e.Payment, Inputs: []WireCoin{}}
		for _, c := range e.Inputs {
			l.Inputs = append(l.Inputs, wireCoin(c))
		}
		w.Log = append(w.Log, l)
	}
	for _, e := range st.Inbox {
		w.Inbox = append(w.Inbox, WireInbox{Payment: e.Payment, Receipt: e.Receipt})
	}
	return w
}

func (h *Host) keygen(p device.KeygenParams) (any, error) {
	return h.kit.Keygen(p, keyPriv, "chain/host/key", nil, nil)
}

func (h *Host) provision(p Provisioning) error {
	bl := []Address{}
	for _, a := range p.Blacklist {
		if len(a) != AddrSize {
			return spec.Errorf(spec.CodeMalformed, "blacklist address of %d bytes, want %d", len(a), AddrSize)
		}
		bl = append(bl, Address(a))
	}
	if p.Confirmations < 1 {
		return spec.Errorf(spec.CodeMalformed, "%d confirmations", p.Confirmations)
	}
	// The certificate must be this wallet's: its key and the id it names.
	s, _, err := h.kit.OwnCertificate(keyPriv, p.Certificate, p.ID)
	if err != nil {
		return err
	}
	puts := map[string][]byte{
		keyID:        []byte(p.ID),
		keyCert:      p.Certificate,
		keyRoot:      p.Root,
		keyChainKey:  p.ChainKey,
		keyCRL:       p.CRL,
		keyBlacklist: mustJSON(bl),
		keyLimits:    mustJSON(p.Limits.Bank()),
		keyState:     mustJSON(walletState{SyncUnix: p.Sync}),
		hostK:        []byte(strconv.Itoa(p.Confirmations)),
	}
	return h.kit.Load(puts, func(w *world.World, dev *world.Device) error { return (&wallet{s: s, w: w, dev: dev}).load() }, h.load)
}

func point(b models.Hex) (OutPoint, error) {
	if len(b) != IDSize+2 {
		return OutPoint{}, spec.Errorf(spec.CodeMalformed, "outpoint of %d bytes, want %d", len(b), IDSize+2)
	}
	return outPointFrom(b), nil
}

func syncUpdate(p SyncParams) (*SyncUpdate, error) {
	u := &SyncUpdate{Reset: p.Reset, Time: p.Time, CRL: p.CRL, Blacklist: []Address{}}
	for _, b := range p.Drop {
		if len(b) != IDSize {
			return nil, spec.Errorf(spec.CodeMalformed, "transaction id of %d bytes, want %d", len(b), IDSize)
		}
		u.Drop = append(u.Drop, TxID(b))
	}
	for _, w := range p.Put {
		op, err := point(w.Point)
		if err != nil {
			return nil, err
		}
		if w.Value <= 0 {
			return nil, spec.Errorf(spec.CodeMalformed, "coin %s of %d fen", op, w.Value)
		}
		u.Put = append(u.Put, Coin{Point: op, Value: w.Value, Final: w.Final})
	}
	for _, b := range p.Remove {
		op, err := point(b)
		if err != nil {
			return nil, err
		}
		u.Remove = append(u.Remove, op)
	}
	for _, a := range p.Blacklist {
		if len(a) != AddrSize {
			return nil, spec.Errorf(spec.CodeMalformed, "blacklist address of %d bytes, want %d", len(a), AddrSize)
		}
		u.Blacklist = append(u.Blacklist, Address(a))
	}
	return u, nil
}

func redemptions(ws []WireRedemption) ([]Redemption, error) {
	var out []Redemption
	for _, w := range ws {
		if len(w.Payee) != AddrSize || len(w.Nonce) != NonceSize {
			return nil, spec.Errorf(spec.CodeMalformed, "redemption to a %d-byte address with a %d-byte nonce, want %d and %d", len(w.Payee), len(w.Nonce), AddrSize, NonceSize)
		}
		r := Redemption{Payee: Address(w.Payee), Nonce: [NonceSize]byte(w.Nonce)}
		for _, b := range w.Coins {
			op, err := point(b)
			if err != nil {
				return nil, err
			}
			r.Coins = append(r.Coins, op)
		}
		out = append(out, r)
	}
	return out, nil
}
