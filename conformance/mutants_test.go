package conformance_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec"
)

// mutantChecks is the depth mutants run at: a mutant is one bug, so the
// property that catches it should do so well within this many cases.
const mutantChecks = 10

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

// shortMutants is the -short subset: the first mutant of each
// requirement, in catalogue order.
func shortMutants(ms []models.Mutant) []models.Mutant {
	var out []models.Mutant
	done := map[spec.ReqID]bool{}
	for _, m := range ms {
		if !done[m.Breaks] {
			done[m.Breaks] = true
			out = append(out, m)
		}
	}
	return out
}

// TestMutants runs the catalogue (under -short one mutant per
// requirement) against the suites, each mutant against the properties of
// the requirement it breaks, and fails for every mutant they do not kill.
func TestMutants(t *testing.T) {
	ms := all.Mutants()
	checks := mutantChecks
	if testing.Short() {
		// Fewer mutants, not shallower ones: -short divides the checks
		// by 5, so ask for 5× to keep mutantChecks cases each.
		ms = shortMutants(ms)
		checks *= 5
	}
	score, results, err := conformance.CheckMutants(context.Background(), ms, conformance.Options{Checks: checks})
	if err != nil {
		t.Fatal(err)
	}
	byTarget := map[string][]conformance.Result{}
	for _, r := range results {
		byTarget[r.Target] = append(byTarget[r.Target], r)
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
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
