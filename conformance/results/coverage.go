package results

import (
	"sort"
	"strings"

	"github.com/dualoffline/dualoffline/spec"
)

// SubCoverage is the evidence that one sub-property's properties can tell
// a good target from a bad one: the mutants a property of the
// sub-property killed (each breaking the sub-property's requirement) and
// the targets on which every property of the sub-property passed.
type SubCoverage struct {
	Sub         spec.SubID `json:"sub"`
	Requirement spec.ReqID `json:"requirement"`
	// Killed names the mutants ("chip~name") some property of Sub killed.
	Killed []string `json:"killed,omitempty"`
	// PassesOn names the targets on which every property of Sub ran and
	// passed (no skip, no expected-fail, under every suite that ran it).
	PassesOn []string `json:"passes_on,omitempty"`
	// Gap says what is missing ("no killed mutant", "no passing target"),
	// empty when the sub-property is covered.
	Gap string `json:"gap,omitempty"`
}

// Gaps of a SubCoverage.
const (
	GapNoKill = "no killed mutant"
	GapNoPass = "no passing target"
)

// Coverage returns, for every sub-property of the catalogue in order, the
// mutants in score that a property of it killed and the targets among
// references (reference models and control targets, never mutants) on
// which all its properties passed, with the gap when either is empty. A
// nil score counts as no mutant killed.
func Coverage(references []Result, score *MutantScore) []SubCoverage {
	killed := map[spec.SubID][]string{}
	if score != nil {
		for _, run := range score.Runs {
			seen := map[spec.SubID]bool{}
			for _, id := range run.KilledBy {
				sub := propertySub(id)
				if seen[sub] || sub.Req() != run.Breaks {
					continue
				}
				seen[sub] = true
				killed[sub] = append(killed[sub], run.Scheme)
			}
		}
	}
	// allPass[sub][target]: false once a result of sub on target is not a pass.
	allPass := map[spec.SubID]map[string]bool{}
	var order []string
	known := map[string]bool{}
	for _, r := range references {
		if !known[r.Target] {
			known[r.Target] = true
			order = append(order, r.Target)
		}
		m := allPass[r.Sub]
		if m == nil {
			m = map[string]bool{}
			allPass[r.Sub] = m
		}
		ok, seen := m[r.Target]
		m[r.Target] = (ok || !seen) && r.Verdict == Pass
	}
	var out []SubCoverage
	for _, sub := range spec.SubIDs() {
		c := SubCoverage{Sub: sub, Requirement: sub.Req(), Killed: killed[sub]}
		sort.Strings(c.Killed)
		for _, target := range order {
			if allPass[sub][target] {
				c.PassesOn = append(c.PassesOn, target)
			}
		}
		var gaps []string
		if len(c.Killed) == 0 {
			gaps = append(gaps, GapNoKill)
		}
		if len(c.PassesOn) == 0 {
			gaps = append(gaps, GapNoPass)
		}
		c.Gap = strings.Join(gaps, ", ")
		out = append(out, c)
	}
	return out
}

// CoverageGaps returns the entries of cov with a gap.
func CoverageGaps(cov []SubCoverage) []SubCoverage {
	var out []SubCoverage
	for _, c := range cov {
		if c.Gap != "" {
			out = append(out, c)
		}
	}
	return out
}

// propertySub is the sub-property of a property id "R1.2-name".
func propertySub(id string) spec.SubID {
	sub, _, _ := strings.Cut(id, "-")
	return spec.SubID(sub)
}
