package chain

import (
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
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
			codes := modeltest.Refusals(p, "wallet-B")
			if p.Received || !slices.Contains(codes, spec.CodeReplay) {
				t.Fatalf("received=%v, payee refusals %v, want replay", p.Received, codes)
			}
			if a2 := in.View("wallet-A").Offline(); a2 != a {
				t.Errorf("the insider committed its payment: %d → %d", a, a2)
			}
		})
	}
	in := newScheme(t, Scheme{})
	for _, k := range []models.InsiderKind{models.InsiderInflatedChange, models.InsiderOffTable} {
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: k}); spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s on a chain wallet: %v, want unimplemented", k, err)
		}
	}
}

// TestInsiderSealedInputs stages the insider payments whose fault is in
// the sealed inputs: the payee cannot see it and accepts offline (the
// documented violation, sealedInputs), and the master nodes refuse the
// payment, so once everyone reconciled nothing moved.
func TestInsiderSealedInputs(t *testing.T) {
	for _, tc := range []struct {
		kind   models.InsiderKind
		amount int64
	}{
		{models.InsiderWrongSum, 200},
		{models.InsiderDuplicateInput, 200},
		{models.InsiderNotOwned, 200},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			in := newScheme(t, Scheme{})
			mustFund(t, in, "wallet-A", 100)
			mustFund(t, in, "wallet-C", 200)
			if err := in.Insider("wallet-A", models.InsiderPlan{Kind: tc.kind, Other: "wallet-C"}); err != nil {
				t.Fatal(err)
			}
			before := map[string]int64{}
			for _, w := range in.Wallets() {
				before[string(w)] = in.View(w).Offline() + in.View(w).Account
			}
			p, err := in.Pay("wallet-A", "wallet-B", tc.amount, nil)
			if err != nil || !p.Received {
				t.Fatalf("the payee refused what it cannot see: %+v %v", p, err)
			}
			mustReconcile(t, in, in.Wallets()...)
			mustReconcile(t, in, in.Wallets()...)
			for _, w := range in.Wallets() {
				if got := in.View(w).Offline() + in.View(w).Account; got != before[string(w)] {
					t.Errorf("%s: worth %d → %d: the chain took the payment", w, before[string(w)], got)
				}
			}
		})
	}
}
