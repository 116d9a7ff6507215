package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/conformance/schema"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestSettle: a documented violation is settled property by property. A
// failure with a counterexample whose first violation the witness
// recognises is expected-fail; a failure for another cause, or without
// a counterexample, is fail and shows both causes; a documented property
// that held is unexpected-pass; a failing property the target does not
// document is fail even when another property of its sub-property is
// documented.
func TestSettle(t *testing.T) {
	lost := models.Witness{Match: `lost [1-9]\d* fen`}
	info := models.Info{Expected: []models.Violation{
		{Property: "R5.1-a", Reason: "documented loss", Witness: lost},
		{Property: "R5.1-other-cause", Reason: "documented loss", Witness: lost},
		{Property: "R5.2-timeout", Reason: "documented", Witness: lost},
		{Property: "R5.4-held", Reason: "documented", Witness: lost},
		{Property: "R5.4-skipped", Reason: "documented", Witness: lost},
	}}
	cx := func(m string) *Counterexample { return &Counterexample{Message: m} }
	in := []Result{
		{Suite: "GM", Sub: "R5.1", Property: "a", Verdict: Fail, Reason: "the payee lost 230 fen", Counterexample: cx("the payee lost 230 fen")},
		{Suite: "GM", Sub: "R5.1", Property: "other-cause", Verdict: Fail, Reason: "the payee gained 5 fen", Counterexample: cx("the payee gained 5 fen")},
		{Suite: "GM", Sub: "R5.1", Property: "undocumented", Verdict: Fail, Reason: "the payee lost 230 fen", Counterexample: cx("the payee lost 230 fen")},
		{Suite: "GM", Sub: "R5.1", Property: "b", Verdict: Pass},
		{Suite: "GM", Sub: "R5.2", Property: "timeout", Verdict: Fail, Reason: "timed out after lost 3 fen"},
		{Suite: "GM", Sub: "R5.4", Property: "held", Verdict: Pass},
		{Suite: "GM", Sub: "R5.4", Property: "skipped", Verdict: Skip, Reason: "no corrupter"},
		{Suite: "GM", Sub: "R5.6", Property: "undocumented", Verdict: Fail, Reason: "lost 1 fen", Counterexample: cx("lost 1 fen")},
	}
	settle(in, info)
	type got struct {
		Verdict    Verdict
		Reason     string
		Documented *Documented
	}
	gots := map[string]got{}
	for _, r := range in {
		gots[string(r.Sub)+"-"+r.Property] = got{r.Verdict, r.Reason, r.Documented}
	}
	doc := func(reason, observed string) *Documented {
		return &Documented{Reason: reason, Witness: results.Witness(lost), Observed: observed}
	}
	want := map[string]got{
		"R5.1-a":            {ExpectedFail, "documented loss", doc("documented loss", "the payee lost 230 fen")},
		"R5.1-other-cause":  {Fail, "the payee gained 5 fen", doc("documented loss", "the payee gained 5 fen")},
		"R5.1-undocumented": {Fail, "the payee lost 230 fen", nil},
		"R5.1-b":            {Pass, "", nil},
		"R5.2-timeout":      {Fail, "timed out after lost 3 fen", doc("documented", "timed out after lost 3 fen")},
		"R5.4-held":         {UnexpectedPass, "documented", doc("documented", "")},
		"R5.4-skipped":      {Skip, "no corrupter", nil},
		"R5.6-undocumented": {Fail, "lost 1 fen", nil},
	}
	if d := cmp.Diff(want, gots); d != "" {
		t.Errorf("settled results (-want +got):\n%s", d)
	}
}

// TestValidateInfo: every target's documented violations name existing
// properties, with reasons and witnesses that compile and name a cause;
// a bad entry is refused.
func TestValidateInfo(t *testing.T) {
	var infos []models.Info
	for _, s := range all.Schemes() {
		infos = append(infos, s.Info())
	}
	for _, m := range all.Mutants() {
		infos = append(infos, m.Scheme.Info())
	}
	for _, i := range infos {
		if err := ValidateInfo(i); err != nil {
			t.Error(err)
		}
	}
	good := models.Violation{Property: "R5.1-atomic-every-fault-point", Reason: "why", Witness: models.Witness{Match: `lost \d+`}}
	if err := ValidateInfo(models.Info{Name: "good", Expected: []models.Violation{good}}); err != nil {
		t.Fatalf("a good entry is refused: %v", err)
	}
	bad := map[string]func(v *models.Violation){
		"unknown property":       func(v *models.Violation) { v.Property = "R5.1-no-such-property" },
		"unknown sub-property":   func(v *models.Violation) { v.Property = "R9.9-atomic-every-fault-point" },
		"sub-property only":      func(v *models.Violation) { v.Property = "R5.1" },
		"no reason":              func(v *models.Violation) { v.Reason = "" },
		"no witness":             func(v *models.Violation) { v.Witness.Match = "" },
		"witness does not parse": func(v *models.Violation) { v.Witness.Match = `lost (\d+` },
		"witness matches empty":  func(v *models.Violation) { v.Witness.Match = `(lost)?` },
	}
	for name, spoil := range bad {
		v := good
		spoil(&v)
		if err := ValidateInfo(models.Info{Name: "bad", Expected: []models.Violation{v}}); err == nil {
			t.Errorf("%s: %+v accepted", name, v)
		}
	}
	if err := ValidateInfo(models.Info{Name: "twice", Expected: []models.Violation{good, good}}); err == nil {
		t.Error("a property documented twice is accepted")
	}
}

// recorded is a failure of a documented property as a full check at the
// default depth and seed observed it (testdata/documented-failures.json of
// the scheme's package, written from `dualoffline check --json`: see
// package models).
type recorded struct {
	Target, Suite, Property, Message string
}

// recordedFailures reads the recorded failures of every reference
// scheme's package, found by the package path of its Scheme (so a scheme
// added to models/all brings its own file, and this package names none).
func recordedFailures(t *testing.T) []recorded {
	t.Helper()
	const module = "github.com/dualoffline/dualoffline/"
	schemes := map[string][]string{} // package path → its schemes' names
	var pkgs []string
	for _, s := range all.Schemes() {
		pkg := reflect.TypeOf(s).PkgPath()
		if schemes[pkg] == nil {
			pkgs = append(pkgs, pkg)
		}
		schemes[pkg] = append(schemes[pkg], s.Info().Name)
	}
	var recs []recorded
	for _, pkg := range pkgs {
		dir, ok := strings.CutPrefix(pkg, module)
		if !ok {
			t.Fatalf("schemes %v: package %s is outside the module", schemes[pkg], pkg)
		}
		b, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(dir), "testdata", "documented-failures.json"))
		if errors.Is(err, fs.ErrNotExist) {
			continue // a package whose schemes document no violation
		}
		if err != nil {
			t.Fatal(err)
		}
		var rs []recorded
		if err := json.Unmarshal(b, &rs); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, r := range rs {
			if !slices.Contains(schemes[pkg], r.Target) {
				t.Errorf("%s/testdata/documented-failures.json records a failure of %s, not a scheme of that package (%v)", dir, r.Target, schemes[pkg])
			}
		}
		recs = append(recs, rs...)
	}
	return recs
}

// TestWitnessesRecogniseTheirCause holds every reference scheme's
// witnesses to recorded failures: each documented property has a
// recorded failure and its witness matches it; a witness matches no
// recorded failure of another documented property (unless both declare
// the same witness: one cause), nor failures of other causes the suites
// produce (a game lost for lack of evidence or to length and timing, a
// large payment that is not traceable).
func TestWitnessesRecogniseTheirCause(t *testing.T) {
	recs := recordedFailures(t)
	others := []string{
		"which-payer game: lack of evidence, neither leak nor anonymity established: after 4021 of N = 4021 trials distinguisher identity has 99% interval [0.531, 0.572], not within 1/2±0.05, and no distinguisher's adjusted interval lies outside it",
		"linking game: lack of evidence, neither leak nor anonymity established: after 4021 of N = 4021 trials distinguisher key-reuse has 99% interval [0.530, 0.571], not within 1/2±0.05, and no distinguisher's adjusted interval lies outside it",
		"which-payer game: distinguisher length-timing was right in 150 of 150 trials (1.000, 99% interval [0.970, 1.000], outside 1/2±0.05): it keyed on 412 bytes in 4 messages vs 380 bytes, in message TRANSFER",
		"which-payer game: distinguisher equal-bytes was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on 31 windows of 8 bytes found only in wallet-B's public material vs 2 in the other's; longest: 9 bytes (00000000000201) of message TRANSFER at byte 12, first seen in wallet-B's message TRANSFER",
		"which-payer game: distinguisher counter-linkage was right in 20 of 20 trials (1.000, interval [0.589, 1.000] at z = 3.738, outside 1/2±0.05): it keyed on INTEGER 3977568 (DER, 3 bytes) in message TRANSFER at byte 12 (…), 1 from wallet-B's latest 3977567, in wallet-B's upload registry record 779c6586",
		"a payment of T+1 = 20001 fen by wallet-A: what its agent bank received at reconciliation (3 items) carries none of its identity fields",
		"after drop@2, then reconciling [wallet-A wallet-B]: the payer's worth moved -230 fen and the payee's +0: neither both in the pre-state nor both in the post-state (payment paid=true received=false rejections=[] err=<nil>)",
		"value not conserved after the payment under crash-before@1: {Issued:1000 Held:770 Pending:0 Mail:0 Redeemed:0 Lost:230} (held+pending+mail+redeemed = 770, issued 1000)",
		"under drop@2, after 6 reconciliations [8h0m0s 8h0m0s 8h0m0s 8h0m0s 8h0m0s 8h0m0s] apart, the payer lost 230 fen and the payee gained 0 (audit {Issued:1000 Held:770 Pending:0 Mail:0 Redeemed:0 Lost:230}): value lost for good, an exposure window that never closes",
		"payee deviating with replay@3: the payee gained 230 fen, the payer lost only 0",
		"case {Seed:1 Fund:6 Frac:0.5 Honest:1 Rollback:false}: reconciling in order [wallet-B wallet-A wallet-C] decides otherwise than in order [wallet-A wallet-B wallet-C], with other flagged coins or culprits (-want +got):",
		"under field@6:5,drop@3: value appeared or vanished: payer wallet-A moved -230, payee wallet-B moved 0, want both 0 or -230/+230 (-want +got):",
		"value not conserved after the payment under crash-after@5: {Issued:1001 Held:1000 Pending:0 Mail:0 Redeemed:0 Lost:0} (held+pending+mail+redeemed = 1000, issued 1001)",
		"payee deviating with drop@4, depositing at once: the honest payer was debited 230 fen, yet the payee ends credited with 0 after reconciliation",
	}
	seen := map[string]bool{}
	for _, s := range all.Schemes() {
		info := s.Info()
		for _, v := range info.Expected {
			n := 0
			for _, r := range recs {
				if r.Target != info.Name {
					continue
				}
				if r.Property == v.Property {
					n++
					seen[r.Target+"/"+r.Property] = true
					if !v.Witness.Matches(r.Message) {
						t.Errorf("%s %s: the witness %q does not match the recorded failure (%s):\n%s", info.Name, v.Property, v.Witness.Match, r.Suite, r.Message)
					}
					continue
				}
				if w, ok := info.Violation(r.Property); ok && w.Witness == v.Witness {
					continue // one cause, two properties
				}
				if v.Witness.Matches(r.Message) {
					t.Errorf("%s %s: the witness %q also matches the failure of %s:\n%s", info.Name, v.Property, v.Witness.Match, r.Property, r.Message)
				}
			}
			if n == 0 {
				t.Errorf("%s %s: documented, but no failure of it is recorded", info.Name, v.Property)
			}
			for _, m := range others {
				if v.Witness.Matches(m) {
					t.Errorf("%s %s: the witness %q matches a failure of another cause:\n%s", info.Name, v.Property, v.Witness.Match, m)
				}
			}
		}
	}
	for _, r := range recs {
		if !seen[r.Target+"/"+r.Property] {
			t.Errorf("recorded failure of %s %s, which the scheme does not document", r.Target, r.Property)
		}
	}
}

// inflated wraps a scheme with a bookkeeping bug of its own: its audit
// reports one fen more issued than the central bank issued. On
// cert-literal, whose R5.2 documents a lost payment, that bug makes R5.2
// fail for another cause.
func inflated(base models.Scheme) models.Scheme {
	return WrapInstances(base, "~inflated-audit", func(in models.Instance) models.Instance { return inflatedInstance{in} })
}

type inflatedInstance struct{ models.Instance }

func (in inflatedInstance) Audit() models.Audit {
	a := in.Instance.Audit()
	a.Issued++
	return a
}

// balancedOnly documents, of its scheme's R5.2 violations, only
// balanced-every-fault-point: the other R5.2 property is then an
// undocumented property of a documented sub-property.
type balancedOnly struct{ models.Scheme }

func (s balancedOnly) Info() models.Info {
	i := s.Scheme.Info()
	i.Expected = slices.DeleteFunc(slices.Clone(i.Expected), func(v models.Violation) bool { return v.Property == "R5.2-conserved-every-step" })
	return i
}

// A new bug in a documented sub-property is not hidden by the
// documentation: on cert-literal both R5.2 properties fail with the
// documented cause (value lost) and are expected-fail; with an inflated
// audit both fail for another cause (no value is lost, the totals
// disagree), as fail. And a property of a documented sub-property that
// is not itself documented keeps its own verdict: with only the other
// property documented, it is fail although its cause is the documented
// one.
func TestSettleNewBugInDocumentedSub(t *testing.T) {
	gm, _ := suite.ByID(suite.GM)
	// The two properties the test is about (R5.2 has others).
	opts := Options{Checks: 5, Suites: []suite.Suite{gm}, Only: []string{"R5.2-balanced-every-fault-point", "R5.2-conserved-every-step"}}
	verdicts := func(target models.Scheme) map[string]Result {
		rs, err := Check(context.Background(), target, opts)
		if err != nil {
			t.Fatal(err)
		}
		// The documented causes serialise as the schema describes.
		var buf bytes.Buffer
		if err := rs.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if err := schema.ValidateResults(buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `"documented"`) {
			t.Errorf("the JSON of %s carries no documented cause", target.Info().Name)
		}
		out := map[string]Result{}
		for _, r := range rs.Results {
			out[r.Property] = r
		}
		return out
	}
	vs := func(m map[string]Result) map[string]Verdict {
		out := map[string]Verdict{}
		for k, r := range m {
			out[k] = r.Verdict
		}
		return out
	}
	base := cert.Scheme{Variant: cert.Literal}
	ref := verdicts(base)
	if d := cmp.Diff(map[string]Verdict{"balanced-every-fault-point": ExpectedFail, "conserved-every-step": ExpectedFail}, vs(ref)); d != "" {
		t.Fatalf("cert-literal R5.2 (-want +got):\n%s", d)
	}
	one := verdicts(balancedOnly{base})
	if d := cmp.Diff(map[string]Verdict{"balanced-every-fault-point": ExpectedFail, "conserved-every-step": Fail}, vs(one)); d != "" {
		t.Fatalf("cert-literal R5.2 with one property documented (-want +got):\n%s", d)
	}
	if d := one["conserved-every-step"].Documented; d != nil {
		t.Errorf("an undocumented property carries a documented cause: %+v", d)
	}
	bug := verdicts(inflated(base))
	if d := cmp.Diff(map[string]Verdict{"balanced-every-fault-point": Fail, "conserved-every-step": Fail}, vs(bug)); d != "" {
		t.Fatalf("cert-literal with an inflated audit, R5.2 (-want +got):\n%s", d)
	}
	r := bug["balanced-every-fault-point"]
	if r.Documented == nil || r.Documented.Reason != ref["balanced-every-fault-point"].Reason || r.Documented.Observed != r.Reason ||
		!strings.Contains(r.Reason, "Lost:0") {
		t.Errorf("the fail does not show the documented cause beside the observed one: reason %q, documented %+v", r.Reason, r.Documented)
	}
	if d := bug["conserved-every-step"].Documented; d == nil || strings.Contains(bug["conserved-every-step"].Reason, "Lost:") && !strings.Contains(bug["conserved-every-step"].Reason, "Lost:0") {
		t.Errorf("the second documented property's fail: reason %q, documented %+v", bug["conserved-every-step"].Reason, d)
	}
}

// judge kills a mutant by a fail of its requirement's property that was
// expected on the base: pass, or expected-fail with the documented cause
// (the mutant fails it for another). An expected-fail on the mutant, a
// property unexpected or skipped on the base, and another requirement's
// fail (listed in Also) kill nothing.
func TestJudgeMutant(t *testing.T) {
	m := models.Mutant{Name: "m", Breaks: "R5", Scheme: inflated(cert.Scheme{})}
	results := []Result{
		{Requirement: "R5", Sub: "R5.1", Property: "held-on-base", Verdict: Fail},
		{Requirement: "R5", Sub: "R5.2", Property: "other-cause", Verdict: Fail},
		{Requirement: "R5", Sub: "R5.2", Property: "same-cause", Verdict: ExpectedFail},
		{Requirement: "R5", Sub: "R5.4", Property: "alarm-on-base", Verdict: Fail},
		{Requirement: "R5", Sub: "R5.4", Property: "skipped-on-base", Verdict: Fail},
		{Requirement: "R5", Sub: "R5.6", Property: "passes", Verdict: Pass},
		{Requirement: "R2", Sub: "R2.5", Property: "elsewhere", Verdict: Fail},
	}
	base := map[string]Verdict{
		"R5.1-held-on-base": Pass, "R5.2-other-cause": ExpectedFail, "R5.2-same-cause": Pass,
		"R5.4-alarm-on-base": Fail, "R5.4-skipped-on-base": Skip, "R5.6-passes": Pass, "R2.5-elsewhere": Pass,
	}
	got := judge(m, results, base)
	want := MutantRun{Mutant: "m", Scheme: "cert~inflated-audit", Breaks: "R5", Killed: true,
		KilledBy: []string{"R5.1-held-on-base", "R5.2-other-cause"}, Also: []string{"R2.5-elsewhere"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("judge (-want +got):\n%s", d)
	}
	if got := judge(m, results[2:3], base); got.Killed {
		t.Errorf("an expected-fail on the mutant kills it: %+v", got)
	}
	if got := judge(m, results[:1], nil); !got.Killed {
		t.Errorf("a fail without a base does not kill: %+v", got)
	}
}

// spec/requirements.md lists every documented violation of every
// reference model (scheme and property on one table row), and no other.
func TestDocumentedViolationsInSpec(t *testing.T) {
	b, err := os.ReadFile("../spec/requirements.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) < 4 {
			continue
		}
		for _, s := range strings.Split(cols[1], ",") {
			for _, p := range strings.Split(cols[2], ",") {
				rows[strings.Trim(strings.TrimSpace(s), "`")+" "+strings.Trim(strings.TrimSpace(p), "`")] = true
			}
		}
	}
	want := map[string]bool{}
	for _, s := range all.Schemes() {
		for _, v := range s.Info().Expected {
			want[s.Info().Name+" "+v.Property] = true
		}
	}
	got := map[string]bool{}
	for k := range rows {
		if strings.Contains(k, " R") {
			got[k] = true
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("documented violations in requirements.md (-want +got):\n%s", d)
	}
}
