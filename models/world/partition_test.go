package world

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec"
)

// fakeNetwork records what the world asks of it.
type fakeNetwork struct {
	n     int
	calls []string
}

func (f *fakeNetwork) Partition(groups ...[]int) error {
	for _, g := range groups {
		for _, i := range g {
			if i >= f.n {
				return spec.Errorf(spec.CodeMalformed, "no node %d", i)
			}
		}
	}
	f.calls = append(f.calls, "partition "+groupsString(groups))
	return nil
}

func (f *fakeNetwork) Heal() { f.calls = append(f.calls, "heal") }

// A partition fault splits the world's network at its step and leaves it
// split after the session; heal joins it; both show in the trace. Without
// a network, or with groups the network refuses, the fault line says so.
func TestPartitionFault(t *testing.T) {
	w := New(1)
	net := &fakeNetwork{n: 4}
	w.SetNetwork(net)
	c := newCounter(w)
	plan, err := ParsePlan("partition@1=0,1|2,3")
	if err != nil {
		t.Fatal(err)
	}
	w.RunSession(c.session(3, plan))
	if diff := cmp.Diff([]string{"partition 0,1|2,3"}, net.calls); diff != "" {
		t.Fatalf("network calls (-want +got):\n%s", diff)
	}
	w.RunSession(c.session(3, Plan{{Step: 2, Kind: FaultHeal}}))
	if diff := cmp.Diff([]string{"partition 0,1|2,3", "heal"}, net.calls); diff != "" {
		t.Fatalf("network calls (-want +got):\n%s", diff)
	}
	var lines []string
	for _, e := range w.Trace().Events() {
		if e.Kind == KindFault {
			lines = append(lines, e.Fault+": "+e.Detail)
		}
	}
	if diff := cmp.Diff([]string{"partition: nodes 0,1|2,3", "heal: "}, lines); diff != "" {
		t.Fatalf("fault lines (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		net  Network
		want string
	}{
		{nil, "unimplemented"},
		{&fakeNetwork{n: 2}, "refused: malformed"},
	} {
		w := New(1)
		if tc.net != nil {
			w.SetNetwork(tc.net)
		}
		c := newCounter(w)
		w.RunSession(c.session(3, Plan{{Step: 1, Kind: FaultPartition, Groups: [][]int{{0, 1}, {2, 3}}}}))
		found := false
		for _, e := range w.Trace().Events() {
			found = found || e.Kind == KindFault && strings.Contains(e.Detail, tc.want)
		}
		if !found {
			var b strings.Builder
			_ = w.Trace().WriteText(&b, false)
			t.Errorf("no fault line saying %q in\n%s", tc.want, b.String())
		}
	}
}

// Partition and heal faults print in the form ParsePlan reads; bad groups
// are refused.
func TestParsePartition(t *testing.T) {
	for _, s := range []string{"partition@1=0,1|2,3", "partition@2=0,1,2|3,heal@4", "partition@1=0|1|2,3", "partition@3=0,1,2|"} {
		p, err := ParsePlan(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if p.String() != s {
			t.Errorf("%s prints as %s", s, p)
		}
	}
	for _, s := range []string{"partition@1", "partition@1=a|b", "partition@1:2=0|1", "partition@1=-1|2"} {
		if _, err := ParsePlan(s); err == nil {
			t.Errorf("%s parsed", s)
		}
	}
}

// lossyNetwork is a fakeNetwork whose nodes' gossip can lose a block.
type lossyNetwork struct {
	fakeNetwork
	nodes []PartyID
}

func (f *lossyNetwork) Lose(node PartyID, nth int) error {
	if !slices.Contains(f.nodes, node) {
		return spec.Errorf(spec.CodeMalformed, "no node %s", node)
	}
	f.calls = append(f.calls, fmt.Sprintf("lose %s %d", node, nth))
	return nil
}

// A drop naming a node arms the loss of a block of the nodes' gossip and
// delivers the step's message; a network that cannot lose, or a node it
// does not have, says so on the fault line and loses nothing; the plan
// prints as ParsePlan reads it.
func TestDropToNode(t *testing.T) {
	plan, err := ParsePlan("drop@1:2=node-1")
	if err != nil || plan.String() != "drop@1:2=node-1" {
		t.Fatalf("drop@1:2=node-1 parses to %v, %v", plan, err)
	}
	for _, tc := range []struct {
		net   Network
		want  string
		calls []string
	}{
		{&lossyNetwork{nodes: []PartyID{"node-1"}}, "the block the nodes gossip to node-1 after the next 2 is lost", []string{"lose node-1 2"}},
		{&lossyNetwork{nodes: []PartyID{"node-0"}}, "refused: malformed", nil},
		{&fakeNetwork{n: 2}, "unimplemented", nil},
		{nil, "unimplemented", nil},
	} {
		w := New(1)
		if tc.net != nil {
			w.SetNetwork(tc.net)
		}
		c := newCounter(w)
		out := w.RunSession(c.session(3, plan))
		if out.Delivered != 2 {
			t.Errorf("%T: %d messages delivered, want both (the drop names a node, not the message)", tc.net, out.Delivered)
		}
		found := false
		for _, e := range w.Trace().Events() {
			found = found || e.Kind == KindFault && strings.Contains(e.Detail, tc.want)
		}
		if !found {
			t.Errorf("%T: no fault line saying %q", tc.net, tc.want)
		}
		var calls []string
		switch n := tc.net.(type) {
		case *lossyNetwork:
			calls = n.calls
		case *fakeNetwork:
			calls = n.calls
		}
		if d := cmp.Diff(tc.calls, calls); d != "" {
			t.Errorf("%T: network calls (-want +got):\n%s", tc.net, d)
		}
	}
}
