package conformance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStabilise: go-cmp indents a diff with spaces or no-break spaces at
// random per process; a result carries spaces only, so the shards of a run
// and a replay print the same bytes as the unsharded run.
func TestStabilise(t *testing.T) {
	nbsp := "-\u00a0\tLost: 0,\n+\u00a0\tLost: 230,\n\u00a0\u00a0}"
	plain := "- \tLost: 0,\n+ \tLost: 230,\n  }"
	r := Result{Reason: nbsp, Notes: []string{nbsp}, Counterexample: &Counterexample{Message: nbsp, Log: []string{nbsp}}}
	stabilise(&r)
	want := Result{Reason: plain, Notes: []string{plain}, Counterexample: &Counterexample{Message: plain, Log: []string{plain}}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("stabilise (-want +got):\n%s", diff)
	}
}
