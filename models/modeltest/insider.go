package modeltest

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// HolderInsiderCases are the insider payments a wallet holding certified
// transfer holdings (cert, chip) can carry, each with the code its payee
// refuses it with.
var HolderInsiderCases = []InsiderCase{
	{Kind: models.InsiderWrongSum, Fund: 100, Amount: 200, Code: spec.CodeValueMismatch},
	{Kind: models.InsiderInflatedChange, Fund: 500, Amount: 200, Code: spec.CodeValueMismatch},
	{Kind: models.InsiderOffTable, Fund: 500, Amount: 37, Code: spec.CodeBadDenomination},
	{Kind: models.InsiderDuplicateInput, Fund: 100, Amount: 150, Code: spec.CodeDoubleSpend},
	{Kind: models.InsiderNotOwned, Fund: 100, Other: 200, Amount: 200, Code: spec.CodeWrongRecipient},
	{Kind: models.InsiderReusedChallenge, Fund: 1000, First: 100, Amount: 200, Code: spec.CodeReplay},
	{Kind: models.InsiderWrongAmount, Fund: 500, Amount: 200, Code: spec.CodeValueMismatch},
	{Kind: models.InsiderOtherPayee, Fund: 500, Amount: 200, Code: spec.CodeWrongRecipient},
}

// HolderInsiderRefused runs InsiderRefused for each of HolderInsiderCases
// on a fresh instance from newIn, then requires of one more that the
// kinds such a wallet has no clock for (stale, future time) are
// unimplemented and that a not-owned plan naming a wallet holding
// nothing is refused as insufficient.
func HolderInsiderRefused(t *testing.T, newIn func(t *testing.T) models.Instance) {
	for _, c := range HolderInsiderCases {
		t.Run(string(c.Kind), func(t *testing.T) { InsiderRefused(t, newIn(t), c) })
	}
	in := newIn(t).(models.Insider)
	for _, k := range []models.InsiderKind{models.InsiderStaleTime, models.InsiderFutureTime} {
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: k}); spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s: %v, want unimplemented", k, err)
		}
	}
	if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderNotOwned, Other: world.PartyID("wallet-B")}); spec.CodeOf(err) != spec.CodeInsufficient {
		t.Errorf("not-owned of a wallet holding nothing: %v, want insufficient", err)
	}
}

// InsiderScenario is a mutant scenario (MutantsObservable) staging c as
// InsiderRefused does, without requiring the refusal: what PayObs saw of
// the insider's payment.
func InsiderScenario[I models.Instance](c InsiderCase) func(*testing.T, I) []string {
	return func(t *testing.T, in I) []string {
		stageInsider(t, in, c, func(models.Payment, error) {})
		return PayObs(in, "wallet-A", "wallet-B", c.Amount, nil)
	}
}

// stageInsider funds wallet-A with c.Fund (and wallet-C with c.Other,
// then the plan's other), has A pay wallet-B c.First fen honestly when
// c.First > 0 (first judges that payment), then hands A to the insider
// of c.Kind.
func stageInsider(t *testing.T, in models.Instance, c InsiderCase, first func(models.Payment, error)) {
	MustFund(t, in, "wallet-A", c.Fund)
	plan := models.InsiderPlan{Kind: c.Kind}
	if c.Other > 0 {
		MustFund(t, in, "wallet-C", c.Other)
		plan.Other = "wallet-C"
	}
	if c.Kind == models.InsiderOtherPayee {
		plan.Other = "wallet-C"
	}
	if c.First > 0 {
		first(in.Pay("wallet-A", "wallet-B", c.First, nil))
	}
	if err := in.(models.Insider).Insider("wallet-A", plan); err != nil {
		t.Fatal(err)
	}
}
