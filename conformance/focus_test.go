package conformance

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/conformance/schema"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// runT runs prop on a fresh T in its own goroutine (FailNow stops it, as
// in runProperty) and returns the counterexample.
func runT(prop func(*T)) *Counterexample {
	t := &T{ctx: context.Background(), name: "TestFocus", checks: 20, steps: 5}
	done := make(chan struct{})
	go func() {
		defer close(done)
		prop(t)
	}()
	<-done
	return t.finish()
}

func notes(w *world.World, prefix string, n int) {
	for i := range n {
		w.Trace().Note("wallet-A", "%s %d", prefix, i)
	}
}

// TestBrokeAtDirect: a violation reported with Errorf is shown in the
// world it was reported in, from where Witness named the run, broken at
// the event the trace stood at then, even when the property goes on in
// another world.
func TestBrokeAtDirect(t *testing.T) {
	cx := runT(func(t *T) {
		w := world.New(1)
		notes(w, "setup", 3) // #1–#3
		t.Witness(w, world.Plan{{Step: 2, Kind: world.FaultDrop}})
		notes(w, "run", 2) // #4–#5
		t.Errorf("boom")
		notes(w, "after", 2) // #6–#7, drawn, after the break
		other := world.New(2)
		notes(other, "other", 9)
		t.Witness(other, nil)
		t.Errorf("second")
	})
	if cx == nil {
		t.Fatal("no counterexample")
	}
	got := struct {
		RunFrom, BrokeAt, Events int
		Plan, Last, Message      string
	}{cx.RunFrom, cx.BrokeAt, len(cx.Trace), cx.Plan, cx.Trace[len(cx.Trace)-1].Detail, cx.Message}
	want := struct {
		RunFrom, BrokeAt, Events int
		Plan, Last, Message      string
	}{4, 5, 7, world.Plan{{Step: 2, Kind: world.FaultDrop}}.String(), "after 1", "boom\nsecond"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("counterexample (-want +got):\n%s", d)
	}
	run, broke := cx.Focus()
	if run != 3 || broke != 4 {
		t.Errorf("Focus() = %d, %d, want 3, 4 (indices of #4 and #5)", run, broke)
	}
}

// TestBrokeAtRapid: rapid reports its failure and then replays the
// minimal case in a fresh world, whose failing assertion ends it; the
// counterexample is that world, broken at its last event.
func TestBrokeAtRapid(t *testing.T) {
	for name, v := range map[string]string{"rapid.nofailfile": "true", "rapid.checks": "50", "rapid.seed": "7"} {
		if f := flag.Lookup(name); f != nil {
			old := f.Value.String()
			_ = flag.Set(name, v)
			defer func() { _ = flag.Set(name, old) }()
		}
	}
	cx := runT(func(t *T) {
		rapid.Check(t, func(rt *rapid.T) {
			w := world.New(rapid.Uint64().Draw(rt, "seed"))
			notes(w, "setup", 4)
			t.Witness(w, nil)
			n := rapid.IntRange(0, 30).Draw(rt, "n")
			notes(w, "run", n)
			if n >= 6 {
				rt.Fatalf("n = %d", n)
			}
			notes(w, "fine", 1)
		})
	})
	if cx == nil {
		t.Fatal("the property did not fail")
	}
	if !strings.HasPrefix(cx.Message, "[rapid] failed") || !strings.Contains(cx.Message, "n = 6") {
		t.Fatalf("message %q: not rapid's report of the minimal case", cx.Message)
	}
	got := []any{cx.RunFrom, cx.BrokeAt, len(cx.Trace), cx.Trace[len(cx.Trace)-1].Detail}
	if d := cmp.Diff([]any{5, 10, 10, "run 5"}, got); d != "" {
		t.Errorf("RunFrom, BrokeAt, events, last event (-want +got):\n%s", d)
	}
}

// TestFocusFallback: without RunFrom the run is the last session that
// began at or before the break; without BrokeAt the break is the last
// event.
func TestFocusFallback(t *testing.T) {
	var tr []world.Event
	add := func(session uint64, n int) {
		for range n {
			tr = append(tr, world.Event{Seq: len(tr) + 1, Session: session, Kind: world.KindNote})
		}
	}
	add(0, 5) // setup
	add(1, 4) // #6–#9, an earlier session
	add(0, 2) // #10–#11
	add(2, 3) // #12–#14, the failing session
	add(0, 3) // #15–#17, reconciliation
	cases := []struct {
		cx        Counterexample
		run, brok int
	}{
		{Counterexample{Trace: tr}, 11, 16},
		{Counterexample{Trace: tr, BrokeAt: 8}, 5, 7},
		{Counterexample{Trace: tr, BrokeAt: 3}, 0, 2},
		{Counterexample{Trace: tr, RunFrom: 10, BrokeAt: 14}, 9, 13},
		{Counterexample{Trace: tr, RunFrom: 16, BrokeAt: 12}, 11, 11}, // never after the break
		{Counterexample{Trace: tr[10:], RunFrom: 3}, 0, 6},            // cut: clamped
		{Counterexample{}, -1, -1},
	}
	for i, c := range cases {
		run, broke := c.cx.Focus()
		if run != c.run || broke != c.brok {
			t.Errorf("case %d: Focus() = %d, %d, want %d, %d", i, run, broke, c.run, c.brok)
		}
	}
}

// TestWriteTrace: the text trace counts the setup instead of printing it
// and marks the break.
func TestWriteTrace(t *testing.T) {
	w := world.New(1)
	notes(w, "setup", 60)
	cx := &Counterexample{RunFrom: 61, BrokeAt: 63}
	notes(w, "run", 4)
	cx.Trace = w.Trace().Events()
	var b bytes.Buffer
	cx.WriteTrace(&b, 30, "  ")
	out := b.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "60 setup events") {
		t.Fatalf("want the setup counted on one line and the 4 run events:\n%s", out)
	}
	if strings.Contains(out, "setup 59") || !strings.Contains(lines[3], "run 2") || !strings.Contains(lines[3], "◀ the property broke here") {
		t.Errorf("setup printed or the break not marked on #63:\n%s", out)
	}
	if strings.Count(out, "◀") != 1 {
		t.Errorf("more than one break marked:\n%s", out)
	}
}

// TestBrokeAtSchema: run_from and broke_at are in the published schema,
// which refuses them when they are not Seq numbers.
func TestBrokeAtSchema(t *testing.T) {
	cx := runT(func(t *T) {
		w := world.New(1)
		notes(w, "setup", 2)
		t.Witness(w, nil)
		notes(w, "run", 2)
		t.Fatalf("boom")
	})
	rs := &Results{Schema: SchemaVersion, Env: Env{Module: "m", Version: "v", GoVersion: "g", Seed: 1, Checks: 1, Steps: 1, Suites: []string{"GM"}},
		Results: []Result{{Target: "x", Suite: "GM", Requirement: "R1", Sub: "R1.1", Property: "p", Doc: "d", Verdict: Fail, Runs: 1, Seed: 1, Replay: "r", Counterexample: cx}}}
	var b bytes.Buffer
	if err := rs.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	if !strings.Contains(doc, `"run_from": 3`) || !strings.Contains(doc, `"broke_at": 4`) {
		t.Fatalf("run_from 3 and broke_at 4 not written:\n%s", doc)
	}
	if err := schema.ValidateResults([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`"broke_at": 0`, `"broke_at": "4"`, `"run_from": -1`} {
		field := strings.SplitN(bad, ":", 2)[0]
		var old string
		if field == `"broke_at"` {
			old = `"broke_at": 4`
		} else {
			old = `"run_from": 3`
		}
		if err := schema.ValidateResults([]byte(strings.Replace(doc, old, bad, 1))); err == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}

// TestRunFromNew: what a target records while New builds the instance
// (certifications, personalisation) is setup; the run starts after it.
func TestRunFromNew(t *testing.T) {
	var built int
	cx := runT(func(t *T) {
		t.Target, t.Suite = chip.Scheme{}, suite.Default()
		in := t.New(t, 3, models.Config{})
		built = in.World().Trace().Len()
		in.World().Trace().Note("wallet-A", "the property's first step")
		t.Fatalf("boom")
	})
	if built == 0 {
		t.Fatal("building a chip instance recorded nothing: no setup to tell apart")
	}
	if cx.RunFrom != built+1 || cx.BrokeAt != built+1 {
		t.Errorf("RunFrom %d, BrokeAt %d, want both %d (the first event after New)", cx.RunFrom, cx.BrokeAt, built+1)
	}
}
