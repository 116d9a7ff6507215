package reports

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dualoffline/dualoffline/conformance/results"
)

// A documented property's result shows the documented cause, its witness
// and the observed cause side by side, for an expected-fail (they agree)
// and for a fail (another cause) beside the counterexample, and for an
// unexpected-pass (nothing observed) in a table of its own.
func TestDocumentedBesideObserved(t *testing.T) {
	w := results.Witness{Match: `Lost:[1-9]\d*`}
	rs := &results.Results{Schema: results.SchemaVersion, Env: results.Env{Seed: 1, Checks: 30, Steps: 12, Started: started}}
	for _, r := range []results.Result{
		{Target: "cert-literal", Suite: "GM", Requirement: "R5", Sub: "R5.2", Property: "balanced-every-fault-point", Verdict: results.ExpectedFail,
			Reason:         "the value of a lost notice is in no wallet",
			Documented:     &results.Documented{Reason: "the value of a lost notice is in no wallet", Witness: w, Observed: "value not conserved: {Issued:1000 Lost:230}"},
			Counterexample: &results.Counterexample{Message: "value not conserved: {Issued:1000 Lost:230}"}},
		{Target: "cert-literal~bug", Suite: "GM", Requirement: "R5", Sub: "R5.2", Property: "balanced-every-fault-point", Verdict: results.Fail,
			Reason:         "value not conserved: {Issued:1001 Lost:0}",
			Documented:     &results.Documented{Reason: "the value of a lost notice is in no wallet", Witness: w, Observed: "value not conserved: {Issued:1001 Lost:0}"},
			Counterexample: &results.Counterexample{Message: "value not conserved: {Issued:1001 Lost:0}"}},
		{Target: "cert-literal~fixed", Suite: "GM", Requirement: "R5", Sub: "R5.2", Property: "balanced-every-fault-point", Verdict: results.UnexpectedPass,
			Reason:     "the value of a lost notice is in no wallet",
			Documented: &results.Documented{Reason: "the value of a lost notice is in no wallet", Witness: w}},
	} {
		rs.Results = append(rs.Results, r)
	}
	doc := parse(t, render(t, rs, Options{}))
	causes := find(doc, func(n *html.Node) bool { return n.Data == "div" && hasClass(n, "cx-cause") })
	status := find(doc, func(n *html.Node) bool { return n.Data == "p" && hasClass(n, "cx-status") })
	if len(causes) != 2 || len(status) != 2 {
		t.Fatalf("%d cause blocks and %d status lines beside counterexamples, want 2 and 2", len(causes), len(status))
	}
	for i, want := range [][]string{
		{"the value of a lost notice is in no wallet", `Lost:[1-9]\d*`, "{Issued:1000 Lost:230}", "this is the documented violation"},
		{"the value of a lost notice is in no wallet", `Lost:[1-9]\d*`, "{Issued:1001 Lost:0}", "another cause"},
	} {
		got := text(causes[i]) + text(status[i])
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("cause block %d lacks %q:\n%s", i, s, got)
			}
		}
	}
	tables := find(doc, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "documented") })
	if len(tables) != 1 {
		t.Fatalf("%d documented-violation tables, want 1 (the unexpected-pass, which has no counterexample)", len(tables))
	}
	if got := text(tables[0]); !strings.Contains(got, "the documented violation was not found") || !strings.Contains(got, `Lost:[1-9]\d*`) {
		t.Errorf("unexpected-pass table:\n%s", got)
	}
}
