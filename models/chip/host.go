package chip

import (
	"encoding/json"

	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Host answers the external-card operations (remote.go) with the
// reference card: it is what an adapter built on the reference models
// (examples/vendor) serves, and a template for what a vendor's card must
// do. The card's persistent state is a key-value store the caller loads
// at start (Store after a restart) and must persist, durably, after every
// operation that changed it (Dirty), before answering.
//
// A Host with a mutation runs that mutant's card (chip~NAME, mutant.go):
// a deliberately broken card for showing what the suites catch.
type Host struct {
	kit      *device.Kit
	se       *SE
	mutation string
}

// NewHost starts a card on store (nil or empty: a card not yet made). A
// store that does not load is an error.
func NewHost(store map[string][]byte, mutation string) (*Host, error) {
	h := &Host{kit: device.NewKit("card", "card", false), mutation: mutation}
	return device.OpenHost(h, h.kit, "chip", mutation, nil, store, kit.KeyCert, h.load)
}

// Store returns a copy of the card's persistent state.
func (h *Host) Store() map[string][]byte { return h.kit.Store() }

// Dirty reports whether the store changed since the last call.
func (h *Host) Dirty() bool { return h.kit.Dirty() }

func (h *Host) load() error {
	s, err := h.kit.Suite()
	if err != nil {
		return err
	}
	// The card's randomness (its challenges) comes from the seed and the
	// number of starts, so a restarted card does not repeat itself.
	se := &SE{Core: kit.Core{S: s, Dev: h.kit.Dev}, w: h.kit.Boot(), mutation: h.mutation}
	if err := loadStore(se); err != nil {
		return err
	}
	// A start on a stored card is a power-on after a power cut: what
	// Restart does in process, the power-on hooks of a mutant included.
	if _, ok := h.kit.Dev.Get(keyState); ok {
		se.forgetSeen()
		se.freezeReceived()
	}
	h.se = se
	return nil
}

// Handle performs one operation. A refusal is a *spec.Error; a refusal of
// an offline message comes back inside the DeliverResult instead, with
// the card's answer.
func (h *Host) Handle(op string, params json.RawMessage) (any, error) {
	if r, ok, err := device.Holder(op, params, OpKeygen, h.keygen, OpPersonalize, h.personalize, device.Stage{Noun: "card", Loaded: "personalised"}, depositOps, h.se); ok {
		return r, err
	}
	switch op {
	case OpStartPayee:
		return device.Decoded(op, params, func(p StartPayeeParams) (any, error) {
			m, err := h.se.StartPayee(world.PartyID(p.Payer), p.Amount)
			if err != nil {
				return nil, err
			}
			return device.MessageResult{Message: device.ToWire(m)}, nil
		})
	case OpPayer, OpPayee:
		return device.Decoded(op, params, func(p DeliverParams) (any, error) {
			handle := h.se.payerEndpoint
			if op == OpPayee {
				handle = h.se.payeeEndpoint
			}
			return h.kit.Deliver(p.Message, handle)
		})
	case OpEndSession:
		received, _ := h.se.EndSession()
		return device.EndSessionResult{Received: received}, nil
	case OpState:
		st, err := h.se.State()
		if err != nil {
			return nil, err
		}
		return kit.WireStateOf(st, kit.WireLog), nil
	case OpCredit:
		return device.Decoded(op, params, func(p CreditParams) (any, error) {
			return device.Credit(p.Holdings, p.Certificates, p.Settled, h.se.Credit)
		})
	case OpCoinKeygen:
		pub, err := h.se.coinKeygen()
		if err != nil {
			return nil, err
		}
		return device.KeygenResult{PublicKey: pub.SPKI()}, nil
	case OpCoinCert:
		return device.Decoded(op, params, func(p CoinCertParams) (any, error) { return struct{}{}, h.se.storeCoinCert(p.Certificate) })
	case OpReset:
		return device.Decoded(op, params, func(p ResetParams) (any, error) { return struct{}{}, h.se.Reset(p.Sync, p.CRL) })
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
}

func (h *Host) keygen(p device.KeygenParams) (any, error) {
	return h.kit.Keygen(p, kit.KeyPriv, "chip/host/key", nil, nil)
}

func (h *Host) personalize(p Personalization) error {
	if _, ok := h.kit.Dev.Get(kit.KeyPriv); !ok {
		return spec.Errorf(spec.CodeMalformed, "personalise before keygen")
	}
	puts := kit.MaterialOf(p).Puts(map[string][]byte{keyState: kit.MustJSON(seState{SyncUnix: p.Sync})})
	s, err := h.kit.Suite()
	if err != nil {
		return err
	}
	return h.kit.Load(puts, func(w *world.World, dev *world.Device) error {
		return loadStore(&SE{Core: kit.Core{S: s, Dev: dev}, w: w})
	}, h.load)
}
