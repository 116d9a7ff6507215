package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
)

// The failure print of a documented property shows the documented cause,
// its witness and the observed cause, and says whether they agree.
func TestWriteResultDocumented(t *testing.T) {
	d := &conformance.Documented{Reason: "the notice is lost", Witness: conformance.Witness{Match: `Lost:[1-9]\d*`}}
	for _, c := range []struct {
		verdict  conformance.Verdict
		observed string
		want     string
	}{
		{conformance.Fail, "value not conserved: Lost:0\n  diff", "observed cause: value not conserved: Lost:0\n      diff\n  so: the witness does not match the observed failure: another cause"},
		{conformance.ExpectedFail, "value not conserved: Lost:230", "observed cause: value not conserved: Lost:230\n  so: the witness matches the observed failure"},
		{conformance.UnexpectedPass, "", "so: the property held: the documented violation was not found"},
	} {
		dd := *d
		dd.Observed = c.observed
		r := conformance.Result{Target: "cert-literal", Suite: "GM", Sub: "R5.2", Property: "balanced-every-fault-point", Verdict: c.verdict,
			Reason: "r", Documented: &dd}
		if c.observed != "" {
			r.Counterexample = &conformance.Counterexample{Message: c.observed}
		}
		var b bytes.Buffer
		writeResult(&b, r)
		for _, want := range []string{"documented cause: the notice is lost", `witness: Lost:[1-9]\d*`, c.want} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s: the print lacks %q:\n%s", c.verdict, want, b.String())
			}
		}
	}
}
