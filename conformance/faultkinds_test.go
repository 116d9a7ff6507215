package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// faultKindMutants pairs each fault kind with a public mutant that only
// that kind reaches, and the sub-property whose properties kill it. A
// kind without one yet has an empty mutant and says why in pending.
var faultKindMutants = []struct {
	kind    world.FaultKind
	mutant  string // scheme~mutation
	sub     string
	pending string
}{
	{kind: world.FaultDuplicate, mutant: "chip~payer-marks-challenge-on-ack", sub: "R1.2"},
	{kind: world.FaultBitFlip, mutant: "chip~card-ignores-class-byte", sub: "R1.1"},
	{kind: world.FaultTruncate, mutant: "chip~payee-closes-on-short-frame", sub: "R1.1"},
	{kind: world.FaultExtend, mutant: "cert~sim-ignores-trailing-bytes", sub: "R1.1"},
	{kind: world.FaultReplay, mutant: "cert~payer-checks-open-requests-only", sub: "R1.2"},
	{kind: world.FaultRedirect, mutant: "chip~card-answers-stray-initiate", sub: "R1.5"},
	{kind: world.FaultCrashAt, mutant: "chip~payer-logs-before-spending", sub: "R2.1"},
	{kind: world.FaultSkew, mutant: "cert~accept-not-yet-valid-cert", sub: "R1.4"},
	{kind: world.FaultClone, mutant: "chip~evidence-names-payee", sub: "R2.4"},
	{kind: "partition", pending: "network partitions of the master nodes are helper B's (models/world/partition.go)"},
}

// TestFaultKindsKill checks that each mutant is killed by its own
// requirement with every fault kind scheduled, and survives when its
// kind is switched off in every profile: it is the acting fault that
// finds the bug. Each run is one sub-property under one crypto suite.
func TestFaultKindsKill(t *testing.T) {
	byName := map[string]models.Mutant{}
	for _, m := range all.Mutants() {
		byName[m.Scheme.Info().Name] = m
	}
	checks := 20
	if testing.Short() {
		checks = 8
	}
	for _, fk := range faultKindMutants {
		t.Run(string(fk.kind), func(t *testing.T) {
			if fk.mutant == "" {
				t.Skip(fk.pending)
			}
			m, ok := byName[fk.mutant]
			if !ok {
				t.Fatalf("no mutant %s in all.Mutants()", fk.mutant)
			}
			run := func() MutantRun {
				opts := Options{Checks: checks, Only: []string{fk.sub}, Suites: []suite.Suite{suite.Default()}}
				score, _, err := CheckMutants(context.Background(), []models.Mutant{m}, opts)
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
