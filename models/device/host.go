package device

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Store keys a Kit writes besides the device's own.
const (
	StoreSuite = "host/suite" // suite id, ASCII
	StoreSeed  = "host/seed"  // the keygen seed: the device's randomness
	StoreBoots = "host/boots" // starts so far, decimal: each draws fresh randomness
)

// SeedOf derives a stream seed from a device's seed for one purpose.
func SeedOf(seed []byte, purpose string, n int) uint64 {
	d := sha256.Sum256(fmt.Appendf(slices.Clone(seed), "|%s|%d", purpose, n))
	return binary.BigEndian.Uint64(d[:8])
}

// Decode decodes an operation's params into v strictly: members v does
// not know, and anything after the object, are malformed.
func Decode(op string, params json.RawMessage, v any) error {
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

// Decoded answers an operation whose params are a P: it decodes params
// strictly (Decode) and answers with f's result, or with f's error and no
// result.
func Decoded[P any](op string, params json.RawMessage, f func(P) (any, error)) (any, error) {
	var p P
	if err := Decode(op, params, &p); err != nil {
		return nil, err
	}
	r, err := f(p)
	if err != nil {
		return nil, err // a refusal carries no result, whatever f built
	}
	return r, nil
}

// Kit is the scaffolding of a model's Host, the reference device behind
// the operations: the device and its key-value store, which the caller
// loads at start and must persist after every operation that changed it
// (Store, Dirty), and the device's world, whose randomness comes from the
// keygen seed and the number of starts (Boot).
type Kit struct {
	W   *world.World  // the device's world: Boot replaces it
	Dev *world.Device // the device, its store

	noun   string // "card", "wallet": for messages
	clock  bool
	writes int
}

// NewKit makes the kit of a device not yet made: name is its id in its
// own world, noun what messages call it, clock whether it has one.
func NewKit(name world.PartyID, noun string, clock bool) *Kit {
	w := world.New(0)
	return &Kit{W: w, Dev: w.AddDevice(name, clock), noun: noun, clock: clock}
}

// Open loads store (nil or empty: a device not yet made). When the store
// holds a made device (the key made is present) it counts a start and
// calls load, whose error it returns.
func (k *Kit) Open(store map[string][]byte, made string, load func() error) error {
	if len(store) > 0 {
		k.Dev.Restore(world.StoreSnapshot(k.Dev.ID(), store))
		if _, ok := store[made]; ok {
			boots, _ := strconv.Atoi(string(store[StoreBoots]))
			k.Dev.Put(StoreBoots, []byte(strconv.Itoa(boots+1)))
			if err := load(); err != nil {
				return err
			}
		}
	}
	k.writes = k.Dev.Writes()
	return nil
}

// Store returns a copy of the device's persistent state.
func (k *Kit) Store() map[string][]byte {
	snap := k.Dev.Snapshot()
	out := map[string][]byte{}
	for _, key := range snap.Keys() {
		out[key], _ = snap.Get(key)
	}
	return out
}

// Dirty reports whether the store changed since the last call.
func (k *Kit) Dirty() bool {
	d := k.Dev.Writes() != k.writes
	k.writes = k.Dev.Writes()
	return d
}

// Suite reads the suite keygen stored.
func (k *Kit) Suite() (suite.Suite, error) {
	raw, _ := k.Dev.Get(StoreSuite)
	s, err := suite.ByID(suite.ID(raw))
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "stored suite: %v", err)
	}
	return s, nil
}

// Boot gives the device the world of this start: its randomness comes
// from the seed and the number of starts, so a restarted device does not
// repeat itself.
func (k *Kit) Boot() *world.World {
	seed, _ := k.Dev.Get(StoreSeed)
	raw, _ := k.Dev.Get(StoreBoots)
	boots, _ := strconv.Atoi(string(raw))
	k.W = world.New(SeedOf(seed, "boot", boots))
	return k.W
}

// Keygen answers a keygen: it refuses a device that has a key (keyPriv
// holds it), a suite it does not know, what check refuses (the scheme's
// own params; nil for none) and a missing seed, and otherwise derives the
// key from the seed (label names the stream) and stores it under keyPriv
// with the suite, the seed and extra, in one write.
func (k *Kit) Keygen(p KeygenParams, keyPriv, label string, check func() error, extra map[string][]byte) (any, error) {
	if _, ok := k.Dev.Get(keyPriv); ok {
		return nil, spec.Errorf(spec.CodeMalformed, "the %s already has a key", k.noun)
	}
	s, err := suite.ByID(suite.ID(p.Suite))
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "suite %q: %v", p.Suite, err)
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, err
		}
	}
	if len(p.Seed) == 0 {
		return nil, spec.Errorf(spec.CodeMalformed, "no seed")
	}
	key, err := s.GenerateKey(detrand.New(SeedOf(p.Seed, "key", 0), label))
	if err != nil {
		return nil, err
	}
	puts := map[string][]byte{keyPriv: key.Bytes(), StoreSuite: []byte(p.Suite), StoreSeed: p.Seed}
	for n, v := range extra {
		puts[n] = v
	}
	k.Dev.Commit(puts, nil)
	return KeygenResult{PublicKey: key.Public().SPKI()}, nil
}

// Trial is a scratch copy of the device with puts committed, in a world
// of its own: personalisation loads it to check that everything loads
// before it commits anything, so that a refusal changes nothing.
func (k *Kit) Trial(puts map[string][]byte) (*world.World, *world.Device) {
	w := world.New(0)
	d := w.AddDevice(k.Dev.ID(), k.clock)
	d.Restore(world.StoreSnapshot(k.Dev.ID(), k.Store()))
	d.Commit(puts, nil)
	return w, d
}

// Load commits puts, the device's material, and reloads the device
// (load), once check has loaded a trial copy with puts committed (Trial):
// a refusal changes nothing.
func (k *Kit) Load(puts map[string][]byte, check func(w *world.World, dev *world.Device) error, load func() error) error {
	trial, tdev := k.Trial(puts)
	if err := check(trial, tdev); err != nil {
		return err
	}
	k.Dev.Commit(puts, nil)
	return load()
}

// Deliver hands the device the message w inside its power guard and
// answers as the protocol says: the messages handle sends back, without
// From (the harness knows who is speaking), and its refusal, if any. A
// power cut inside handle is an internal error.
func (k *Kit) Deliver(w Message, handle func(world.Message) ([]world.Message, error)) (any, error) {
	m := world.Message{From: world.PartyID(w.From), To: k.Dev.ID(), Type: w.Type, Payload: w.Payload}
	var out []world.Message
	crashed, err := k.W.Guard(k.Dev.ID(), func() error {
		var err error
		out, err = handle(m)
		return err
	})
	if crashed {
		return nil, spec.Errorf(spec.CodeInternal, "the %s lost power", k.noun)
	}
	r := DeliverResult{Messages: []Message{}}
	for _, o := range out {
		w := ToWire(o)
		w.From = "" // the harness knows who is speaking
		r.Messages = append(r.Messages, w)
	}
	if err != nil {
		r.Refused = Refusal(err)
	}
	return r, nil
}

// Setup answers the two operations that make a device, once for every
// Host: keygenOp (params K, answered by keygen) and loadOp, the loading
// of its material (params P, answered {} or load's refusal). Params are
// decoded strictly (Decode). Any other op is not answered (ok false).
func Setup[K, P any](op string, params json.RawMessage, keygenOp string, keygen func(K) (any, error), loadOp string, load func(P) error) (result any, ok bool, err error) {
	switch op {
	case keygenOp:
		var p K
		if err := Decode(op, params, &p); err != nil {
			return nil, true, err
		}
		r, err := keygen(p)
		return r, true, err
	case loadOp:
		var p P
		if err := Decode(op, params, &p); err != nil {
			return nil, true, err
		}
		return struct{}{}, true, load(p)
	}
	return nil, false, nil
}

// OpenHost opens h, a Host whose kit is k, on store: it checks that
// mutation is one of known, the wallet mutants the scheme's Host can play
// (CheckMutation; nil known: the Host plays any), and opens k on store
// (Kit.Open: made, load). It returns h, or the zero H and the error.
func OpenHost[H any](h H, k *Kit, scheme, mutation string, known map[string]bool, store map[string][]byte, made string, load func() error) (H, error) {
	var none H
	if known != nil {
		if err := CheckMutation(scheme, mutation, known); err != nil {
			return none, err
		}
	}
	if err := k.Open(store, made, load); err != nil {
		return none, err
	}
	return h, nil
}

// Stage names a device and what loading its material makes it, for the
// refusals of an operation out of turn: Noun "wallet" and Loaded
// "provisioned" refuse "the wallet is not provisioned" and "the wallet
// is already provisioned".
type Stage struct{ Noun, Loaded string }

// unloaded is the refusal of op on a device not loaded.
func (st Stage) unloaded(op string) error {
	return spec.Errorf(spec.CodeMalformed, "%s: the %s is not %s", op, st.Noun, st.Loaded)
}

// loadOnce is load refusing a device already loaded (spec.CodeMalformed),
// once its params decoded.
func loadOnce[P any](st Stage, loaded bool, load func(P) error) func(P) error {
	return func(p P) error {
		if loaded {
			return spec.Errorf(spec.CodeMalformed, "the %s is already %s", st.Noun, st.Loaded)
		}
		return load(p)
	}
}

// Gate answers what a Host answers before its device's own operations:
// the two setup operations (Setup: keygenOp answered by keygen, loadOp by
// load, which a loaded device refuses), then an op that is none of ops,
// the device's operations, refused spec.CodeUnimplemented, then any op
// while the device is not loaded refused spec.CodeMalformed in st's words.
// An op of ops on a loaded device is not answered (ok false): it is the
// device's own.
func Gate[K, P any](op string, params json.RawMessage, ops []string, keygenOp string, keygen func(K) (any, error), loadOp string, load func(P) error, loaded bool, st Stage) (result any, ok bool, err error) {
	if r, ok, err := Setup(op, params, keygenOp, keygen, loadOp, loadOnce(st, loaded, load)); ok {
		return r, ok, err
	}
	if !slices.Contains(ops, op) {
		return nil, true, spec.Errorf(spec.CodeUnimplemented, "operation %q", op)
	}
	if !loaded {
		return nil, true, st.unloaded(op)
	}
	return nil, false, nil
}
