package world

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/spec"
)

// Channel is the physical link a session runs over. Proximity is never a
// security assumption: every channel can be relayed.
type Channel string

// Channels.
const (
	NearField Channel = "near-field" // NFC, BLE, IR: both directions
	QR        Channel = "qr"         // a displayed code scanned by the peer: one direction
)

// Message is one protocol message in flight.
type Message struct {
	From    PartyID
	To      PartyID
	Type    string
	Payload []byte
}

// Endpoint is a party's handler for one session: it consumes a message and
// returns the messages it sends in reply. A returned error is a refusal:
// it is traced with its spec code and the session goes on.
type Endpoint func(m Message) ([]Message, error)

// Span locates a field inside a payload, for field-level tampering.
type Span struct {
	Name       string
	Start, End int
}

// Session is one protocol run between parties.
type Session struct {
	Channel   Channel
	Endpoints map[PartyID]Endpoint
	// Restart rebuilds a party's volatile state from its device after a
	// crash; called at once, the device then takes part again.
	Restart map[PartyID]func()
	Start   []Message
	Plan    Plan
	// Fields splits a payload into named fields for FaultField; optional.
	Fields func(Message) []Span
	// Refield returns m with the content of its field f (one of
	// Fields(m)) replaced by value, re-encoding the framing around it
	// (lengths), or false if it cannot. Optional: without it FaultField
	// substitutes only a field of the same length.
	Refield func(m Message, f Span, value []byte) (Message, bool)
	// Bystander returns how a device that is not a party to this session
	// handles a message redirected to it (FaultRedirect). Nil, or a nil
	// Endpoint, is the contract every device must meet: it refuses any
	// message outside a session it started or joined, with
	// wrong-recipient, and changes nothing.
	Bystander func(id PartyID) Endpoint
	// MaxSteps bounds the run (default 256): a protocol that loops is a
	// model bug, reported as Outcome.Exhausted.
	MaxSteps int
}

// Rejection is a message a party refused.
type Rejection struct {
	Step  int
	Party PartyID
	Type  string
	Err   error
}

// Outcome summarises a session.
type Outcome struct {
	Session    uint64
	Steps      int
	Delivered  int
	Rejections []Rejection
	Crashes    []PartyID
	// Writes[i] is the number of persistence operations the recipient of
	// step i+1 made while handling it: the crash points FaultCrashAt can
	// name at that step.
	Writes []int
	// Recipients[i] is the party step i+1 was addressed to.
	Recipients []PartyID
	// Fields[i] is how many fields Session.Fields splits step i+1's
	// message into (0 without Fields): the field indices FaultField and
	// FaultFieldFlip can name at that step.
	Fields    []int
	Exhausted bool
}

// RunSession runs s to quiescence and returns what happened. It never
// panics on a model's crash; it does re-panic on anything else (a model
// bug must not be mistaken for a crash).
func (w *World) RunSession(s *Session) Outcome {
	w.session++
	id := w.session
	w.trace.sess = id
	defer func() { w.trace.sess, w.trace.step = 0, 0 }()
	max := s.MaxSteps
	if max == 0 {
		max = 256
	}
	out := Outcome{Session: id}
	queue := append([]Message(nil), s.Start...)
	for _, m := range queue {
		w.sent[sentKey(m)] = true
		w.trace.add(Event{Kind: KindSend, From: m.From, To: m.To, Type: m.Type, Hash: hash8(m.Payload), Len: len(m.Payload)})
	}
	plan := s.Plan.byStep()
	// The devices a skew fault offset, in the order it did, with their
	// offsets before: restored in that order, so the trace replays.
	type skewedDevice struct {
		id  PartyID
		was time.Duration
	}
	var skewed []skewedDevice
	defer func() {
		for _, sd := range skewed {
			w.devices[sd.id].setSkew(sd.was, "restored at the session's end")
		}
	}()
	// Messages a reorder holds behind the next message delivered, and
	// messages a delay holds until the queue has run dry.
	var overtake, late []Message
	for len(queue) > 0 || len(late) > 0 {
		if len(queue) == 0 {
			// The exchange is over: the delayed originals arrive now.
			for _, m := range late {
				w.trace.add(Event{Kind: KindFault, From: m.From, To: m.To, Type: m.Type, Fault: string(FaultDelay), Detail: "released: arrives after the exchange"})
			}
			queue, late = late, nil
		}
		if out.Steps == max {
			out.Exhausted = true
			w.trace.add(Event{Kind: KindNote, Detail: fmt.Sprintf("session stopped after %d steps", max)})
			break
		}
		out.Steps++
		step := out.Steps
		w.trace.step = step
		m := queue[0]
		queue = queue[1:]
		deliver := []Message{m}
		crashBefore, crashAfter, crashAt := false, false, -1
		for _, f := range plan[step] {
			note := "" // what the fault line adds about this fault's effect
			switch f.Kind {
			case FaultDrop:
				if f.Party != "" {
					// A drop naming a node loses a block of the nodes'
					// gossip (LossyNetwork), not this message.
					note = w.networkFault(f)
					break
				}
				deliver = nil
			case FaultDuplicate:
				deliver = append(deliver, cloneMsg(m))
			case FaultReorder:
				if len(queue) > 0 {
					queue[0], m = m, queue[0]
					deliver = []Message{m}
					break
				}
				// Nothing in flight to swap with: the sender times out and
				// retransmits; the original is held until the sender's
				// next message to the same recipient has overtaken it.
				deliver = []Message{cloneMsg(m)}
				overtake = append(overtake, m)
				note = "nothing else in flight: " + string(m.From) + " retransmits; the original is held behind its next message to " + string(m.To)
			case FaultDelay:
				w.Advance(time.Duration(f.Arg) * time.Millisecond)
				late = append(late, m)
				deliver = nil
				if len(queue) == 0 {
					// The sender times out and retransmits; the original
					// arrives after the exchange that follows.
					deliver = []Message{cloneMsg(m)}
					note = "; nothing else in flight: " + string(m.From) + " retransmits; the original is held until the exchange is over"
				} else {
					note = "; held until the messages in flight and what they cause have been delivered"
				}
			case FaultRelay:
				var held bool
				deliver, queue, held = w.relay(s, f, deliver, queue)
				if held {
					continue // relay traced the hop and the hold
				}
				if f.Arg%3 == RelayOvertaken {
					w.trace.add(Event{Kind: KindFault, From: m.From, To: m.To, Type: m.Type, Fault: string(f.Kind), Detail: fmt.Sprintf("arg %d: nothing else in flight to overtake it, forwarded", f.Arg)})
					continue
				}
			case FaultBitFlip:
				for i := range deliver {
					deliver[i] = flip(deliver[i], f.Arg)
				}
			case FaultTruncate:
				for i := range deliver {
					deliver[i] = truncate(deliver[i], f.Arg)
				}
			case FaultExtend:
				for i := range deliver {
					deliver[i].Payload = append(bytes.Clone(deliver[i].Payload), byte(f.Arg))
				}
			case FaultField:
				for i := range deliver {
					var from string
					deliver[i], from = w.substitute(s, deliver[i], f.Arg)
					note = ": " + from
				}
			case FaultFieldFlip:
				for i := range deliver {
					deliver[i] = flipInField(s, deliver[i], f.Arg)
				}
			case FaultRedirect:
				for i := range deliver {
					if f.Party != "" {
						deliver[i].To = f.Party
					}
				}
			case FaultSkew:
				if d := w.devices[m.To]; d != nil {
					if !slices.ContainsFunc(skewed, func(sd skewedDevice) bool { return sd.id == m.To }) {
						skewed = append(skewed, skewedDevice{m.To, d.skew})
					}
					d.skew = time.Duration(f.Arg) * time.Millisecond // the fault line below traces it
					if !d.hasClock {
						note = "; no clock: nothing reads it"
					}
				}
			case FaultReplay:
				if old, ok := w.replayable(id, f.Arg); ok {
					old.To = m.To
					deliver = append([]Message{old}, deliver...)
				}
			case FaultPartition, FaultHeal:
				note = w.networkFault(f)
			case FaultCrashBefore:
				crashBefore = true
			case FaultCrashAfter:
				crashAfter = true
			case FaultCrashAt:
				crashAt = f.Arg
			}
			w.trace.add(Event{Kind: KindFault, From: m.From, To: m.To, Type: m.Type, Fault: string(f.Kind), Detail: f.detail() + note})
		}
		writes := 0
		for _, d := range deliver {
			n, replies := w.deliver(s, &out, step, d, crashBefore, crashAfter, crashAt)
			writes += n
			crashBefore, crashAt = false, -1 // a crash fault applies once
			queue = append(queue, replies...)
		}
		// A held reordered message follows the first message in flight
		// from its sender to its recipient; with nothing in flight it
		// goes on now.
		for i := 0; i < len(overtake); {
			h := overtake[i]
			if j := slices.IndexFunc(queue, func(q Message) bool { return q.From == h.From && q.To == h.To }); j >= 0 {
				queue = slices.Insert(queue, j+1, h)
			} else if len(queue) > 0 {
				i++
				continue
			} else {
				queue = append(queue, h)
			}
			overtake = slices.Delete(overtake, i, i+1)
		}
		out.Writes = append(out.Writes, writes)
		out.Recipients = append(out.Recipients, m.To)
		nf := 0
		if s.Fields != nil {
			nf = len(s.Fields(m))
		}
		out.Fields = append(out.Fields, nf)
	}
	return out
}

func (w *World) deliver(s *Session, out *Outcome, step int, m Message, crashBefore, crashAfter bool, crashAt int) (writes int, replies []Message) {
	ep, ok := s.Endpoints[m.To]
	if !ok {
		if w.devices[m.To] == nil {
			w.trace.add(Event{Kind: KindNote, From: m.From, To: m.To, Type: m.Type, Detail: "no such device; message lost"})
			return 0, nil
		}
		if s.Bystander != nil {
			ep = s.Bystander(m.To)
		}
		if ep == nil {
			ep = refuseStray(m.To)
		}
	}
	dev := w.devices[m.To]
	before := 0
	if dev != nil {
		before = dev.writes
	}
	crashed, err := w.Guard(m.To, func() error {
		if crashBefore && dev != nil {
			dev.CrashNow("power lost before handling " + m.Type)
		}
		if crashAt >= 0 && dev != nil {
			dev.ArmCrash(crashAt)
		}
		w.trace.add(Event{Kind: KindDeliver, From: m.From, To: m.To, Type: m.Type, Hash: hash8(m.Payload), Len: len(m.Payload)})
		out.Delivered++
		w.pool = append(w.pool, cloneMsg(m))
		w.poolSess = append(w.poolSess, w.session)
		w.poolSent = append(w.poolSent, w.sent[sentKey(m)])
		var err error
		replies, err = ep(m)
		if crashAfter && dev != nil {
			dev.CrashNow("power lost before sending the reply to " + m.Type)
		}
		return err
	})
	if dev != nil {
		dev.ArmCrash(-1)
		writes = dev.writes - before
	}
	if crashed {
		out.Crashes = append(out.Crashes, m.To)
		if r := s.Restart[m.To]; r != nil {
			r()
		}
		return writes, nil
	}
	if err != nil {
		out.Rejections = append(out.Rejections, Rejection{Step: step, Party: m.To, Type: m.Type, Err: err})
		w.trace.add(Event{Kind: KindReject, From: m.From, To: m.To, Type: m.Type, Code: codeOf(err), Detail: err.Error()})
	}
	for _, r := range replies {
		w.sent[sentKey(r)] = true
		if s.Channel == QR && len(s.Start) > 0 && r.From == s.Start[0].To && r.To == s.Start[0].From {
			panic(fmt.Sprintf("world: %s replied to %s over a one-way QR channel", r.From, r.To))
		}
		w.trace.add(Event{Kind: KindSend, From: r.From, To: r.To, Type: r.Type, Hash: hash8(r.Payload), Len: len(r.Payload)})
	}
	return writes, replies
}

// refuseStray is a bystander device that meets the contract: it refuses
// a message of a session it neither started nor joined.
func refuseStray(id PartyID) Endpoint {
	return func(m Message) ([]Message, error) {
		return nil, spec.Errorf(spec.CodeWrongRecipient, "%s has no session with %s: %s refused", id, m.From, m.Type)
	}
}

// Relayer is the attacker hop a relay fault routes a message through, as
// it appears in the trace.
const Relayer PartyID = "relay-attacker"

// relay passes the messages of a step through the attacker hop: the hop
// receives them, waits f.Arg ms (the distance) and forwards them, unchanged
// (RelayLate), after the next message in flight has overtaken them
// (RelayOvertaken; with nothing else in flight they go on at once), or
// with one bit of one field flipped (RelayAltered). With f.Party set the
// hop forwards them to that device instead, one not in contact with the
// sender: a session of the hop's own, whose answers reach the sender.
// held reports that the messages went back into the queue instead of
// being delivered now.
func (w *World) relay(s *Session, f Fault, deliver, queue []Message) (out, q []Message, held bool) {
	for _, d := range deliver {
		w.trace.add(Event{Kind: KindDeliver, From: d.From, To: Relayer, Type: d.Type, Hash: hash8(d.Payload), Len: len(d.Payload), Detail: "intercepted for " + string(d.To)})
	}
	w.Advance(time.Duration(f.Arg) * time.Millisecond)
	switch f.Arg % 3 {
	case RelayOvertaken:
		if len(queue) > 0 {
			q = append([]Message{queue[0]}, deliver...)
			q = append(q, queue[1:]...)
			for _, d := range deliver {
				w.trace.add(Event{Kind: KindFault, From: Relayer, To: d.To, Type: d.Type, Fault: string(FaultRelay), Detail: fmt.Sprintf("held behind %s from %s", queue[0].Type, queue[0].From)})
			}
			return nil, q, true
		}
	case RelayAltered:
		for i := range deliver {
			deliver[i] = flipInField(s, deliver[i], f.Arg/3)
		}
	}
	for i, d := range deliver {
		detail := "forwarded for " + string(d.From)
		if f.Party != "" && f.Party != d.To {
			// The hop's own session with a device far from the sender.
			deliver[i].To = f.Party
			detail += ", to " + string(f.Party) + " instead of " + string(d.To) + ", which is not in contact"
		}
		w.trace.add(Event{Kind: KindSend, From: Relayer, To: deliver[i].To, Type: d.Type, Hash: hash8(d.Payload), Len: len(d.Payload), Detail: detail})
	}
	return deliver, queue, false
}

// sentKey identifies a message by its sender, type and bytes: a delivery
// with a sent message's key reached its recipient unaltered (a duplicate,
// a replay or a redirect included). The set of sent messages keeps this
// digest, not the message (the pool of delivered messages, which the
// replay and substitution faults draw from, still holds them).
func sentKey(m Message) [32]byte {
	h := sha256.New()
	h.Write([]byte(m.From))
	h.Write([]byte{0})
	h.Write([]byte(m.Type))
	h.Write([]byte{0})
	h.Write(m.Payload)
	return [32]byte(h.Sum(nil))
}

func cloneMsg(m Message) Message {
	m.Payload = bytes.Clone(m.Payload)
	return m
}

func flip(m Message, bit int) Message {
	m = cloneMsg(m)
	if len(m.Payload) > 0 {
		bit %= 8 * len(m.Payload)
		m.Payload[bit/8] ^= 0x80 >> (bit % 8)
	}
	return m
}

func truncate(m Message, n int) Message {
	m = cloneMsg(m)
	if len(m.Payload) > 0 {
		m.Payload = m.Payload[:n%len(m.Payload)]
	}
	return m
}

// flipInField flips one bit inside one field: field arg%16 (modulo the
// field count), bit arg/16 (modulo the field's length in bits). A flip
// inside a field's content keeps most encodings well-formed (an integer
// of a signature stays an integer), so only the check that covers that
// field can catch it. Without field spans it is a plain bit flip.
func flipInField(s *Session, m Message, arg int) Message {
	var fields []Span
	if s.Fields != nil {
		fields = s.Fields(m)
	}
	if len(fields) == 0 {
		return flip(m, arg)
	}
	f := fields[(arg%FieldFlipFields)%len(fields)]
	if f.Start < 0 || f.End > len(m.Payload) || f.Start >= f.End {
		return cloneMsg(m)
	}
	bit := (arg / FieldFlipFields) % (8 * (f.End - f.Start))
	return flip(m, 8*f.Start+bit)
}

// substitute replaces field arg (modulo the field count) with the field of
// the same name from another valid message (R1.1: "substitution of a
// field from another valid message"): the most recent message delivered
// unaltered in this world (byte for byte as its sender sent it) from the
// same sender that has such a field with other content, else from any
// sender; a field of another length only through
// s.Refield. With no such field, it takes bytes of the field's length
// from the world's random stream.
// It also says, for the trace, what it did.
func (w *World) substitute(s *Session, m Message, arg int) (Message, string) {
	m = cloneMsg(m)
	if s.Fields == nil {
		return flip(m, arg), "no fields: a bit flipped"
	}
	fields := s.Fields(m)
	if len(fields) == 0 {
		return flip(m, arg), "no fields: a bit flipped"
	}
	f := fields[arg%len(fields)]
	if f.Start < 0 || f.End > len(m.Payload) || f.Start >= f.End {
		return m, "field " + f.Name + " out of range: unchanged"
	}
	if out, from, ok := w.fromAnother(s, m, f); ok {
		return out, f.Name + " taken from " + from
	}
	r := w.Rand("tamper")
	for {
		repl := r.Bytes(f.End - f.Start)
		if !bytes.Equal(repl, m.Payload[f.Start:f.End]) {
			copy(m.Payload[f.Start:f.End], repl)
			return m, f.Name + " replaced by random bytes"
		}
	}
}

// fromAnother is substitute's field from another valid message, if
// there is one, and which message that was.
func (w *World) fromAnother(s *Session, m Message, f Span) (Message, string, bool) {
	cur := m.Payload[f.Start:f.End]
	for _, sameSender := range []bool{true, false} {
		for i := len(w.pool) - 1; i >= 0; i-- {
			o := w.pool[i]
			if !w.poolSent[i] || (o.From == m.From) != sameSender {
				continue
			}
			for _, g := range s.Fields(o) {
				if g.Name != f.Name || g.Start < 0 || g.End > len(o.Payload) || g.Start >= g.End {
					continue
				}
				v := o.Payload[g.Start:g.End]
				if bytes.Equal(v, cur) {
					continue
				}
				from := o.Type + " from " + string(o.From)
				if len(v) == len(cur) {
					copy(m.Payload[f.Start:f.End], v)
					return m, from, true
				}
				if s.Refield != nil {
					// A field of another length or encoding may still be
					// the same value once re-encoded: that is no
					// substitution.
					if out, ok := s.Refield(m, f, bytes.Clone(v)); ok && !bytes.Equal(out.Payload, m.Payload) {
						return out, from, true
					}
				}
			}
		}
	}
	return m, "", false
}

// replayable picks a message delivered in an earlier session.
func (w *World) replayable(current uint64, arg int) (Message, bool) {
	var old []Message
	for i, m := range w.pool {
		if w.poolSess[i] != current {
			old = append(old, m)
		}
	}
	if len(old) == 0 {
		return Message{}, false
	}
	return cloneMsg(old[arg%len(old)]), true
}
