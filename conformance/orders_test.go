package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// orderMutants pairs each kind of mutant of the orders work (the cert
// ones are the same bugs) with the property that kills it, and says whether only a drawn order finds
// it (byOrder) or an exact value check that a fixed order meets as well.
var orderMutants = []struct {
	mutant  string // scheme~mutation
	only    string // the property (of the mutant's requirement) that kills it
	byOrder bool
}{
	{"chip~payee-seen-cache-volatile", "R2.2-rollback-repays-same-payee", true},
	{"chip~payee-forgets-deposited-serials", "R2.2-clone-repays-same-payee", true},
	// Since chip's issuance desk exchanges change at every sync, a sync
	// settles coins as a deposit does, so a clone's later upload meets a
	// settled instance in the fixed order too (it needed a drawn order
	// before the desk).
	{"chip~registry-ignores-settled-upload", "R2.3", false},
	{"chip~received-coins-need-sync", "R6.4", true},
	{"chip~flag-values-payment", "R2.3", false},
	{"chip~trace-values-spent-coin", "R3.4", false},
}

// TestOrdersKill checks that each mutant is killed by its own
// sub-property with the orders drawn, and that the order mutants survive
// it when every order is the fixed one (fixedOrders), while the exact-check
// mutants are killed either way.
func TestOrdersKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs each mutant's sub-property twice")
	}
	byName := map[string]models.Mutant{}
	for _, m := range all.Mutants() {
		byName[m.Scheme.Info().Name] = m
	}
	for _, om := range orderMutants {
		t.Run(om.mutant, func(t *testing.T) {
			m, ok := byName[om.mutant]
			if !ok {
				t.Fatalf("no mutant %s in all.Mutants()", om.mutant)
			}
			// The killing property alone, GM only: the base's verdicts
			// are the reference runs' business (reference_test.go).
			gm, err := suite.ByID(suite.GM)
			if err != nil {
				t.Fatal(err)
			}
			run := func() MutantRun {
				rs, err := Check(context.Background(), m.Scheme, Options{Checks: 10, ShrinkTime: 100 * time.Millisecond, Suites: []suite.Suite{gm}, Only: []string{om.only}})
				if err != nil {
					t.Fatal(err)
				}
				if len(rs.Results) == 0 {
					t.Fatalf("no property %s", om.only)
				}
				return judge(m, rs.Results, nil)
			}
			if r := run(); !r.Killed {
				t.Fatalf("%s survived %s with drawn orders", om.mutant, om.only)
			} else {
				t.Logf("%s killed by %v", om.mutant, r.KilledBy)
			}
			fixedOrders = true
			defer func() { fixedOrders = false }()
			switch r := run(); {
			case om.byOrder && r.Killed:
				t.Fatalf("%s killed by %v with the fixed orders: the drawn order is not what finds it", om.mutant, r.KilledBy)
			case !om.byOrder && !r.Killed:
				t.Fatalf("%s survived %s with the fixed orders: the exact check should find it in any order", om.mutant, om.only)
			}
		})
	}
}
