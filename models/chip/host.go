package chip

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
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
	w        *world.World
	dev      *world.Device
	se       *SE
	mutation string
	writes   int
}

// Host store keys besides the card's own (se.go).
const (
	hostSuite = "host/suite" // suite id, ASCII
	hostSeed  = "host/seed"  // the keygen seed: the card's randomness
	hostBoots = "host/boots" // starts so far, decimal: each draws fresh randomness
)

// seedOf derives a stream seed from the card's seed for one purpose.
func seedOf(seed []byte, purpose string, n int) uint64 {
	d := sha256.Sum256(fmt.Appendf(slices.Clone(seed), "|%s|%d", purpose, n))
	return binary.BigEndian.Uint64(d[:8])
}

// NewHost starts a card on store (nil or empty: a card not yet made). A
// store that does not load is an error.
func NewHost(store map[string][]byte, mutation string) (*Host, error) {
	w := world.New(0)
	h := &Host{w: w, dev: w.AddDevice("card", false), mutation: mutation}
	if len(store) > 0 {
		h.dev.Restore(world.StoreSnapshot("card", store))
		if _, ok := store[keyCert]; ok {
			boots, _ := strconv.Atoi(string(store[hostBoots]))
			h.dev.Put(hostBoots, []byte(strconv.Itoa(boots+1)))
			if err := h.load(); err != nil {
				return nil, err
			}
		}
	}
	h.writes = h.dev.Writes()
	return h, nil
}

// Store returns a copy of the card's persistent state.
func (h *Host) Store() map[string][]byte {
	snap := h.dev.Snapshot()
	out := map[string][]byte{}
	for _, k := range snap.Keys() {
		out[k], _ = snap.Get(k)
	}
	return out
}

// Dirty reports whether the store changed since the last call.
func (h *Host) Dirty() bool {
	d := h.dev.Writes() != h.writes
	h.writes = h.dev.Writes()
	return d
}

func (h *Host) load() error {
	raw, _ := h.dev.Get(hostSuite)
	s, err := suite.ByID(suite.ID(raw))
	if err != nil {
		return spec.Errorf(spec.CodeMalformed, "stored suite: %v", err)
	}
	seed, _ := h.dev.Get(hostSeed)
	// The card's randomness (its challenges) comes from the seed and the
	// number of starts, so a restarted card does not repeat itself.
	raw, _ = h.dev.Get(hostBoots)
	boots, _ := strconv.Atoi(string(raw))
	h.w = world.New(seedOf(seed, "boot", boots))
	se := &SE{s: s, w: h.w, dev: h.dev, mutation: h.mutation}
	if err := loadStore(se); err != nil {
		return err
	}
	h.se = se
	return nil
}

// Handle performs one operation. A refusal is a *spec.Error; a refusal of
// an offline message comes back inside the DeliverResult instead, with
// the card's answer.
func (h *Host) Handle(op string, params json.RawMessage) (any, error) {
	dec := func(v any) error {
		d := json.NewDecoder(bytes.NewReader(params))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return spec.Errorf(spec.CodeMalformed, "%s params: %v", op, err)
		}
		return nil
	}
	if op == OpKeygen {
		var p KeygenParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return h.keygen(p)
	}
	if op == OpPersonalize {
		var p Personalization
		if err := dec(&p); err != nil {
			return nil, err
		}
		return struct{}{}, h.personalize(p)
	}
	if h.se == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "%s: the card is not personalised", op)
	}
	se := h.se
	switch op {
	case OpStartPayee:
		var p StartPayeeParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		m, err := se.startPayee(world.PartyID(p.Payer), p.Amount)
		if err != nil {
			return nil, err
		}
		return MessageResult{Message: toWire(m)}, nil
	case OpPayer, OpPayee:
		var p DeliverParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		m := world.Message{From: world.PartyID(p.Message.From), To: h.dev.ID(), Type: p.Message.Type, Payload: p.Message.Payload}
		handle := se.payerEndpoint
		if op == OpPayee {
			handle = se.payeeEndpoint
		}
		var out []world.Message
		crashed, err := h.w.Guard(h.dev.ID(), func() error {
			var err error
			out, err = handle(m)
			return err
		})
		if crashed {
			return nil, spec.Errorf(spec.CodeInternal, "the card lost power")
		}
		r := DeliverResult{Messages: []WireMessage{}}
		for _, o := range out {
			w := toWire(o)
			w.From = "" // the harness knows who is speaking
			r.Messages = append(r.Messages, w)
		}
		if err != nil {
			r.Refused = &WireError{Code: string(spec.CodeOf(err)), Message: err.Error()}
		}
		return r, nil
	case OpEndSession:
		received, _ := se.EndSession()
		return EndSessionResult{Received: received}, nil
	case OpState:
		st, err := se.State()
		if err != nil {
			return nil, err
		}
		w := WireState{ID: st.ID, Spent: st.Spent, Payments: st.Payments, Coins: []WireCoin{}, Log: []WireLog{}, Deposits: []WireDeposit{}}
		for _, k := range slices.Sorted(maps.Keys(st.Coins)) {
			w.Coins = append(w.Coins, WireCoin{Key: k, Holding: st.Coins[k].Marshal()})
		}
		for _, e := range st.Log {
			w.Log = append(w.Log, WireLog{Key: e.Key, Payee: e.Payee, Holdings: models.HexList(e.Holdings), Records: models.HexList(e.Records), Acked: e.Acked})
		}
		for _, e := range st.Deposits {
			w.Deposits = append(w.Deposits, WireDeposit{Key: e.Key, Holdings: models.HexList(e.Holdings), Records: models.HexList(e.Records)})
		}
		return w, nil
	case OpCredit:
		var p CreditParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		hs, err := parseHoldings(models.Bytes(p.Holdings))
		if err != nil {
			return nil, err
		}
		return struct{}{}, se.Credit(hs, models.Bytes(p.Certificates), p.Settled)
	case OpSignDeposit:
		var p SignDepositParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return struct{}{}, se.SignDeposit(p.Agent, p.Coins)
	case OpFinishDeposit:
		var p FinishDepositParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return struct{}{}, se.FinishDeposit(p.Key, p.Accepted)
	case OpReset:
		var p ResetParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		return struct{}{}, se.Reset(p.Sync, p.CRL)
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
}

func (h *Host) keygen(p KeygenParams) (any, error) {
	if _, ok := h.dev.Get(keyPriv); ok {
		return nil, spec.Errorf(spec.CodeMalformed, "the card already has a key")
	}
	s, err := suite.ByID(suite.ID(p.Suite))
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "suite %q: %v", p.Suite, err)
	}
	if len(p.Seed) == 0 {
		return nil, spec.Errorf(spec.CodeMalformed, "no seed")
	}
	key, err := s.GenerateKey(detrand.New(seedOf(p.Seed, "key", 0), "chip/host/key"))
	if err != nil {
		return nil, err
	}
	h.dev.Commit(map[string][]byte{keyPriv: key.Bytes(), hostSuite: []byte(p.Suite), hostSeed: p.Seed}, nil)
	return KeygenResult{PublicKey: key.Public().SPKI()}, nil
}

func (h *Host) personalize(p Personalization) error {
	if h.se != nil {
		return spec.Errorf(spec.CodeMalformed, "the card is already personalised")
	}
	if _, ok := h.dev.Get(keyPriv); !ok {
		return spec.Errorf(spec.CodeMalformed, "personalise before keygen")
	}
	puts := map[string][]byte{
		keyID:      []byte(p.ID),
		keyCert:    p.Certificate,
		keyRoot:    p.Root,
		keyCoinKey: p.IssuerKey,
		keyCRL:     p.CRL,
		keyLimits:  mustJSON(bank.Limits{PerPayment: p.Limits.PerPayment, Cumulative: p.Limits.Cumulative, Count: p.Limits.Count}),
		keyState:   mustJSON(seState{SyncUnix: p.Sync}),
	}
	for i, a := range p.Agents {
		puts[prefAgent+string(rune('a'+i))] = a
	}
	// Check everything loads before committing: a refusal changes nothing.
	trial := world.New(0)
	tdev := trial.AddDevice("card", false)
	tdev.Restore(world.StoreSnapshot("card", h.Store()))
	tdev.Commit(puts, nil)
	raw, _ := h.dev.Get(hostSuite)
	s, err := suite.ByID(suite.ID(raw))
	if err != nil {
		return spec.Errorf(spec.CodeMalformed, "stored suite: %v", err)
	}
	if err := loadStore(&SE{s: s, w: trial, dev: tdev}); err != nil {
		return err
	}
	h.dev.Commit(puts, nil)
	return h.load()
}

func parseHoldings(bs [][]byte) ([]*transfer.Holding, error) {
	out := make([]*transfer.Holding, len(bs))
	for i, b := range bs {
		h, err := transfer.ParseHolding(b)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}
