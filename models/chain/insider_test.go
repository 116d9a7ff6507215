package chain

import (
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
)

func init() {
	mutantScenarios["payee-skips-time-window"] = func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 500)
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderStaleTime}); err != nil {
			t.Fatal(err)
		}
		return payObs(in, "wallet-A", "wallet-B", 100, nil)
	}
}

// TestInsiderRefused stages every insider payment a chain payment can
// carry in its clear fields on the reference: the payee refuses it with
// replay and the insider keeps its coins; the kinds that alter sealed
// inputs are unimplemented.
func TestInsiderRefused(t *testing.T) {
	for _, tc := range []struct {
		kind  models.InsiderKind
		value int64
		first int64
	}{
		{models.InsiderStaleTime, 0, 0},
		{models.InsiderStaleTime, 6 * 60, 0},
		{models.InsiderFutureTime, 6 * 60, 0},
		{models.InsiderReusedChallenge, 0, 100},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			in := newScheme(t, Scheme{})
			mustFund(t, in, "wallet-A", 1000)
			if tc.first > 0 {
				if p, err := in.Pay("wallet-A", "wallet-B", tc.first, nil); err != nil || !p.Received {
					t.Fatalf("honest payment first: %+v %v", p, err)
				}
			}
			if err := in.Insider("wallet-A", models.InsiderPlan{Kind: tc.kind, Value: tc.value}); err != nil {
				t.Fatal(err)
			}
			a := in.View("wallet-A").Offline()
			p, err := in.Pay("wallet-A", "wallet-B", 200, nil)
			if err != nil {
				t.Fatal(err)
			}
			var codes []spec.Code
			for _, r := range p.Outcome.Rejections {
				if r.Party == "wallet-B" {
					codes = append(codes, spec.CodeOf(r.Err))
				}
			}
			if p.Received || !slices.Contains(codes, spec.CodeReplay) {
				t.Fatalf("received=%v, payee refusals %v, want replay", p.Received, codes)
			}
			if a2 := in.View("wallet-A").Offline(); a2 != a {
				t.Errorf("the insider committed its payment: %d → %d", a, a2)
			}
		})
	}
	in := newScheme(t, Scheme{})
	for _, k := range []models.InsiderKind{models.InsiderWrongSum, models.InsiderInflatedChange, models.InsiderOffTable, models.InsiderDuplicateInput, models.InsiderNotOwned} {
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: k}); spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s on a chain wallet: %v, want unimplemented", k, err)
		}
	}
}
