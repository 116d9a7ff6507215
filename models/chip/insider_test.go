package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

func init() {
	mutantScenarios["payee-skips-output-sum"] = insiderScenario(models.InsiderWrongSum, 100, 0, 200)
	mutantScenarios["payee-checks-stored-serials-only"] = insiderScenario(models.InsiderDuplicateInput, 100, 0, 200)
	mutantScenarios["payee-skips-record-challenge"] = insiderScenario(models.InsiderReusedChallenge, 1000, 100, 200)
	mutantScenarios["payee-skips-amount-check"] = insiderScenario(models.InsiderWrongAmount, 500, 0, 200)
}

// insiderScenario funds wallet-A with fund, has it pay wallet-B first fen
// honestly when first > 0, then hands it to an insider of kind that pays
// wallet-B amount.
func insiderScenario(kind models.InsiderKind, fund, first, amount int64) func(t *testing.T, in *Instance) []string {
	return func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", fund)
		if first > 0 {
			modeltest.PayObs(in, "wallet-A", "wallet-B", first, nil)
		}
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: kind}); err != nil {
			t.Fatal(err)
		}
		return modeltest.PayObs(in, "wallet-A", "wallet-B", amount, nil)
	}
}

// TestInsiderRefused stages every insider payment a card can carry on the
// reference: the payee refuses it with the code of the check behind it,
// stores nothing, and the insider keeps its coins.
func TestInsiderRefused(t *testing.T) {
	for _, tc := range []struct {
		kind               models.InsiderKind
		fund, other, first int64
		amount             int64
		code               spec.Code
	}{
		{models.InsiderWrongSum, 100, 0, 0, 200, spec.CodeValueMismatch},
		{models.InsiderInflatedChange, 500, 0, 0, 200, spec.CodeValueMismatch},
		{models.InsiderOffTable, 500, 0, 0, 37, spec.CodeBadDenomination},
		{models.InsiderDuplicateInput, 100, 0, 0, 150, spec.CodeDoubleSpend},
		{models.InsiderNotOwned, 100, 200, 0, 200, spec.CodeWrongRecipient},
		{models.InsiderReusedChallenge, 1000, 0, 100, 200, spec.CodeReplay},
		{models.InsiderWrongAmount, 500, 0, 0, 200, spec.CodeValueMismatch},
		{models.InsiderOtherPayee, 500, 0, 0, 200, spec.CodeWrongRecipient},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			modeltest.InsiderRefused(t, newScheme(t, Scheme{}), modeltest.InsiderCase{Kind: tc.kind, Fund: tc.fund, Other: tc.other, First: tc.first, Amount: tc.amount, Code: tc.code})
		})
	}
	in := newScheme(t, Scheme{})
	for _, k := range []models.InsiderKind{models.InsiderStaleTime, models.InsiderFutureTime} {
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: k}); spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s on a card: %v, want unimplemented", k, err)
		}
	}
	if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderNotOwned, Other: world.PartyID("wallet-B")}); spec.CodeOf(err) != spec.CodeInsufficient {
		t.Errorf("not-owned of a wallet holding nothing: %v, want insufficient", err)
	}
}
