package chain

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

func init() {
	// Each scenario: an insider payment the mutant lets through, then
	// everyone reconciles twice; what each wallet is worth and who is
	// named.
	terms := func(plan models.InsiderPlan, fund int64) func(t *testing.T, in *Instance) []string {
		return func(t *testing.T, in *Instance) []string {
			mustFund(t, in, "wallet-A", fund)
			if err := in.Insider("wallet-A", plan); err != nil {
				t.Fatal(err)
			}
			obs := payObs(in, "wallet-A", "wallet-B", 200, nil)
			return append(obs, settled(t, in)...)
		}
	}
	mutantScenarios["payee-skips-amount-check"] = terms(models.InsiderPlan{Kind: models.InsiderWrongAmount, Value: 100}, 500)
	mutantScenarios["node-skips-payee-match"] = terms(models.InsiderPlan{Kind: models.InsiderOtherPayee, Other: "wallet-C"}, 500)
	mutantScenarios["node-settles-short-payment"] = terms(models.InsiderPlan{Kind: models.InsiderWrongSum}, 100)
}

// settled has every wallet reconcile twice and reports each wallet's
// worth and the culprits the evidence names.
func settled(t *testing.T, in *Instance) []string {
	t.Helper()
	mustReconcile(t, in, in.Wallets()...)
	mustReconcile(t, in, in.Wallets()...)
	var obs []string
	for _, w := range in.Wallets() {
		obs = append(obs, fmt.Sprintf("%s worth %d", w, in.View(w).Offline()+in.View(w).Account))
	}
	for _, ds := range in.DoubleSpends() {
		obs = append(obs, "named "+ds.Culprit)
	}
	return obs
}

// TestInsiderTerms stages the insider payments whose amount or payee is
// not what the payee asked. On chain the payee refuses another amount
// offline (value-mismatch) and the master nodes refuse a payment sealed
// to another payee than its clear one, naming the insider with evidence
// that verifies; on chain-literal the payee can check neither, takes
// both, and is credited less or nothing with nobody named (its
// documented R5.5 violation).
func TestInsiderTerms(t *testing.T) {
	for _, tc := range []struct {
		literal  bool
		kind     models.InsiderKind
		received bool
		gain     int64 // the payee's, once everyone reconciled
		named    bool
	}{
		{false, models.InsiderWrongAmount, false, 0, false},
		{false, models.InsiderOtherPayee, true, 0, true},
		{true, models.InsiderWrongAmount, true, 100, false},
		{true, models.InsiderOtherPayee, true, 0, false},
	} {
		t.Run(fmt.Sprintf("literal=%v/%s", tc.literal, tc.kind), func(t *testing.T) {
			in := newScheme(t, Scheme{Literal: tc.literal})
			mustFund(t, in, "wallet-A", 500)
			worth := func(w world.PartyID) int64 { return in.View(w).Offline() + in.View(w).Account }
			b0, c0 := worth("wallet-B"), worth("wallet-C")
			if err := in.Insider("wallet-A", models.InsiderPlan{Kind: tc.kind, Value: 100, Other: "wallet-C"}); err != nil {
				t.Fatal(err)
			}
			p, err := in.Pay("wallet-A", "wallet-B", 200, nil)
			if err != nil {
				t.Fatal(err)
			}
			var codes []spec.Code
			for _, r := range p.Outcome.Rejections {
				codes = append(codes, spec.CodeOf(r.Err))
			}
			if p.Received != tc.received || !tc.received && !slices.Contains(codes, spec.CodeValueMismatch) {
				t.Fatalf("received=%v refusals %v, want received=%v (or value-mismatch)", p.Received, codes, tc.received)
			}
			if err := in.Insider("wallet-A", models.InsiderPlan{}); err != nil {
				t.Fatal(err)
			}
			settled(t, in)
			var named []string
			for _, ds := range in.DoubleSpends() {
				culprit, err := in.VerifyEvidence(ds)
				if err != nil || culprit != ds.Culprit {
					t.Errorf("evidence against %s verifies as %q: %v", ds.Culprit, culprit, err)
				}
				named = append(named, ds.Culprit)
			}
			want := []string(nil)
			if tc.named {
				want = []string{in.View("wallet-A").Identity}
			}
			if diff := cmp.Diff(want, named); diff != "" {
				t.Errorf("named (-want +got):\n%s", diff)
			}
			if got := worth("wallet-B") - b0; got != tc.gain {
				t.Errorf("the payee gained %d fen, want %d", got, tc.gain)
			}
			if got := worth("wallet-C") - c0; got != 0 {
				t.Errorf("the third wallet gained %d fen", got)
			}
		})
	}
}
