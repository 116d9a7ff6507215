package cert

import (
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

func init() {
	mutantScenarios["payee-accepts-off-table"] = insiderScenario(models.InsiderOffTable, 500, 0, 37, "")
	mutantScenarios["payee-bounds-own-share-only"] = insiderScenario(models.InsiderInflatedChange, 500, 0, 200, "")
	mutantScenarios["payee-skips-coin-holder"] = insiderScenario(models.InsiderNotOwned, 100, 200, 200, "wallet-C")
	mutantScenarios["payee-takes-tx-amount"] = insiderScenario(models.InsiderWrongAmount, 500, 0, 200, "")
}

// insiderScenario funds wallet-A with fund (and other with its own
// withdrawal of that), then hands wallet-A to an insider of kind that pays
// wallet-B amount.
func insiderScenario(kind models.InsiderKind, fund, withdrawn, amount int64, other world.PartyID) func(t *testing.T, in *Instance) []string {
	return func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", fund)
		if other != "" {
			mustFund(t, in, other, withdrawn)
		}
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: kind, Other: other}); err != nil {
			t.Fatal(err)
		}
		return payObs(in, "wallet-A", "wallet-B", amount, nil)
	}
}

// TestInsiderRefused stages every insider payment a TX can carry on the
// reference (and on the literal variant): the payee refuses it with the
// code of the check behind it, stores nothing, and the insider keeps its
// coins.
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
		for _, v := range []Variant{Recovering, Literal} {
			t.Run(string(tc.kind)+"/"+Scheme{Variant: v}.Info().Name, func(t *testing.T) {
				in := newScheme(t, Scheme{Variant: v})
				mustFund(t, in, "wallet-A", tc.fund)
				plan := models.InsiderPlan{Kind: tc.kind}
				if tc.other > 0 {
					mustFund(t, in, "wallet-C", tc.other)
					plan.Other = "wallet-C"
				}
				if tc.kind == models.InsiderOtherPayee {
					plan.Other = "wallet-C"
				}
				if tc.first > 0 {
					if p, err := in.Pay("wallet-A", "wallet-B", tc.first, nil); err != nil || !p.Received {
						t.Fatalf("honest payment first: %+v %v", p, err)
					}
				}
				if err := in.Insider("wallet-A", plan); err != nil {
					t.Fatal(err)
				}
				a, b := in.View("wallet-A").Offline(), in.View("wallet-B").Offline()
				p, err := in.Pay("wallet-A", "wallet-B", tc.amount, nil)
				if err != nil {
					t.Fatal(err)
				}
				var codes []spec.Code
				for _, r := range p.Outcome.Rejections {
					if r.Party == "wallet-B" {
						codes = append(codes, spec.CodeOf(r.Err))
					}
				}
				if p.Received || !slices.Contains(codes, tc.code) {
					t.Fatalf("received=%v, payee refusals %v, want %s", p.Received, codes, tc.code)
				}
				if a2, b2 := in.View("wallet-A").Offline(), in.View("wallet-B").Offline(); a2 != a || b2 != b {
					t.Errorf("offline balances moved: insider %d→%d, payee %d→%d", a, a2, b, b2)
				}
			})
		}
	}
	in := newScheme(t, Scheme{})
	for _, k := range []models.InsiderKind{models.InsiderStaleTime, models.InsiderFutureTime} {
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: k}); spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s on a SIM: %v, want unimplemented", k, err)
		}
	}
	if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderNotOwned, Other: world.PartyID("wallet-B")}); spec.CodeOf(err) != spec.CodeInsufficient {
		t.Errorf("not-owned of a wallet holding nothing: %v, want insufficient", err)
	}
}
