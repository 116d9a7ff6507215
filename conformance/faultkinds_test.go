package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
)

// faultKindMutants pairs each fault kind issue 13 made act with the
// public mutant that only that kind reaches, and the sub-property whose
// properties kill it.
var faultKindMutants = []struct {
	kind   world.FaultKind
	mutant string // scheme~mutation
	sub    string
}{
	{world.FaultRedirect, "chip~card-answers-stray-initiate", "R1.5"},
	{world.FaultSkew, "cert~accept-not-yet-valid-cert", "R1.4"},
	{faultOnlineCut, "chip~withdraw-retry-debits-again", "R5.1"},
	{faultOnlineCut, "chip~reconcile-clears-log-before-upload", "R5.2"},
	{world.FaultPartition, "chain~node-ignores-signer-limit", "R2.6"},
}

// TestFaultKindsKill checks that each mutant is killed by its own
// requirement with every fault kind scheduled, and survives when its
// kind is switched off in every profile: it is the acting fault that
// finds the bug.
func TestFaultKindsKill(t *testing.T) {
	byName := map[string]models.Mutant{}
	for _, m := range all.Mutants() {
		byName[m.Scheme.Info().Name] = m
	}
	for _, fk := range faultKindMutants {
		t.Run(string(fk.kind), func(t *testing.T) {
			m, ok := byName[fk.mutant]
			if !ok {
				t.Fatalf("no mutant %s in all.Mutants()", fk.mutant)
			}
			run := func() MutantRun {
				score, _, err := CheckMutants(context.Background(), []models.Mutant{m}, Options{Checks: 20, Only: []string{fk.sub}})
				if err != nil {
					t.Fatal(err)
				}
				i := slices.IndexFunc(score.Runs, func(r MutantRun) bool { return r.Scheme == fk.mutant })
				if i < 0 {
					t.Fatalf("no run of %s in %+v", fk.mutant, score.Runs)
				}
				return score.Runs[i]
			}
			if r := run(); !r.Killed {
				t.Fatalf("%s survived %s with %s scheduled", fk.mutant, fk.sub, fk.kind)
			} else {
				t.Logf("%s killed by %v", fk.mutant, r.KilledBy)
			}
			switchedOff = map[world.FaultKind]bool{fk.kind: true}
			defer func() { switchedOff = nil }()
			if r := run(); r.Killed {
				t.Fatalf("%s killed by %v with %s switched off: the fault kind is not what finds it", fk.mutant, r.KilledBy, fk.kind)
			}
		})
	}
}
