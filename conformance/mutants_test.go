package conformance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/control"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec"
)

// mutantChecks is the depth the sample runs at in go test: a
// mutant is one bug, so the property that catches it first should do so
// well within this many cases. The coverage per sub-property (a kill by
// every sub-property) needs the default depth of `check --mutants`, which
// .ci/run runs after go test and which fails on a gap; here gaps are
// logged. shortMutantChecks is the -short depth.
const (
	mutantChecks      = 10
	shortMutantChecks = 10
)

// killShrinkTime is rapid's shrinking budget for the sample: a kill is a
// verdict, which does not wait for a minimal counterexample, and at the
// default budget shrinking every killing failure was two thirds of the
// test's wall time (the bases' documented violations settle at this
// budget too: the test counts any that does not as a false alarm).
const killShrinkTime = 100 * time.Millisecond

// TestMutantCatalogue checks the catalogue's shape: at least 30 mutants,
// at least 4 per requirement, every scheme represented, unique names, and
// each mutant named after its base and documented like it.
func TestMutantCatalogue(t *testing.T) {
	ms := all.Mutants()
	if len(ms) < 30 {
		t.Errorf("%d mutants, want at least 30", len(ms))
	}
	perReq := map[spec.ReqID]int{}
	perScheme := map[string]int{}
	seen := map[string]bool{}
	bases := map[string]models.Info{}
	for _, s := range all.Schemes() {
		bases[s.Info().Name] = s.Info()
	}
	for _, m := range ms {
		name := m.Scheme.Info().Name
		base, mut, ok := strings.Cut(name, "~")
		if !ok || mut != m.Name {
			t.Errorf("mutant %q: scheme name %q, want <base>~%s", m.Name, name, m.Name)
		}
		if seen[name] {
			t.Errorf("mutant %s defined twice", name)
		}
		seen[name] = true
		if _, ok := spec.LookupRequirement(m.Breaks); !ok {
			t.Errorf("mutant %s breaks %q, which is no requirement", name, m.Breaks)
		}
		if m.Doc == "" {
			t.Errorf("mutant %s has no doc", name)
		}
		info, ok := bases[base]
		if !ok {
			t.Errorf("mutant %s: no reference scheme %q", name, base)
			continue
		}
		if got := m.Scheme.Info(); len(got.Expected) != len(info.Expected) {
			t.Errorf("mutant %s documents %d expected failures, its base %d", name, len(got.Expected), len(info.Expected))
		}
		perReq[m.Breaks]++
		perScheme[base]++
	}
	for _, r := range spec.Catalogue() {
		if perReq[r.ID] < 4 {
			t.Errorf("%d mutants break %s, want at least 4", perReq[r.ID], r.ID)
		}
	}
	for _, s := range []string{"chip", "cert", "chain"} {
		if perScheme[s] == 0 {
			t.Errorf("no mutant of %s", s)
		}
	}
}

// firstPer keeps the first mutant of each key, in catalogue order.
func firstPer[K comparable](ms []models.Mutant, key func(models.Mutant) K) []models.Mutant {
	var out []models.Mutant
	done := map[K]bool{}
	for _, m := range ms {
		if k := key(m); !done[k] {
			done[k] = true
			out = append(out, m)
		}
	}
	return out
}

// shortMutants is the -short subset: the first mutant of each
// requirement.
func shortMutants(ms []models.Mutant) []models.Mutant {
	return firstPer(ms, func(m models.Mutant) spec.ReqID { return m.Breaks })
}

// sampleMutants is the go test subset: the first mutant of each
// requirement in each scheme's catalogue (the control's included), so
// every scheme's kill of every requirement it has a mutant for is held
// by go test; `dualoffline check --mutants`, which .ci/run runs at the
// default depth, scores the whole catalogue.
func sampleMutants(ms []models.Mutant) []models.Mutant {
	type key struct {
		base string
		req  spec.ReqID
	}
	return firstPer(ms, func(m models.Mutant) key {
		base, _, _ := strings.Cut(m.Scheme.Info().Name, "~")
		return key{base, m.Breaks}
	})
}

// TestMutants runs a sample of the catalogue (sampleMutants; under -short
// one mutant per requirement) against the suites, each mutant against the
// properties of the requirement it breaks, and fails for every mutant
// they do not kill. The whole catalogue at the default depth is `dualoffline
// check --mutants`'s job: go test would need three minutes for it.
func TestMutants(t *testing.T) {
	// The control mutants too: their base, the ideal-anonymity control,
	// is the passing target of R3.1–R3.3 and R3.6.
	ms := sampleMutants(append(all.Mutants(), control.Mutants()...))
	checks := mutantChecks
	if testing.Short() {
		// Fewer mutants, and shallower: -short divides the checks by 5,
		// so ask for 5× to keep shortMutantChecks cases each.
		ms = shortMutants(ms)
		checks = 5 * shortMutantChecks
	}
	score, results, err := conformance.CheckMutants(context.Background(), ms, conformance.Options{Checks: checks, ShrinkTime: killShrinkTime})
	if err != nil {
		t.Fatal(err)
	}
	byTarget := map[string][]conformance.Result{}
	bases := map[string]bool{}
	for _, m := range ms {
		if m.Base != nil {
			bases[m.Base.Info().Name] = true
		}
	}
	for _, r := range results {
		byTarget[r.Target] = append(byTarget[r.Target], r)
		// The bases' runs hold their documented verdicts (TestReference
		// leaves a passing scheme's anonymity games to this run).
		if bases[r.Target] && (r.Verdict == conformance.Fail || r.Verdict == conformance.UnexpectedPass) {
			t.Errorf("base %s %s: %s: %s", r.Target, r.ID(), r.Verdict, r.Reason)
		}
	}
	for _, run := range score.Runs {
		if run.Killed {
			t.Logf("killed %s (%s) by %s", run.Scheme, run.Breaks, strings.Join(run.KilledBy, ", "))
			continue
		}
		base, _, _ := strings.Cut(run.Scheme, "~")
		onBase := map[string]conformance.Verdict{}
		for _, r := range byTarget[base] {
			if r.Requirement == run.Breaks {
				onBase[string(r.Sub)+"-"+r.Property] = r.Verdict
			}
		}
		var ran []string
		for _, r := range byTarget[run.Scheme] {
			id := string(r.Sub) + "-" + r.Property
			s := id + ": " + string(r.Verdict)
			if r.Reason != "" && r.Verdict != conformance.Pass {
				s += " (" + firstLine(r.Reason) + ")"
			}
			if v := onBase[id]; v != conformance.Pass && v != conformance.ExpectedFail {
				s += " [on " + base + ": " + string(v) + ", so it cannot kill]"
			}
			ran = append(ran, s)
		}
		if len(ran) == 0 {
			ran = []string{"no property of " + string(run.Breaks) + " exists yet"}
		}
		t.Errorf("mutant %s not killed: it breaks %s (%s), but what ran held:\n  %s", run.Scheme, run.Breaks, run.Doc, strings.Join(ran, "\n  "))
	}
	t.Logf("killed %d of %d mutants (%.0f%%) in %.1fs: by requirement %v of %v; %d unexpected verdicts on the bases",
		score.Killed, score.Total, 100*score.Score, score.DurationS, score.ByReq, score.OfReq, score.Alarms)
	if score.Alarms > 0 {
		t.Errorf("%d unexpected verdicts on the mutants' bases (false alarms)", score.Alarms)
	}
	logCatalogueCoverage(t, score, results)
}

// logCatalogueCoverage logs the coverage gaps of the sample (the passing
// targets being the mutants' bases): a sample at a shallow depth leaves
// gaps by construction, so they are logged, not failed; `dualoffline check
// --mutants` fails on any gap of the whole catalogue at the default depth.
func logCatalogueCoverage(t *testing.T, score *conformance.MutantScore, results []conformance.Result) {
	mutant := map[string]bool{}
	for _, r := range score.Runs {
		mutant[r.Scheme] = true
	}
	var refs []conformance.Result
	for _, r := range results {
		if !mutant[r.Target] {
			refs = append(refs, r)
		}
	}
	var ids []string
	for _, g := range conformance.CoverageGaps(conformance.Coverage(refs, score)) {
		ids = append(ids, string(g.Sub))
	}
	t.Logf("at %d checks, on a sample of the catalogue (sampleMutants; -short: one mutant per requirement), %d sub-properties lack a kill or a passing target (%s)", mutantChecks, len(ids), strings.Join(ids, " "))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// TestCoverage: on synthetic results, a sub-property is covered only by a
// mutant of its requirement that a property of it killed and by a target
// on which every one of its properties passed under every suite; a
// control target counts like a reference model; anything less is a gap.
func TestCoverage(t *testing.T) {
	res := func(target, suite string, sub spec.SubID, prop string, v conformance.Verdict) conformance.Result {
		return conformance.Result{Target: target, Suite: suite, Requirement: sub.Req(), Sub: sub, Property: prop, Verdict: v}
	}
	refs := []conformance.Result{
		// R1.1: passes on chip (both suites, both properties).
		res("chip", "GM", "R1.1", "a", conformance.Pass),
		res("chip", "GM", "R1.1", "b", conformance.Pass),
		res("chip", "INTL", "R1.1", "a", conformance.Pass),
		res("chip", "INTL", "R1.1", "b", conformance.Pass),
		// R1.2: one property skips on chip, one fails under INTL on cert,
		// one is expected-fail on chain: no passing target.
		res("chip", "GM", "R1.2", "a", conformance.Pass),
		res("chip", "GM", "R1.2", "b", conformance.Skip),
		res("cert", "GM", "R1.2", "a", conformance.Pass),
		res("cert", "INTL", "R1.2", "a", conformance.Fail),
		res("chain", "GM", "R1.2", "a", conformance.ExpectedFail),
		// R3.1: passes only on a control target.
		res("chip", "GM", "R3.1", "a", conformance.ExpectedFail),
		res("ideal", "GM", "R3.1", "a", conformance.Pass),
	}
	score := &conformance.MutantScore{Runs: []conformance.MutantRun{
		{Scheme: "chip~x", Breaks: "R1", Killed: true, KilledBy: []string{"R1.1-a", "R1.1-b"}},
		// Killed through R1.2 but it claims to break R2: counts for nothing.
		{Scheme: "chip~y", Breaks: "R2", Killed: true, KilledBy: []string{"R1.2-a"}},
		{Scheme: "ideal~z", Breaks: "R3", Killed: true, KilledBy: []string{"R3.1-a"}},
		{Scheme: "chip~w", Breaks: "R1", Killed: false},
	}}
	cov := conformance.Coverage(refs, score)
	if len(cov) != len(spec.SubIDs()) {
		t.Fatalf("%d entries, want one per sub-property (%d)", len(cov), len(spec.SubIDs()))
	}
	bySub := map[spec.SubID]conformance.SubCoverage{}
	for _, c := range cov {
		bySub[c.Sub] = c
	}
	want := map[spec.SubID]conformance.SubCoverage{
		"R1.1": {Sub: "R1.1", Requirement: "R1", Killed: []string{"chip~x"}, PassesOn: []string{"chip"}},
		"R1.2": {Sub: "R1.2", Requirement: "R1", Gap: conformance.GapNoKill + ", " + conformance.GapNoPass},
		"R3.1": {Sub: "R3.1", Requirement: "R3", Killed: []string{"ideal~z"}, PassesOn: []string{"ideal"}},
		"R6.7": {Sub: "R6.7", Requirement: "R6", Gap: conformance.GapNoKill + ", " + conformance.GapNoPass},
	}
	got := map[spec.SubID]conformance.SubCoverage{}
	for id := range want {
		got[id] = bySub[id]
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("coverage (-want +got):\n%s", d)
	}
	gaps := conformance.CoverageGaps(cov)
	if len(gaps) != len(cov)-2 {
		t.Errorf("%d gaps, want every sub-property but R1.1 and R3.1 (%d)", len(gaps), len(cov)-2)
	}
	// Without a control target, R3.1 has no passing target.
	if c := conformance.Coverage(refs[:len(refs)-1], score)[subIndex(t, "R3.1")]; c.Gap != conformance.GapNoPass {
		t.Errorf("R3.1 without its control: gap %q, want %q", c.Gap, conformance.GapNoPass)
	}
	// No score: nothing killed.
	if c := conformance.Coverage(refs, nil)[subIndex(t, "R1.1")]; c.Gap != conformance.GapNoKill {
		t.Errorf("R1.1 without a score: gap %q, want %q", c.Gap, conformance.GapNoKill)
	}
}

func subIndex(t *testing.T, id spec.SubID) int {
	for i, s := range spec.SubIDs() {
		if s == id {
			return i
		}
	}
	t.Fatalf("no sub-property %s", id)
	return -1
}

// TestCoverageSchema: a score carrying coverage validates against the
// published schema and survives a round trip.
func TestCoverageSchema(t *testing.T) {
	score := &conformance.MutantScore{Total: 1, Killed: 1, Score: 1, Suite: "GM", Checks: 10,
		Runs: []conformance.MutantRun{{Mutant: "x", Scheme: "chip~x", Breaks: "R1", Doc: "d", Killed: true, KilledBy: []string{"R1.1-a"}}}}
	refs := []conformance.Result{{Target: "chip", Suite: "GM", Requirement: "R1", Sub: "R1.1", Property: "a", Doc: "d", Verdict: conformance.Pass, Runs: 1, Seed: 1, Replay: "r"}}
	score.Coverage = conformance.Coverage(refs, score)
	rs := &conformance.Results{Schema: conformance.SchemaVersion, Env: conformance.Env{Module: "m", Version: "v", GoVersion: "g", Seed: 1, Checks: 1, Steps: 1, Suites: []string{"GM"}},
		Results: refs, Mutants: score}
	back := roundTrip(t, rs)
	if d := cmp.Diff(rs.Mutants.Coverage, back.Mutants.Coverage); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}
