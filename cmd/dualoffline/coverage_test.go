package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
)

// TestWriteCoverage: the coverage table prints a line per sub-property,
// marks each gap, ends with one COVERAGE GAP line naming them, and the
// count it returns is what makes check exit 1.
func TestWriteCoverage(t *testing.T) {
	refs := []conformance.Result{{Target: "chip", Suite: "GM", Requirement: "R1", Sub: "R1.1", Property: "a", Verdict: conformance.Pass}}
	score := &conformance.MutantScore{Runs: []conformance.MutantRun{{Scheme: "chip~x", Breaks: "R1", Killed: true, KilledBy: []string{"R1.1-a"}}}}
	cov := conformance.Coverage(refs, score)
	var buf bytes.Buffer
	gaps := writeCoverage(&buf, cov)
	out := buf.String()
	if gaps != len(cov)-1 {
		t.Errorf("%d gaps, want every sub-property but R1.1 (%d)", gaps, len(cov)-1)
	}
	lines := strings.Split(out, "\n")
	var r11, r12 string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(strings.TrimSpace(l), "R1.1 "):
			r11 = l
		case strings.HasPrefix(strings.TrimSpace(l), "R1.2 "):
			r12 = l
		}
	}
	if !strings.Contains(r11, "ok") || !strings.Contains(r11, "kills chip~x") || !strings.Contains(r11, "passes on chip") {
		t.Errorf("R1.1's line does not show its kill and its passing target: %q", r11)
	}
	if !strings.Contains(r12, "GAP: "+conformance.GapNoKill+", "+conformance.GapNoPass) {
		t.Errorf("R1.2's line does not show its gap: %q", r12)
	}
	if !strings.Contains(out, "COVERAGE GAP: ") || !strings.Contains(out, "R1.2 (") {
		t.Errorf("no summary line naming the gaps:\n%s", out)
	}

	// No gap: no summary line, 0 returned.
	for i := range cov {
		cov[i].Gap = ""
	}
	buf.Reset()
	if n := writeCoverage(&buf, cov); n != 0 || strings.Contains(buf.String(), "COVERAGE GAP") {
		t.Errorf("without gaps: %d returned, output\n%s", n, buf.String())
	}

	// A gap is an unexpected result of its own: exit status 1, named.
	err := error(unexpectedError{gaps: 2})
	var ue unexpectedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "2 sub-properties without a killed mutant or a passing target") {
		t.Errorf("the error for 2 gaps: %v", err)
	}
}

// TestCoverageReferences: what counts as a target a sub-property passes
// on is the run's reference models, the mutants' bases and the control
// targets, never a mutant, even one on which every property passed.
func TestCoverageReferences(t *testing.T) {
	pass := func(target string) conformance.Result {
		return conformance.Result{Target: target, Suite: "GM", Requirement: "R3", Sub: "R3.1", Property: "a", Verdict: conformance.Pass}
	}
	rs := &conformance.Results{Results: []conformance.Result{pass("chip")}}
	score := &conformance.MutantScore{Runs: []conformance.MutantRun{{Scheme: "chip~survivor", Breaks: "R3"}}}
	mutantResults := []conformance.Result{pass("cert"), pass("chip~survivor")}
	ctl := &conformance.Results{Results: []conformance.Result{pass("ideal")}}
	var got []string
	for _, r := range coverageReferences(rs, mutantResults, ctl, score) {
		got = append(got, r.Target)
	}
	if want := "chip cert ideal"; strings.Join(got, " ") != want {
		t.Errorf("references %v, want %s", got, want)
	}
	if got := coverageReferences(rs, nil, nil, score); len(got) != 1 {
		t.Errorf("without mutants' bases or controls: %d references, want the run's 1", len(got))
	}
}
