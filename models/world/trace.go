package world

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Kind classifies a trace event.
type Kind string

// Event kinds.
const (
	KindDevice   Kind = "device"   // a device was added
	KindLink     Kind = "link"     // a party went online or offline
	KindSend     Kind = "send"     // a party emitted a message
	KindDeliver  Kind = "deliver"  // a message reached its recipient
	KindReject   Kind = "reject"   // the recipient refused a message (Code says why)
	KindFault    Kind = "fault"    // the injector acted (Fault says how)
	KindCrash    Kind = "crash"    // a device lost power
	KindRestart  Kind = "restart"  // a device came back with its persistent state
	KindPersist  Kind = "persist"  // a device wrote its persistent store
	KindSnapshot Kind = "snapshot" // a device's store was copied
	KindState    Kind = "state"    // a model reports a state change (balances)
	KindNote     Kind = "note"     // anything else a model wants on record
	KindOnline   Kind = "online"   // an exchange with a bank over the online link
)

// Event is one line of a trace. Fields that do not apply are empty.
type Event struct {
	Seq     int     `json:"seq"`
	TimeMS  int64   `json:"t_ms"` // milliseconds since Epoch
	Session uint64  `json:"session,omitempty"`
	Step    int     `json:"step,omitempty"` // 1-based delivery step within the session
	Kind    Kind    `json:"kind"`
	From    PartyID `json:"from,omitempty"`
	To      PartyID `json:"to,omitempty"`
	Type    string  `json:"type,omitempty"` // message type
	Hash    string  `json:"hash,omitempty"` // first 8 bytes of SHA-256 of the payload, hex
	Len     int     `json:"len,omitempty"`
	Fault   string  `json:"fault,omitempty"`
	Code    string  `json:"code,omitempty"` // spec error code of a rejection
	Detail  string  `json:"detail,omitempty"`
}

// Trace is the ordered record of everything that happened in a world.
type Trace struct {
	w *World
	// chunks hold the events in order, traceChunk to a chunk (the last
	// may hold fewer): a trace of millions of events (the anonymity
	// game's stream) grows without copying more than a chunk.
	chunks [][]Event
	n      int // events recorded (Len)
	gone   int // events dropped from the front (Keep)
	keep   int // how many of the last events the trace holds at least; 0: every one
	step   int
	sess   uint64
}

// Keep bounds what the trace holds from now on to the last n events or
// more (n > 0; 0 holds every event again from now on): older events are
// dropped a chunk at a time, so it holds fewer than n + 2*4096. Len and
// the events' Seq stay what they would be; Events, Tail, JSON and
// WriteText give the events held. It is for a world whose trace is read
// only at its end (a counterexample shows the last events): the
// anonymity games' worlds record millions of events, which a world kept
// whole (some 300 bytes each with their strings) for the collector to
// mark again and again.
func (t *Trace) Keep(n int) {
	t.keep = max(0, n)
	t.trim()
}

// trim drops whole chunks from the front while the rest hold keep events.
func (t *Trace) trim() {
	for t.keep > 0 && len(t.chunks) > 1 && t.n-t.gone-len(t.chunks[0]) >= t.keep {
		t.gone += len(t.chunks[0])
		t.chunks[0] = nil
		t.chunks = t.chunks[1:]
	}
}

// traceChunk is how many events a chunk of a Trace holds.
const traceChunk = 1 << 12

func (t *Trace) add(e Event) {
	e.Seq = t.n + 1
	e.TimeMS = t.w.now.Sub(Epoch).Milliseconds()
	if e.Session == 0 {
		e.Session = t.sess
	}
	if e.Step == 0 {
		e.Step = t.step
	}
	switch {
	case len(t.chunks) == 0:
		// The first chunk grows by append: most worlds (a property's
		// case) trace a few hundred events, and a chunk made whole up
		// front would cost each of them its allocation.
		t.chunks = append(t.chunks, nil)
	case len(t.chunks[len(t.chunks)-1]) == traceChunk:
		t.trim()
		t.chunks = append(t.chunks, make([]Event, 0, traceChunk))
	}
	last := &t.chunks[len(t.chunks)-1]
	*last = append(*last, e)
	t.n++
}

// all returns the events held in one new slice (nil for none).
func (t *Trace) all() []Event {
	if t.n == t.gone {
		return nil
	}
	out := make([]Event, 0, t.n-t.gone)
	for _, c := range t.chunks {
		out = append(out, c...)
	}
	return out
}

// State records a model's state change for party, e.g. "balance 500→300".
func (t *Trace) State(p PartyID, format string, args ...any) {
	t.add(Event{Kind: KindState, From: p, Detail: fmt.Sprintf(format, args...)})
}

// Note records a free-form model event.
func (t *Trace) Note(p PartyID, format string, args ...any) {
	t.add(Event{Kind: KindNote, From: p, Detail: fmt.Sprintf(format, args...)})
}

// Online records an exchange between a party and a bank over the online
// link, with the payload's hash and an optional error.
func (t *Trace) Online(from, to PartyID, typ string, payload []byte, err error) {
	t.add(Event{Kind: KindOnline, From: from, To: to, Type: typ, Hash: hash8(payload), Len: len(payload), Code: codeOf(err), Detail: errDetail(err)})
}

func errDetail(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Events returns a copy of the events so far: every one, or the events
// held if Keep bounded the trace (the first then has Seq Len()-len+1).
func (t *Trace) Events() []Event { return t.all() }

// Tail returns a copy of the last n events held (all held if fewer).
func (t *Trace) Tail(n int) []Event {
	out := t.all()
	return out[max(0, len(out)-n):]
}

// Len returns the number of events recorded (held or dropped by Keep):
// the Seq of the last.
func (t *Trace) Len() int { return t.n }

// JSON returns the trace as indented JSON. Equal worlds give equal bytes.
func (t *Trace) JSON() []byte {
	var setup *uint64
	if t.w.reseeded {
		setup = &t.w.setupSeed
	}
	b, err := json.MarshalIndent(struct {
		Seed      uint64  `json:"seed"`
		SetupSeed *uint64 `json:"setup_seed,omitempty"` // set up under this seed, then Reseed
		Events    []Event `json:"events"`
	}{t.w.seed, setup, t.all()}, "", " ")
	if err != nil {
		panic("world: trace does not marshal: " + err.Error())
	}
	return b
}

// WriteText writes the trace as a readable message sequence, one line per
// event, skipping persistence detail unless verbose.
func (t *Trace) WriteText(w io.Writer, verbose bool) error {
	for _, e := range t.all() {
		if !verbose && (e.Kind == KindPersist || e.Kind == KindSnapshot || e.Kind == KindDevice) {
			continue
		}
		if _, err := fmt.Fprintln(w, e.Text()); err != nil {
			return err
		}
	}
	return nil
}

// Text renders one event for people.
func (e Event) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%8.3fs ", float64(e.TimeMS)/1000)
	if e.Session != 0 {
		fmt.Fprintf(&b, "s%-3d ", e.Session)
	} else {
		b.WriteString("     ")
	}
	switch e.Kind {
	case KindSend, KindDeliver:
		arrow := "──▶"
		if e.Kind == KindDeliver {
			arrow = "──▶✓"
		}
		fmt.Fprintf(&b, "%-10s %s %-10s %s (%d B, %s)", e.From, arrow, e.To, e.Type, e.Len, e.Hash)
	case KindReject:
		fmt.Fprintf(&b, "%-10s ✗ refuses %s from %s: %s", e.To, e.Type, e.From, e.Detail)
	case KindFault:
		fmt.Fprintf(&b, "⚡ %s", e.Fault)
		if e.Type != "" {
			fmt.Fprintf(&b, " %s %s→%s", e.Type, e.From, e.To)
		} else if e.From != "" {
			fmt.Fprintf(&b, " %s", e.From)
			if e.To != "" {
				fmt.Fprintf(&b, "→%s", e.To)
			}
		}
		if e.Detail != "" {
			fmt.Fprintf(&b, " (%s)", e.Detail)
		}
	case KindOnline:
		fmt.Fprintf(&b, "%-10s ⇄ %-10s %s (%d B)", e.From, e.To, e.Type, e.Len)
		if e.Code != "" {
			fmt.Fprintf(&b, " ✗ %s", e.Detail)
		}
	default:
		fmt.Fprintf(&b, "[%s] %s", e.Kind, e.From)
		if e.To != "" {
			fmt.Fprintf(&b, "→%s", e.To)
		}
		if e.Detail != "" {
			fmt.Fprintf(&b, ": %s", e.Detail)
		}
	}
	return b.String()
}

// Fault records a fault the harness applied to party outside a session
// (a rollback or clone of an external device).
func (t *Trace) Fault(p PartyID, kind FaultKind, detail string) {
	t.add(Event{Kind: KindFault, From: p, Fault: string(kind), Detail: detail})
}
