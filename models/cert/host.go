package cert

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
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
	w        *world.World
	dev      *world.Device
	se       *SIM
	mutation string
	writes   int
}

// Host store keys besides the SIM's own (sim.go).
const (
	hostSuite   = "host/suite"   // suite id, ASCII
	hostVariant = "host/variant" // the scheme the wallet plays: "cert" or "cert-literal"
	hostSeed    = "host/seed"    // the keygen seed: the wallet's randomness
	hostBoots   = "host/boots"   // starts so far, decimal: each draws fresh randomness
)

// hostDevice is the host's device id: the SIM's world is its own.
const hostDevice = "phone"

// seedOf derives a stream seed from the wallet's seed for one purpose.
func seedOf(seed []byte, purpose string, n int) uint64 {
	d := sha256.Sum256(fmt.Appendf(slices.Clone(seed), "|%s|%d", purpose, n))
	return binary.BigEndian.Uint64(d[:8])
}

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
	w := world.New(0)
	h := &Host{w: w, dev: w.AddDevice(hostDevice, true), mutation: mutation}
	if len(store) > 0 {
		h.dev.Restore(world.StoreSnapshot(hostDevice, store))
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

// Store returns a copy of the wallet's persistent state.
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

// stored reads the suite and the variant keygen stored.
func (h *Host) stored() (suite.Suite, Variant, error) {
	raw, _ := h.dev.Get(hostSuite)
	s, err := suite.ByID(suite.ID(raw))
	if err != nil {
		return nil, 0, spec.Errorf(spec.CodeMalformed, "stored suite: %v", err)
	}
	raw, _ = h.dev.Get(hostVariant)
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
	seed, _ := h.dev.Get(hostSeed)
	// The wallet's randomness (its nonces and content keys) comes from
	// the seed and the number of starts, so a restarted wallet does not
	// repeat itself.
	raw, _ := h.dev.Get(hostBoots)
	boots, _ := strconv.Atoi(string(raw))
	h.w = world.New(seedOf(seed, "boot", boots))
	se := &SIM{s: s, w: h.w, dev: h.dev, variant: v, mutation: h.mutation}
	if err := loadStore(se); err != nil {
		return err
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
	h.dev.SetSkew(now.Sub(world.Epoch))
	return nil
}

// Handle performs one operation. A refusal is a *spec.Error; a refusal of
// an offline message comes back inside the DeliverResult instead, with
// the wallet's answer. A refused operation changes nothing.
func (h *Host) Handle(op string, params json.RawMessage) (any, error) {
	dec := func(v any) error {
		d := json.NewDecoder(bytes.NewReader(params))
		d.DisallowUnknownFields()
		if err := d.Decode(v); err != nil {
			return spec.Errorf(spec.CodeMalformed, "%s params: %v", op, err)
		}
		if d.More() {
			return spec.Errorf(spec.CodeMalformed, "%s params: trailing data", op)
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
	if op == OpProvision {
		var p Provisioning
		if err := dec(&p); err != nil {
			return nil, err
		}
		return struct{}{}, h.provision(p)
	}
	if h.se == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "%s: the wallet is not provisioned", op)
	}
	se := h.se
	switch op {
	case OpStartPayee:
		var p StartPayeeParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		if err := h.setClock(p.Now); err != nil {
			return nil, err
		}
		m, err := se.StartPayee(world.PartyID(p.Payer), p.Amount)
		if err != nil {
			return nil, err
		}
		w := toWire(m)
		w.From = "" // the harness knows who is speaking
		return MessageResult{Message: w}, nil
	case OpPayer, OpPayee:
		var p DeliverParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		if err := h.setClock(p.Now); err != nil {
			return nil, err
		}
		m := world.Message{From: world.PartyID(p.Message.From), To: h.dev.ID(), Type: p.Message.Type, Payload: p.Message.Payload}
		handle := se.Payer
		if op == OpPayee {
			handle = se.Payee
		}
		var out []world.Message
		crashed, err := h.w.Guard(h.dev.ID(), func() error {
			var err error
			out, err = handle(m)
			return err
		})
		if crashed {
			return nil, spec.Errorf(spec.CodeInternal, "the wallet lost power")
		}
		r := DeliverResult{Messages: []WireMessage{}}
		for _, o := range out {
			w := toWire(o)
			w.From = ""
			r.Messages = append(r.Messages, w)
		}
		if err != nil {
			r.Refused = &WireError{Code: string(spec.CodeOf(err)), Message: err.Error()}
		}
		return r, nil
	case OpEndSession:
		if err := dec(&struct{}{}); err != nil {
			return nil, err
		}
		return struct{}{}, se.EndSession()
	case OpState:
		if err := dec(&struct{}{}); err != nil {
			return nil, err
		}
		st, err := se.State()
		if err != nil {
			return nil, err
		}
		w := WireState{ID: st.ID, Spent: st.Spent, Payments: st.Payments, Received: st.Received, Coins: []WireCoin{}, Log: []WireLog{}, Deposits: []WireDeposit{}}
		for _, k := range slices.Sorted(maps.Keys(st.Coins)) {
			w.Coins = append(w.Coins, WireCoin{Key: k, Holding: st.Coins[k].Marshal()})
		}
		for _, e := range st.Log {
			w.Log = append(w.Log, WireLog{Key: e.Key, Payee: e.Payee, Amount: e.Amount, Holdings: models.HexList(e.Holdings), Records: models.HexList(e.Records), Acked: e.Acked})
		}
		for _, e := range st.Deposits {
			w.Deposits = append(w.Deposits, WireDeposit{Key: e.Key, Holdings: models.HexList(e.Holdings), Records: models.HexList(e.Records)})
		}
		return w, nil
	case OpUnspendable:
		var p ClockParams
		if err := dec(&p); err != nil {
			return nil, err
		}
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
	case OpCheckAgent:
		var p CheckAgentParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		if err := h.setClock(p.Now); err != nil {
			return nil, err
		}
		return struct{}{}, se.CheckAgent(p.Certificate)
	case OpIssue:
		var p IssueParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		if err := h.setClock(p.Now); err != nil {
			return nil, err
		}
		return struct{}{}, se.Issue(p.Issue)
	case OpSettle:
		var p SettleParams
		if err := dec(&p); err != nil {
			return nil, err
		}
		mail, err := parseHoldings(models.Bytes(p.Mail))
		if err != nil {
			return nil, err
		}
		return struct{}{}, se.Settle(mail, models.Bytes(p.Certificates), p.Settled)
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
		if err := h.setClock(p.Now); err != nil {
			return nil, err
		}
		return struct{}{}, se.Reset(p.Sync, p.CRL, p.Issue)
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
}

func (h *Host) keygen(p KeygenParams) (any, error) {
	if _, ok := h.dev.Get(keyPriv); ok {
		return nil, spec.Errorf(spec.CodeMalformed, "the wallet already has a key")
	}
	s, err := suite.ByID(suite.ID(p.Suite))
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "suite %q: %v", p.Suite, err)
	}
	if _, err := variantOf(p.Variant); err != nil {
		return nil, err
	}
	if len(p.Seed) == 0 {
		return nil, spec.Errorf(spec.CodeMalformed, "no seed")
	}
	key, err := s.GenerateKey(detrand.New(seedOf(p.Seed, "key", 0), "cert/host/key"))
	if err != nil {
		return nil, err
	}
	h.dev.Commit(map[string][]byte{keyPriv: key.Bytes(), hostSuite: []byte(p.Suite), hostVariant: []byte(p.Variant), hostSeed: p.Seed}, nil)
	return KeygenResult{PublicKey: key.Public().SPKI()}, nil
}

func (h *Host) provision(p Provisioning) error {
	if h.se != nil {
		return spec.Errorf(spec.CodeMalformed, "the wallet is already provisioned")
	}
	if _, ok := h.dev.Get(keyPriv); !ok {
		return spec.Errorf(spec.CodeMalformed, "provision before keygen")
	}
	if len(p.HSMKey) != coin.KeyIDSize+16 {
		return spec.Errorf(spec.CodeMalformed, "HSM key of %d bytes, want %d", len(p.HSMKey), coin.KeyIDSize+16)
	}
	puts := map[string][]byte{
		keyID:      []byte(p.ID),
		keyCert:    p.Certificate,
		keyRoot:    p.Root,
		keyCoinKey: p.IssuerKey,
		keyCRL:     p.CRL,
		keyHSM:     p.HSMKey,
		keyLimits:  mustJSON(bank.Limits{PerPayment: p.Limits.PerPayment, Cumulative: p.Limits.Cumulative, Count: p.Limits.Count}),
		keyState:   mustJSON(simState{SyncUnix: p.Sync}),
	}
	for i, a := range p.Agents {
		puts[prefAgent+string(rune('a'+i))] = a
	}
	// Check everything loads before committing: a refusal changes nothing.
	s, v, err := h.stored()
	if err != nil {
		return err
	}
	trial := world.New(0)
	tdev := trial.AddDevice(hostDevice, true)
	tdev.Restore(world.StoreSnapshot(hostDevice, h.Store()))
	tdev.Commit(puts, nil)
	if err := loadStore(&SIM{s: s, w: trial, dev: tdev, variant: v}); err != nil {
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
