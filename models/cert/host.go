package cert

import (
	"encoding/json"
	"time"

	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Host answers the external-wallet operations (remote.go) with the
// reference SIM, in the variant keygen names: it is what an adapter built
// on the reference models (examples/vendor) serves, and a template for
// what a vendor's wallet must do. The wallet's persistent state is a
// key-value store the caller loads at start (Store after a restart) and
// must persist, durably, after every operation that changed it (Dirty),
// before answering.
//
// A Host with a mutation runs that mutant's SIM (cert~NAME, mutant.go): a
// deliberately broken wallet for showing what the suites catch.
type Host struct {
	kit      *device.Kit
	se       *SIM
	mutation string
}

// Host store keys besides the SIM's own (sim.go) and the kit's.
const hostVariant = "host/variant" // the scheme the wallet plays: "cert" or "cert-literal"

// hostDevice is the host's device id: the SIM's world is its own.
const hostDevice = "phone"

// variantOf parses a variant's scheme name.
func variantOf(name string) (Variant, error) {
	for _, v := range []Variant{Recovering, Literal} {
		if v.String() == name {
			return v, nil
		}
	}
	return 0, spec.Errorf(spec.CodeMalformed, "variant %q: neither cert nor cert-literal", name)
}

// NewHost starts a wallet on store (nil or empty: a wallet not yet made).
// A store that does not load is an error.
func NewHost(store map[string][]byte, mutation string) (*Host, error) {
	h := &Host{kit: device.NewKit(hostDevice, "wallet", true), mutation: mutation}
	return device.OpenHost(h, h.kit, "cert", mutation, nil, store, kit.KeyCert, h.load)
}

// Store returns a copy of the wallet's persistent state.
func (h *Host) Store() map[string][]byte { return h.kit.Store() }

// Dirty reports whether the store changed since the last call.
func (h *Host) Dirty() bool { return h.kit.Dirty() }

// stored reads the suite and the variant keygen stored.
func (h *Host) stored() (suite.Suite, Variant, error) {
	s, err := h.kit.Suite()
	if err != nil {
		return nil, 0, err
	}
	raw, _ := h.kit.Dev.Get(hostVariant)
	v, err := variantOf(string(raw))
	if err != nil {
		return nil, 0, err
	}
	return s, v, nil
}

func (h *Host) load() error {
	s, v, err := h.stored()
	if err != nil {
		return err
	}
	// The wallet's randomness (its nonces and content keys) comes from
	// the seed and the number of starts, so a restarted wallet does not
	// repeat itself.
	se := &SIM{Core: kit.Core{S: s, Dev: h.kit.Dev}, w: h.kit.Boot(), variant: v, mutation: h.mutation}
	if err := loadStore(se); err != nil {
		return err
	}
	// A start on a stored card is a power-on after a power cut: what
	// Restart does in process, the power-on hooks of a mutant included.
	if _, ok := h.kit.Dev.Get(keyState); ok {
		se.forgetSeen()
		se.forgetAnswered()
	}
	h.se = se
	return nil
}

// setClock sets the phone's clock to now, the harness's reading of it.
func (h *Host) setClock(now time.Time) error {
	if now.IsZero() {
		return spec.Errorf(spec.CodeMalformed, "no time (now)")
	}
	// The host's worlds never advance: the clock is Epoch plus the skew.
	h.kit.Dev.SetSkew(now.Sub(world.Epoch))
	return nil
}

// Handle performs one operation. A refusal is a *spec.Error; a refusal of
// an offline message comes back inside the DeliverResult instead, with
// the wallet's answer. A refused operation changes nothing.
func (h *Host) Handle(op string, params json.RawMessage) (any, error) {
	se := h.se
	if r, ok, err := device.Holder(op, params, OpKeygen, h.keygen, OpProvision, h.provision, device.Stage{Noun: "wallet", Loaded: "provisioned"}, depositOps, se); ok {
		return r, err
	}
	switch op {
	case OpStartPayee:
		return device.Decoded(op, params, func(p StartPayeeParams) (any, error) {
			if err := h.setClock(p.Now); err != nil {
				return nil, err
			}
			m, err := se.StartPayee(world.PartyID(p.Payer), p.Amount)
			if err != nil {
				return nil, err
			}
			w := device.ToWire(m)
			w.From = "" // the harness knows who is speaking
			return device.MessageResult{Message: w}, nil
		})
	case OpPayer, OpPayee:
		return device.Decoded(op, params, func(p DeliverParams) (any, error) {
			if err := h.setClock(p.Now); err != nil {
				return nil, err
			}
			handle := se.Payer
			if op == OpPayee {
				handle = se.Payee
			}
			return h.kit.Deliver(p.Message, handle)
		})
	case OpEndSession:
		return device.Decoded(op, params, func(struct{}) (any, error) { return struct{}{}, se.EndSession() })
	case OpState:
		return device.Decoded(op, params, func(struct{}) (any, error) {
			st, err := se.State()
			if err != nil {
				return nil, err
			}
			return WireState{State: kit.WireStateOf(&st.State, LogEntry.wire), Received: st.Received}, nil
		})
	case OpUnspendable:
		return device.Decoded(op, params, func(p ClockParams) (any, error) {
			if err := h.setClock(p.Now); err != nil {
				return nil, err
			}
			ks, err := se.Unspendable()
			if err != nil {
				return nil, err
			}
			if ks == nil {
				ks = []string{}
			}
			return UnspendableResult{Coins: ks}, nil
		})
	case OpCheckAgent:
		return device.Decoded(op, params, func(p CheckAgentParams) (any, error) {
			if err := h.setClock(p.Now); err != nil {
				return nil, err
			}
			return struct{}{}, se.CheckAgent(p.Certificate)
		})
	case OpIssue:
		return device.Decoded(op, params, func(p IssueParams) (any, error) {
			if err := h.setClock(p.Now); err != nil {
				return nil, err
			}
			return struct{}{}, se.Issue(p.Issue)
		})
	case OpSettle:
		return device.Decoded(op, params, func(p SettleParams) (any, error) {
			return device.Credit(p.Mail, p.Certificates, p.Settled, se.Settle)
		})
	case OpReset:
		return device.Decoded(op, params, func(p ResetParams) (any, error) {
			if err := h.setClock(p.Now); err != nil {
				return nil, err
			}
			return struct{}{}, se.Reset(p.Sync, p.CRL, p.Issue)
		})
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
}

func (h *Host) keygen(p KeygenParams) (any, error) {
	variant := func() error {
		_, err := variantOf(p.Variant)
		return err
	}
	return h.kit.Keygen(p.KeygenParams, kit.KeyPriv, "cert/host/key", variant, map[string][]byte{hostVariant: []byte(p.Variant)})
}

func (h *Host) provision(p Provisioning) error {
	if _, ok := h.kit.Dev.Get(kit.KeyPriv); !ok {
		return spec.Errorf(spec.CodeMalformed, "provision before keygen")
	}
	if len(p.HSMKey) != coin.KeyIDSize+16 {
		return spec.Errorf(spec.CodeMalformed, "HSM key of %d bytes, want %d", len(p.HSMKey), coin.KeyIDSize+16)
	}
	puts := kit.MaterialOf(p.Material).Puts(map[string][]byte{keyHSM: p.HSMKey, keyState: kit.MustJSON(simState{SyncUnix: p.Sync})})
	s, v, err := h.stored()
	if err != nil {
		return err
	}
	return h.kit.Load(puts, func(w *world.World, dev *world.Device) error {
		return loadStore(&SIM{Core: kit.Core{S: s, Dev: dev}, w: w, variant: v})
	}, h.load)
}
