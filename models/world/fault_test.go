package world

import (
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec"
)

// eventsOf returns the events of kind k that involve party p.
func eventsOf(w *World, k Kind, p PartyID) []Event {
	var out []Event
	for _, e := range w.Trace().Events() {
		if e.Kind == k && (e.From == p || e.To == p) {
			out = append(out, e)
		}
	}
	return out
}

// A redirected message reaches the bystander's device, which refuses it
// by default and handles it through Session.Bystander when the model
// supplies one.
func TestRedirectReachesBystander(t *testing.T) {
	w := New(1)
	c := newCounter(w)
	w.AddDevice("bystander", true)
	out := w.RunSession(c.session(5, Plan{{Step: 1, Kind: FaultRedirect, Party: "bystander"}}))
	if got := eventsOf(w, KindDeliver, "bystander"); len(got) != 1 {
		t.Fatalf("deliveries to the bystander: %+v, want one", got)
	}
	if len(out.Rejections) != 1 || out.Rejections[0].Party != "bystander" || spec.CodeOf(out.Rejections[0].Err) != spec.CodeWrongRecipient {
		t.Fatalf("rejections %+v, want one wrong-recipient by the bystander", out.Rejections)
	}
	if c.total != 0 {
		t.Fatalf("the server's total is %d; the redirected message must not reach it", c.total)
	}

	w = New(1)
	c = newCounter(w)
	w.AddDevice("bystander", true)
	s := c.session(5, Plan{{Step: 1, Kind: FaultRedirect, Party: "bystander"}})
	var handled []string
	s.Bystander = func(id PartyID) Endpoint {
		return func(m Message) ([]Message, error) {
			handled = append(handled, string(id)+":"+m.Type)
			return nil, nil
		}
	}
	out = w.RunSession(s)
	if diff := cmp.Diff([]string{"bystander:inc"}, handled); diff != "" || len(out.Rejections) != 0 {
		t.Fatalf("the bystander's own endpoint (-want +got):\n%s\nrejections %v", diff, out.Rejections)
	}
}

// twoIncs is a session that starts with two increments in flight, so a
// held message can be overtaken; seen records what the server handled
// and when.
func twoIncs(c *counter, plan Plan, seen *[]string, at *[]time.Time) *Session {
	s := c.session(1, plan)
	s.Start = append(s.Start, Message{From: "client", To: "server", Type: "inc2", Payload: binary.BigEndian.AppendUint64(nil, 2)})
	srv := s.Endpoints["server"]
	s.Endpoints["server"] = func(m Message) ([]Message, error) {
		*seen = append(*seen, m.Type)
		*at = append(*at, c.w.Now())
		return srv(m)
	}
	return s
}

// A relayed message goes through the attacker hop, and the receiver sees
// the difference: later, after a message that overtook it, or altered.
func TestRelayActs(t *testing.T) {
	run := func(plan Plan) (*World, *counter, []string, []time.Time) {
		w := New(1)
		c := newCounter(w)
		var seen []string
		var at []time.Time
		w.RunSession(twoIncs(c, plan, &seen, &at))
		return w, c, seen, at
	}
	_, clean, cleanSeen, cleanAt := run(nil)

	w, c, _, at := run(Plan{{Step: 1, Kind: FaultRelay, Arg: 1500}}) // 1500 % 3 = 0: late
	if len(eventsOf(w, KindDeliver, Relayer)) != 1 || len(eventsOf(w, KindSend, Relayer)) != 1 {
		t.Fatalf("late relay: the trace does not show the attacker hop: %+v", eventsOf(w, KindDeliver, Relayer))
	}
	if got := at[0].Sub(cleanAt[0]); got != 1500*time.Millisecond || c.total != clean.total {
		t.Fatalf("late relay: the server saw the message %v later (want 1.5s), total %d (want %d)", got, c.total, clean.total)
	}

	_, _, seen, _ := run(Plan{{Step: 1, Kind: FaultRelay, Arg: 1}}) // overtaken
	if diff := cmp.Diff([]string{"inc2", "inc"}, seen); diff != "" || !slices.Equal(cleanSeen, []string{"inc", "inc2"}) {
		t.Fatalf("overtaken relay: order at the server (-want +got):\n%s (clean order %v)", diff, cleanSeen)
	}

	_, c, _, _ = run(Plan{{Step: 1, Kind: FaultRelay, Arg: 2 + 3*63}}) // altered: bit 63, the last
	if c.total == clean.total {
		t.Fatalf("altered relay: the server's total %d is the clean one; the hop did not alter the bytes", c.total)
	}
}

// A skew fault offsets the recipient's clock from its step to the
// session's end, and the device reads the offset clock.
func TestSkewActs(t *testing.T) {
	w := New(1)
	c := newCounter(w)
	s := c.session(5, Plan{{Step: 2, Kind: FaultSkew, Arg: -int(49 * time.Hour / time.Millisecond)}})
	cl := s.Endpoints["client"]
	var offset time.Duration
	s.Endpoints["client"] = func(m Message) ([]Message, error) {
		now, _ := c.client.Now()
		offset = now.Sub(w.Now())
		return cl(m)
	}
	w.RunSession(s)
	if offset != -49*time.Hour {
		t.Fatalf("the client read its clock %v off world time, want -49h", offset)
	}
	if c.client.Skew() != 0 {
		t.Fatalf("after the session the client's skew is %v, want it restored to 0", c.client.Skew())
	}
	if got := eventsOf(w, KindFault, "client"); len(got) != 2 { // the fault with its offset, the restore
		t.Fatalf("skew events for the client: %+v", got)
	}
}

func TestParseSkew(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Fault
	}{
		{"skew@2=+49h", Fault{Step: 2, Kind: FaultSkew, Arg: int(49 * time.Hour / time.Millisecond)}},
		{"skew@1=-90m", Fault{Step: 1, Kind: FaultSkew, Arg: -int(90 * time.Minute / time.Millisecond)}},
	} {
		p, err := ParsePlan(tc.in)
		if err != nil {
			t.Fatalf("ParsePlan(%q): %v", tc.in, err)
		}
		if diff := cmp.Diff(Plan{tc.want}, p); diff != "" {
			t.Fatalf("ParsePlan(%q) (-want +got):\n%s", tc.in, diff)
		}
		if back, _ := ParsePlan(p.String()); !cmp.Equal(back, p) {
			t.Fatalf("%q prints as %q, which parses to %v", tc.in, p.String(), back)
		}
	}
	for _, bad := range []string{"skew@1", "skew@1:5=+1h", "skew@1=soon", "skew@1=+1ns"} {
		if _, err := ParsePlan(bad); err == nil {
			t.Errorf("ParsePlan(%q) accepted", bad)
		}
	}
}

// Skews of two devices are restored in the order they were applied, so
// the same plan traces the same bytes every time.
func TestSkewRestoreOrderReplays(t *testing.T) {
	trace := func() []string {
		w := New(1)
		c := newCounter(w)
		w.RunSession(c.session(5, Plan{{Step: 1, Kind: FaultSkew, Arg: 1000}, {Step: 2, Kind: FaultSkew, Arg: 2000}}))
		var out []string
		for _, e := range w.Trace().Events() {
			out = append(out, e.Text())
		}
		return out
	}
	first := trace()
	restores := 0
	for _, l := range first {
		if strings.Contains(l, "restored") {
			restores++
		}
	}
	if restores != 2 {
		t.Fatalf("%d restores in the trace, want 2 (both devices skewed):\n%s", restores, strings.Join(first, "\n"))
	}
	for range 30 {
		if d := cmp.Diff(first, trace()); d != "" {
			t.Fatalf("the same plan traced differently (-first +again):\n%s", d)
		}
	}
}

// pingPong is a lock-step exchange of n messages between a and b, each
// carrying its hop number and answered with the next one; seen records
// the hops each party received, in order.
func pingPong(w *World, n byte, plan Plan, seen map[PartyID][]byte) *Session {
	w.AddDevice("a", true)
	w.AddDevice("b", true)
	ep := func(self PartyID) Endpoint {
		return func(m Message) ([]Message, error) {
			seen[self] = append(seen[self], m.Payload[0])
			if m.Payload[0] >= n {
				return nil, nil
			}
			return []Message{{From: self, To: m.From, Type: "hop", Payload: []byte{m.Payload[0] + 1}}}, nil
		}
	}
	return &Session{
		Channel:   NearField,
		Start:     []Message{{From: "a", To: "b", Type: "hop", Payload: []byte{1}}},
		Plan:      plan,
		Endpoints: map[PartyID]Endpoint{"a": ep("a"), "b": ep("b")},
	}
}

// In a lock-step exchange a reordered or delayed message has nothing to
// swap with: its sender retransmits it, and the held original reaches
// the receiver after the sender's next message to it (reorder) or after
// the whole exchange that followed (delay). The receiver sees the
// difference.
func TestReorderAndDelayAct(t *testing.T) {
	run := func(plan Plan) (*World, map[PartyID][]byte) {
		w := New(1)
		seen := map[PartyID][]byte{}
		w.RunSession(pingPong(w, 6, plan, seen))
		return w, seen
	}
	_, clean := run(nil)
	if diff := cmp.Diff(map[PartyID][]byte{"a": {2, 4, 6}, "b": {1, 3, 5}}, clean); diff != "" {
		t.Fatalf("clean exchange (-want +got):\n%s", diff)
	}
	// Reorder of hop 1: b gets the retransmission, and the original
	// reaches it after a's next message, hop 3, and before hop 5.
	w, got := run(Plan{{Step: 1, Kind: FaultReorder}})
	if diff := cmp.Diff([]byte{1, 3, 1, 5}, got["b"][:4]); diff != "" {
		t.Fatalf("reorder: what b received first (-want +got):\n%s", diff)
	}
	if f := eventsOf(w, KindFault, "b"); len(f) != 1 || !strings.Contains(f[0].Detail, "retransmits") {
		t.Fatalf("reorder: the trace does not say the sender retransmitted: %+v", f)
	}
	// Delay of hop 1: the original reaches b after the exchange is over.
	w, got = run(Plan{{Step: 1, Kind: FaultDelay, Arg: 2000}})
	if diff := cmp.Diff([]byte{1, 3, 5, 1}, got["b"][:4]); diff != "" {
		t.Fatalf("delay: what b received first (-want +got):\n%s", diff)
	}
	if f := eventsOf(w, KindFault, "b"); len(f) != 2 || !strings.Contains(f[1].Detail, "released") {
		t.Fatalf("delay: the trace does not show the hold and the release: %+v", f)
	}
	// Delay with another message in flight: it overtakes the held one,
	// and so does the reply it causes.
	var order []string
	w = New(1)
	c := newCounter(w)
	var srv []string
	var at []time.Time
	s := twoIncs(c, Plan{{Step: 1, Kind: FaultDelay, Arg: 10}}, &srv, &at)
	w.RunSession(s)
	for _, e := range w.Trace().Events() {
		if e.Kind == KindDeliver {
			order = append(order, string(e.To)+":"+e.Type)
		}
	}
	if diff := cmp.Diff([]string{"server:inc2", "client:ack", "server:inc", "client:ack"}, order); diff != "" {
		t.Fatalf("delay with two messages in flight: delivery order (-want +got):\n%s", diff)
	}
}

// A relay with a party is the hop's own session with a device far from
// the sender: the message reaches that device, the trace says so, and
// its answer reaches the sender.
func TestRelayToFarDevice(t *testing.T) {
	w := New(1)
	seen := map[PartyID][]byte{}
	s := pingPong(w, 2, Plan{{Step: 1, Kind: FaultRelay, Arg: 3000, Party: "far"}}, seen)
	w.AddDevice("far", true)
	s.Bystander = func(id PartyID) Endpoint {
		return func(m Message) ([]Message, error) {
			seen[id] = append(seen[id], m.Payload[0])
			return []Message{{From: id, To: m.From, Type: "hop", Payload: []byte{m.Payload[0] + 1}}}, nil
		}
	}
	w.RunSession(s)
	if diff := cmp.Diff(map[PartyID][]byte{"far": {1}, "a": {2}}, seen); diff != "" {
		t.Fatalf("who received what (-want +got):\n%s", diff)
	}
	if got := eventsOf(w, KindSend, Relayer); len(got) != 1 || got[0].To != "far" || !strings.Contains(got[0].Detail, "not in contact") {
		t.Fatalf("the trace does not show the hop forwarding to the far device: %+v", got)
	}
}

// A substituted field comes from another valid message: the same field
// of the sender's last message that has it with other content (R1.1);
// with none, random bytes of the field's length.
func TestFieldFromAnotherMessage(t *testing.T) {
	whole := func(m Message) []Span { return []Span{{Name: "n", Start: 0, End: len(m.Payload)}} }
	w := New(1)
	c := newCounter(w)
	s := c.session(5, Plan{{Step: 1, Kind: FaultField}})
	s.Fields = whole
	w.RunSession(s) // nothing earlier: random bytes
	if c.total == 5 {
		t.Fatalf("the server counted the original 5 under a field fault with nothing to take a field from")
	}
	w = New(1)
	c = newCounter(w)
	w.RunSession(c.session(5, nil))
	s = c.session(7, Plan{{Step: 1, Kind: FaultField}})
	s.Fields = whole
	w.RunSession(s)
	if c.total != 10 {
		t.Fatalf("total %d after 5 and a 7 whose field was substituted, want 10: the field of the client's earlier message", c.total)
	}
}

// A field is never taken from a message altered on the way: an earlier
// bit-flipped delivery is no valid message, so the field comes from the
// unaltered one before it.
func TestFieldNotFromAlteredMessage(t *testing.T) {
	whole := func(m Message) []Span { return []Span{{Name: "n", Start: 0, End: len(m.Payload)}} }
	w := New(1)
	c := newCounter(w)
	w.RunSession(c.session(5, nil))
	w.RunSession(c.session(6, Plan{{Step: 1, Kind: FaultBitFlip, Arg: 63}})) // 6 arrives as 7
	s := c.session(9, Plan{{Step: 1, Kind: FaultField}})
	s.Fields = whole
	w.RunSession(s)
	if want := uint64(5 + 7 + 5); c.total != want {
		t.Fatalf("total %d after 5, a 6 flipped to 7 and a 9 whose field was substituted, want %d: the field of the unaltered 5, not the flipped 7", c.total, want)
	}
}
