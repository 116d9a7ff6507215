// Package world is the deterministic discrete-event world every scheme
// model runs in: one seeded random source, a simulated clock, devices with
// persistent and volatile state, point-to-point channels driven step by
// step, an online link to the banks, a fault injector and a trace.
//
// Determinism is the contract: a World built from the same seed, driven by
// the same calls with the same fault plans, produces a byte-identical trace.
// Nothing here reads the wall clock, the process random source or map
// iteration order.
//
// How a scheme uses it:
//
//   - Each device (secure element, SIM, wallet, bank node) is a *Device.
//     Only what the model writes with Put/Commit survives a crash; a crash
//     discards everything else and the model's Recover rebuilds its
//     volatile state from the store.
//   - A protocol run is a Session: the starting messages, one Endpoint per
//     party, and a Plan of faults. RunSession delivers messages one step at
//     a time, applying the faults scheduled for that step, until no message
//     is in flight.
//   - A crash is a panic with a private value raised inside Put/Commit (or
//     at a step boundary); RunSession and Guard recover it. It never
//     escapes this package's entry points.
//
// Every fault acts: the receiving device sees something a fault-free run
// never shows it, and the trace says what the injector did.
//
//   - A redirected message is delivered to the named bystander's device
//     (Session.Bystander says how it handles it; by default it refuses).
//   - A relayed message passes through the attacker hop Relayer, which
//     forwards it late, holds it behind the next message in flight, or
//     alters one field; with a party named, it bridges the message to
//     that device, far from the sender.
//   - A skew offsets the recipient's clock until the session's end.
//   - A reorder or delay in a lock-step exchange, where one message is in
//     flight, makes its sender time out and retransmit; the held original
//     reaches the receiver later, after the sender's next message to it
//     (reorder) or after the rest of the exchange (delay, which also moves
//     the clock). With another message in flight, a reorder swaps the two
//     and a delay holds the message behind all that traffic.
package world

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
)

// Epoch is the simulated time every world starts at.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// PartyID names a party or device, e.g. "cb", "agent-1", "wallet-A".
type PartyID string

// ErrOffline is returned by operations that need the online link when the
// party is offline.
var ErrOffline = errors.New("world: party is offline")

// World is one deterministic simulation. It is not safe for concurrent use:
// independent runs use independent Worlds.
type World struct {
	seed uint64
	rand *detrand.Source
	// setupSeed is the seed the world was built from, when Reseed
	// changed it (reseeded).
	setupSeed uint64
	reseeded  bool
	draws     map[string]int
	now       time.Time
	trace     *Trace
	devices   map[PartyID]*Device
	online    map[PartyID]bool
	session   uint64
	pool      []Message // every delivered message, for replay faults
	poolSess  []uint64  // the session each pooled message was delivered in
	// poolSent[i] reports that pool[i] is byte for byte a message its
	// sender sent (not altered on the way): the messages a field fault
	// may take a field from.
	poolSent []bool
	sent     map[[32]byte]bool // sentKey of every message a party sent
	network  Network           // what partition faults split (partition.go); nil without one
}

// New returns a world for seed.
func New(seed uint64) *World {
	w := &World{
		seed:    seed,
		rand:    detrand.New(seed, "world"),
		draws:   map[string]int{},
		now:     Epoch,
		devices: map[PartyID]*Device{},
		online:  map[PartyID]bool{},
		sent:    map[[32]byte]bool{},
	}
	w.trace = &Trace{w: w}
	return w
}

// Seed returns the seed the world was built from, or the one Reseed
// last gave it.
func (w *World) Seed() uint64 { return w.seed }

// Reseed starts every random stream afresh from seed: what the world drew
// before (typically the setup: keys, certificates, devices) keeps the
// randomness of the earlier seed, everything drawn after comes from seed,
// as in a world built from seed. The trace records the seed the world
// was built from (SetupSeed) next to the current one. Reseeding with the
// current seed changes nothing.
func (w *World) Reseed(seed uint64) {
	if seed == w.seed {
		return
	}
	if !w.reseeded {
		w.setupSeed, w.reseeded = w.seed, true
	}
	w.seed = seed
	w.rand = detrand.New(seed, "world")
	w.draws = map[string]int{}
}

// Rand returns a fresh random stream for label. Each call for the same
// label returns the next stream of a sequence fixed by the seed, so two
// consumers never share bytes and adding a consumer under a new label does
// not disturb the others.
func (w *World) Rand(label string) *detrand.Source {
	n := w.draws[label]
	w.draws[label] = n + 1
	return w.rand.Derive(fmt.Sprintf("%s#%d", label, n))
}

// Now returns the simulated time.
func (w *World) Now() time.Time { return w.now }

// Advance moves the clock forward by d (negative d is ignored).
func (w *World) Advance(d time.Duration) {
	if d > 0 {
		w.now = w.now.Add(d)
	}
}

// Trace returns the world's trace.
func (w *World) Trace() *Trace { return w.trace }

// SetOnline sets whether party can reach the banks.
func (w *World) SetOnline(p PartyID, up bool) {
	if w.online[p] != up {
		w.online[p] = up
		state := "offline"
		if up {
			state = "online"
		}
		w.trace.add(Event{Kind: KindLink, From: p, Detail: state})
	}
}

// Online reports whether party can reach the banks. Parties start offline.
func (w *World) Online(p PartyID) bool { return w.online[p] }

// RequireOnline returns ErrOffline unless p is online.
func (w *World) RequireOnline(p PartyID) error {
	if !w.online[p] {
		return fmt.Errorf("%w: %s", ErrOffline, p)
	}
	return nil
}

// Devices returns the ids of all devices in creation order.
func (w *World) Devices() []PartyID {
	ids := make([]PartyID, 0, len(w.devices))
	for id := range w.devices {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return w.devices[ids[i]].created < w.devices[ids[j]].created })
	return ids
}

// Device returns the device with id, or nil.
func (w *World) Device(id PartyID) *Device { return w.devices[id] }

// hash8 is the short payload hash the trace records.
func hash8(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// codeOf maps an error to its spec code for the trace.
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return string(spec.CodeOf(err))
}
