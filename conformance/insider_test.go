package conformance

import (
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
)

// insiderKindMutants pairs each insider capability with the public
// mutant only it reaches, and the insider property that kills it.
var insiderKindMutants = []struct {
	kinds    []models.InsiderKind
	mutant   string // scheme~mutation
	property string // the insider property of its requirement that kills it
}{
	{[]models.InsiderKind{models.InsiderWrongSum, models.InsiderInflatedChange}, "chip~payee-skips-output-sum", "R4.3-insider-unbalanced-record-refused"},
	{[]models.InsiderKind{models.InsiderInflatedChange}, "cert~payee-bounds-own-share-only", "R4.3-insider-unbalanced-record-refused"},
	{[]models.InsiderKind{models.InsiderOffTable}, "cert~payee-accepts-off-table", "R6.2-insider-off-table-split-refused"},
	{[]models.InsiderKind{models.InsiderDuplicateInput}, "chip~payee-checks-stored-serials-only", "R2.2-insider-duplicate-input-refused"},
	{[]models.InsiderKind{models.InsiderNotOwned}, "cert~payee-skips-coin-holder", "R1.5-insider-unowned-coin-refused"},
	{[]models.InsiderKind{models.InsiderReusedChallenge}, "chip~payee-skips-record-challenge", "R1.2-insider-stale-session-refused"},
	{[]models.InsiderKind{models.InsiderStaleTime, models.InsiderFutureTime}, "chain~payee-skips-time-window", "R1.2-insider-stale-session-refused"},
	{[]models.InsiderKind{models.InsiderWrongAmount}, "chain~payee-skips-amount-check", "R5.5-insider-terms-settle-or-name-payer"},
	{[]models.InsiderKind{models.InsiderOtherPayee}, "chain~node-skips-payee-match", "R5.5-insider-terms-settle-or-name-payer"},
	// The cards' and SIMs' payees read the terms in the records: their
	// wrong-amount mutants.
	{[]models.InsiderKind{models.InsiderWrongAmount}, "chip~payee-skips-amount-check", "R5.5-insider-terms-settle-or-name-payer"},
	{[]models.InsiderKind{models.InsiderWrongAmount}, "cert~payee-takes-tx-amount", "R5.5-insider-terms-settle-or-name-payer"},
	// Other-payee has no card or SIM mutant: a record naming the third
	// wallet also pays it, so a payee that skips "names me" still refuses
	// on its own total (0 of the amount), and a record paying the payee
	// while naming another breaks the record's rule that every output
	// goes to its payer or payee; chain's node-skips-payee-match covers
	// the kind.
	// cert's TX states an amount apart from the records: the second
	// wrong-amount case states the amount asked, so only the coins' total
	// refuses it.
	{[]models.InsiderKind{models.InsiderWrongAmount}, "cert~payee-skips-coin-total", "R5.5-insider-terms-settle-or-name-payer"},
	// R5.5-insider-payment-settles-or-names-payer's own mutant: the
	// nodes settle an insider's short payment instead of naming it.
	{[]models.InsiderKind{models.InsiderWrongSum}, "chain~node-settles-short-payment", "R5.5-insider-payment-settles-or-names-payer"},
}

// TestInsiderKindsKill checks that each mutant is killed by the insider
// property of its own requirement (that property runs alone: a
// property's verdict does not depend on what else runs), and survives
// every property of the requirement when its kinds are taken out of every
// property: it is the insider's validly signed payment that finds the
// bug, which no tampering reaches. The runs are under GM; the second
// judges the mutant without its base (survives: any fail of the
// requirement kills).
func TestInsiderKindsKill(t *testing.T) {
	byName := map[string]models.Mutant{}
	for _, m := range all.Mutants() {
		byName[m.Scheme.Info().Name] = m
	}
	covered := map[models.InsiderKind]bool{}
	for _, ik := range insiderKindMutants {
		for _, k := range ik.kinds {
			covered[k] = true
		}
	}
	for _, k := range models.InsiderKinds {
		if !covered[k] {
			t.Errorf("insider kind %s has no mutant in insiderKindMutants", k)
		}
	}
	if testing.Short() {
		t.Skip("-short: each run scores a mutant on its whole requirement; TestMutantsObservable in each scheme shows the bugs at model level")
	}
	// The kills run side by side with nothing taken out; the survivals
	// then one at a time, since insiderOff is global: every Check running
	// beside one would see its kinds gone.
	kills := &killer{}
	// The kill needs only the property that must make it; the survival,
	// every property of the requirement.
	opts := func(only string) Options { return Options{Checks: 10, Only: []string{only}} }
	killed := make([]bool, len(insiderKindMutants))
	t.Run("kill", func(t *testing.T) {
		for i, ik := range insiderKindMutants {
			t.Run(ik.mutant, func(t *testing.T) {
				t.Parallel()
				m, ok := byName[ik.mutant]
				if !ok {
					t.Fatalf("no mutant %s in all.Mutants()", ik.mutant)
				}
				if r := kills.kill(t, m, opts(ik.property)); !slices.Contains(r.KilledBy, ik.property) {
					t.Fatalf("%s not killed by %s with the insider staging %v: killed=%v by %v", ik.mutant, ik.property, ik.kinds, r.Killed, r.KilledBy)
				} else {
					t.Logf("%s killed by %v", ik.mutant, r.KilledBy)
				}
				killed[i] = true
			})
		}
	})
	t.Run("survive", func(t *testing.T) {
		for i, ik := range insiderKindMutants {
			t.Run(ik.mutant, func(t *testing.T) {
				if !killed[i] {
					t.Skipf("%s was not killed by %s (kill/%s failed): its survival with %v taken out would show nothing", ik.mutant, ik.property, ik.mutant, ik.kinds)
				}
				m := byName[ik.mutant]
				defer insiderOff.add(ik.kinds...)()
				if r := survives(t, m, opts(string(m.Breaks))); r.Killed {
					t.Fatalf("%s killed by %v with %v switched off: the insider is not what finds it", ik.mutant, r.KilledBy, ik.kinds)
				}
			})
		}
	})
}
