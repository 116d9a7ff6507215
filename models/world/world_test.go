package world

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// counter is a toy protocol: the client sends "inc" with a value, the
// server persists the running total and acknowledges; the client persists
// the acknowledged total.
type counter struct {
	w              *World
	client, server *Device
	total          uint64 // server's volatile copy
}

func newCounter(w *World) *counter {
	c := &counter{w: w, client: w.AddDevice("client", true), server: w.AddDevice("server", false)}
	return c
}

func (c *counter) recover() {
	v, ok := c.server.Get("total")
	c.total = 0
	if ok {
		c.total = binary.BigEndian.Uint64(v)
	}
}

func (c *counter) session(n uint64, plan Plan) *Session {
	u := binary.BigEndian.AppendUint64(nil, n)
	return &Session{
		Channel: NearField,
		Start:   []Message{{From: "client", To: "server", Type: "inc", Payload: u}},
		Plan:    plan,
		Endpoints: map[PartyID]Endpoint{
			"server": func(m Message) ([]Message, error) {
				if len(m.Payload) != 8 {
					return nil, fmt.Errorf("bad length %d", len(m.Payload))
				}
				c.total += binary.BigEndian.Uint64(m.Payload)
				c.server.Put("total", binary.BigEndian.AppendUint64(nil, c.total))
				c.server.Put("last", m.Payload)
				return []Message{{From: "server", To: "client", Type: "ack", Payload: binary.BigEndian.AppendUint64(nil, c.total)}}, nil
			},
			"client": func(m Message) ([]Message, error) {
				c.client.Put("acked", m.Payload)
				return nil, nil
			},
		},
		Restart: map[PartyID]func(){"server": c.recover},
	}
}

func TestCleanRun(t *testing.T) {
	w := New(1)
	c := newCounter(w)
	out := w.RunSession(c.session(5, nil))
	want := Outcome{Session: 1, Steps: 2, Delivered: 2, Writes: []int{2, 1}, Recipients: []PartyID{"server", "client"}, Fields: []int{0, 0}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Fatalf("outcome (-want +got):\n%s", diff)
	}
	// With field spans, the outcome says how many each step's message has.
	w = New(1)
	s := newCounter(w).session(5, nil)
	s.Fields = func(m Message) []Span {
		if m.To == "server" {
			return []Span{{Name: "hi", Start: 0, End: 4}, {Name: "lo", Start: 4, End: len(m.Payload)}}
		}
		return []Span{{Name: "ack", Start: 0, End: len(m.Payload)}}
	}
	if got := w.RunSession(s).Fields; !slices.Equal(got, []int{2, 1}) {
		t.Errorf("Outcome.Fields = %v, want [2 1]: step 1's message to the server has two fields, step 2's one", got)
	}
	if v, _ := c.client.Get("acked"); binary.BigEndian.Uint64(v) != 5 {
		t.Fatalf("client acked %x", v)
	}
}

func TestCrashPointsExhaustive(t *testing.T) {
	w := New(1)
	clean := w.RunSession(newCounter(w).session(5, nil))
	points := CrashPoints(clean)
	// step 1: before, at write 0, at write 1, after; step 2: before, at 0, after
	if len(points) != 7 {
		t.Fatalf("%d crash points, want 7: %v", len(points), points)
	}
	for _, p := range points {
		t.Run(p.String(), func(t *testing.T) {
			w := New(1)
			c := newCounter(w)
			out := w.RunSession(c.session(5, Plan{p}))
			if len(out.Crashes) != 1 {
				t.Fatalf("crashes %v, want exactly one", out.Crashes)
			}
			total, hasTotal := c.server.Get("total")
			_, hasLast := c.server.Get("last")
			switch {
			case p.Step == 1 && p.Kind == FaultCrashBefore, p.Step == 1 && p.Kind == FaultCrashAt && p.Arg == 0:
				if hasTotal || hasLast {
					t.Fatal("a write survived a crash before it")
				}
			case p.Step == 1 && p.Kind == FaultCrashAt && p.Arg == 1:
				if !hasTotal || hasLast {
					t.Fatalf("want exactly the first write: total %v last %v", hasTotal, hasLast)
				}
			default:
				if binary.BigEndian.Uint64(total) != 5 || !hasLast {
					t.Fatalf("server state lost: %x", total)
				}
			}
			_, acked := c.client.Get("acked")
			wantAcked := p.Step == 2 && p.Kind == FaultCrashAfter
			if acked != wantAcked {
				t.Fatalf("client acked = %v, want %v", acked, wantAcked)
			}
		})
	}
}

func TestCommitAtomic(t *testing.T) {
	w := New(1)
	d := w.AddDevice("d", false)
	d.ArmCrash(0)
	crashed, _ := w.Guard("d", func() error {
		d.Commit(map[string][]byte{"a": {1}, "b": {2}}, nil)
		return nil
	})
	if !crashed || len(d.Keys("")) != 0 {
		t.Fatalf("crashed %v keys %v: a crashed commit must leave nothing", crashed, d.Keys(""))
	}
	d.Commit(map[string][]byte{"a": {1}, "b": {2}}, nil)
	if len(d.Keys("")) != 2 {
		t.Fatal("commit lost keys")
	}
}

func TestGuardRepanicsOthers(t *testing.T) {
	w := New(1)
	a, b := w.AddDevice("a", false), w.AddDevice("b", false)
	_ = a
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("a crash of b escaped a's guard silently")
		}
	}()
	w.Guard("a", func() error { b.CrashNow("test"); return nil })
}

func TestChannelFaults(t *testing.T) {
	run := func(f Fault) (*counter, Outcome) {
		w := New(1)
		c := newCounter(w)
		w.RunSession(c.session(1, nil)) // session 1 fills the replay pool
		return c, w.RunSession(c.session(5, Plan{f}))
	}
	c, out := run(Fault{Step: 1, Kind: FaultDrop})
	if out.Delivered != 0 || c.total != 1 {
		t.Fatalf("drop: delivered %d total %d", out.Delivered, c.total)
	}
	c, _ = run(Fault{Step: 1, Kind: FaultDuplicate})
	if c.total != 11 {
		t.Fatalf("duplicate: total %d, want 1+5+5", c.total)
	}
	c, _ = run(Fault{Step: 1, Kind: FaultReplay})
	if c.total != 7 {
		t.Fatalf("replay: total %d, want 1+1+5", c.total)
	}
	c, out = run(Fault{Step: 1, Kind: FaultTruncate, Arg: 3})
	if len(out.Rejections) != 1 || c.total != 1 {
		t.Fatalf("truncate: rejections %v total %d", out.Rejections, c.total)
	}
	c, _ = run(Fault{Step: 1, Kind: FaultBitFlip, Arg: 63})
	if c.total != 1+4 {
		t.Fatalf("bit flip of the last bit: total %d, want 5", c.total)
	}
	_, out = run(Fault{Step: 1, Kind: FaultRedirect, Party: "nobody"})
	if out.Delivered != 0 {
		t.Fatal("redirected message still delivered to its first recipient")
	}
	w := New(1)
	c = newCounter(w)
	before := w.Now()
	w.RunSession(c.session(5, Plan{{Step: 1, Kind: FaultDelay, Arg: 1500}}))
	// The client retransmits the delayed increment; this server counts
	// the late original too.
	if w.Now().Sub(before).Milliseconds() != 1500 || c.total != 10 {
		t.Fatalf("delay: clock moved %v, total %d, want 1.5s and 5+5", w.Now().Sub(before), c.total)
	}
}

func TestQROneWay(t *testing.T) {
	w := New(1)
	c := newCounter(w)
	s := c.session(5, nil)
	s.Channel = QR
	defer func() {
		if recover() == nil {
			t.Fatal("a reply over a one-way QR channel was allowed")
		}
	}()
	w.RunSession(s)
}

func TestRandLabels(t *testing.T) {
	w := New(9)
	a, b := w.Rand("x").Bytes(16), w.Rand("x").Bytes(16)
	if bytes.Equal(a, b) {
		t.Fatal("two draws of one label share bytes")
	}
	if !bytes.Equal(New(9).Rand("x").Bytes(16), a) {
		t.Fatal("first draw of a label is not fixed by the seed")
	}
}

// Property: the same seed and the same generated fault plan give a
// byte-identical trace, and different seeds give different tamper bytes.
func TestTraceDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		plan := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Fault {
			return Fault{
				Step: rapid.IntRange(1, 4).Draw(t, "step"),
				Kind: rapid.SampledFrom(ChannelFaults).Draw(t, "kind"),
				Arg:  rapid.IntRange(0, 100).Draw(t, "arg"),
			}
		}), 0, 4).Draw(t, "plan")
		n := rapid.Uint64Range(1, 100).Draw(t, "n")
		traceOf := func() []byte {
			w := New(seed)
			c := newCounter(w)
			w.RunSession(c.session(1, nil))
			w.RunSession(c.session(n, plan))
			return w.Trace().JSON()
		}
		a, b := traceOf(), traceOf()
		if !bytes.Equal(a, b) {
			t.Fatalf("traces differ for seed %d plan %v", seed, plan)
		}
	})
}

func TestParsePlanRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Plan(rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Fault {
			f := Fault{
				Step: rapid.IntRange(1, 50).Draw(t, "step"),
				Kind: rapid.SampledFrom(ChannelFaults).Draw(t, "kind"),
				Arg:  rapid.IntRange(0, 1000).Draw(t, "arg"),
			}
			if f.Kind == FaultRedirect {
				f.Party = PartyID(rapid.StringMatching(`wallet-[A-Z]`).Draw(t, "party"))
			}
			return f
		}), 1, 5).Draw(t, "plan"))
		got, err := ParsePlan(p.String())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Fatalf("ParsePlan(%q) (-want +got):\n%s", p.String(), diff)
		}
	})
	for _, bad := range []string{"drop", "drop@0", "melt@1", "drop@x", "crash-at@1:-1", "drop@1:", "drop@99999999999"} {
		if _, err := ParsePlan(bad); err == nil {
			t.Errorf("ParsePlan(%q) accepted", bad)
		}
	}
}

// TestHolds: Holds compares the stored bytes in place: equal bytes under
// the key, not a prefix, not another key, not a deleted key.
func TestHolds(t *testing.T) {
	w := New(1)
	d := w.AddDevice("d", false)
	d.Put("k", []byte("value"))
	for _, c := range []struct {
		key   string
		value string
		want  bool
	}{{"k", "value", true}, {"k", "valu", false}, {"k", "value!", false}, {"j", "value", false}} {
		if got := d.Holds(c.key, []byte(c.value)); got != c.want {
			t.Errorf("Holds(%q, %q) = %v, want %v", c.key, c.value, got, c.want)
		}
	}
	d.Delete("k")
	if d.Holds("k", []byte("value")) {
		t.Error("a deleted key is held")
	}
	if d.Holds("k", nil) {
		t.Error("a missing key holds the empty value")
	}
}

// TestSharedIsStored: Shared returns what Get does, and what it returned
// stays what was stored then after the key is rewritten and deleted (a
// reader may keep it).
func TestSharedIsStored(t *testing.T) {
	w := New(1)
	d := w.AddDevice("d", false)
	d.Put("k", []byte("one"))
	got, ok := d.Shared("k")
	if want, _ := d.Get("k"); !ok || string(got) != string(want) {
		t.Fatalf("Shared(k) = %q, %v; Get gives %q", got, ok, want)
	}
	d.Put("k", []byte("two"))
	if now, _ := d.Shared("k"); string(now) != "two" || string(got) != "one" {
		t.Fatalf("after a rewrite: Shared(k) = %q, the value read before = %q; want two, one", now, got)
	}
	d.Delete("k")
	if _, ok := d.Shared("k"); ok || string(got) != "one" {
		t.Fatalf("after a delete: Shared(k) present %v, the value read before = %q", ok, got)
	}
}
