package conformance

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
)

// TestSettle: a documented violation is confirmed only by a failure with
// a counterexample; a timeout is not evidence of anything.
func TestSettle(t *testing.T) {
	info := models.Info{Expected: map[spec.SubID]string{"R5.1": "documented", "R5.2": "documented", "R5.4": "documented"}}
	cx := &Counterexample{Message: "lost notice"}
	in := []Result{
		{Suite: "GM", Sub: "R5.1", Property: "a", Verdict: Fail, Counterexample: cx},
		{Suite: "GM", Sub: "R5.1", Property: "b", Verdict: Pass},
		{Suite: "GM", Sub: "R5.2", Property: "timeout", Verdict: Fail, Reason: "timed out"},
		{Suite: "GM", Sub: "R5.4", Property: "held", Verdict: Pass},
		{Suite: "GM", Sub: "R5.6", Property: "undocumented", Verdict: Fail, Counterexample: cx},
		{Suite: "GM", Sub: "R5.4", Property: "skipped", Verdict: Skip},
	}
	settle(in, info)
	got := map[string]Verdict{}
	for _, r := range in {
		got[string(r.Sub)+"-"+r.Property] = r.Verdict
	}
	want := map[string]Verdict{
		"R5.1-a": ExpectedFail, "R5.1-b": Pass,
		"R5.2-timeout":      Fail,
		"R5.4-held":         UnexpectedPass,
		"R5.6-undocumented": Fail,
		"R5.4-skipped":      Skip,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("settled verdicts (-want +got):\n%s", d)
	}
}
