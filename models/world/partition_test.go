package world

import (
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
