package conformance_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models/all"
)

// TestScheduleSameResults: CheckAll deals out single properties across
// the cores, longest first; its results, their order and every verdict,
// counterexample and replay line are those of running Check on each
// target in turn (durations aside), whatever the number of workers. The
// run is narrowed to cheap properties, one of them documented as violated
// by a reference scheme so that settling is covered.
func TestScheduleSameResults(t *testing.T) {
	ctx := context.Background()
	// A shrink cut short by its time limit is the one documented source of
	// differing counterexamples (TestParallelDeterminism): give it time.
	opts := conformance.Options{Checks: 2, Only: []string{"R1.3", "R1.4"}, ShrinkTime: 5 * time.Minute}
	targets := all.Schemes()
	var want conformance.Results
	for _, s := range targets {
		rs, err := conformance.Check(ctx, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		want.Results = append(want.Results, rs.Results...)
	}
	want.Sort()
	ignore := cmpopts.IgnoreFields(conformance.Result{}, "DurationMS")
	for _, workers := range []int{0, 1, 3} {
		o := opts
		o.Workers = workers
		got, err := conformance.CheckAll(ctx, targets, o)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Results, got.Results, ignore); diff != "" {
			t.Errorf("CheckAll with %d workers against Check per target (-want +got):\n%s", workers, diff)
		}
	}
	var expected int
	for _, r := range want.Results {
		if r.Verdict == conformance.ExpectedFail {
			expected++
		}
	}
	if expected == 0 {
		t.Errorf("no expected-fail among %d results: the run no longer covers settling", len(want.Results))
	}
}
