package cert

import (
	"fmt"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// mutantScenarios stage, for each mutant, a short run in which the bug
// shows: the same run on the reference and on the mutant must observe
// differently. Each returns what it observed.
var mutantScenarios = map[string]func(t *testing.T, in *Instance) []string{
	"accept-expired-cert": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		in.w.Advance(bank.CertValidity + 24*time.Hour)
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	// The outside tester's limit mutants: ten payments, a power cycle and
	// an eleventh; two payments that reach the cumulative limit exactly.
	"limits-volatile": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 2000)
		for range 10 {
			modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)
		}
		in.Restart("wallet-A")
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"limit-refuses-at-limit": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 60000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 25000, nil)
		return append(obs, modeltest.PayObs(in, "wallet-A", "wallet-B", 25000, nil)...)
	},
	"payee-skips-tx-signature": func(t *testing.T, in *Instance) []string {
		return modeltest.TamperedFields(t, in, modeltest.PayObs, 4, 12) // the TX
	},
	"payee-forgets-seen-serials": func(t *testing.T, in *Instance) []string {
		return modeltest.RepeatedToPayee(t, in, modeltest.PayObs, 1000, nil)
	},
	// A payment whose DEDUCTED is lost reaches the payee by mail; the
	// payer's clone repeats it: the reference refuses the repeat, the
	// mutant takes it.
	"mail-credit-forgets-seen": func(t *testing.T, in *Instance) []string {
		return modeltest.RepeatedToPayee(t, in, modeltest.PayObs, 1000, world.Plan{{Step: 6, Kind: world.FaultDrop}}, "wallet-A", "wallet-B")
	},
	"registry-drops-lower-conflict": func(t *testing.T, in *Instance) []string {
		// The same double spend reconciled in both orders.
		var obs []string
		for _, order := range [][]int{{0, 1}, {1, 0}} {
			in := newScheme(t, Scheme{Variant: Recovering, mutation: in.mutation})
			clone := modeltest.DoubleSpent(t, in, modeltest.PayObs)
			payers := []world.PartyID{"wallet-A", clone}
			modeltest.MustReconcile(t, in, payers[order[0]], payers[order[1]])
			obs = append(obs, fmt.Sprintf("order %v: %d double spends", order, len(in.Ledger().DoubleSpends)))
		}
		return obs
	},
	"skip-issuer-signature": func(t *testing.T, in *Instance) []string { return modeltest.PaysForged(t, in, &in.Table) },
	"no-write-ahead-log": func(t *testing.T, in *Instance) []string {
		return modeltest.LostAfterCommit(t, in, modeltest.PayObs, 4) // the TX
	},
	"no-mail-forwarding": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 6, Kind: world.FaultDrop}})
		modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
		return append(obs, fmt.Sprintf("after reconciliation A %d B %d", in.View("wallet-A").Offline(), in.View("wallet-B").Offline()))
	},
	"limits-not-reset": func(t *testing.T, in *Instance) []string {
		return modeltest.LimitsAfterSync(t, in, modeltest.PayObs)
	},
	"deposit-rounds-down": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 150)
		before := in.View("wallet-A").Account
		v, err := in.Deposit("wallet-A")
		return []string{fmt.Sprintf("deposit %d (%v) credited %d", v, err, in.View("wallet-A").Account-before)}
	},

	// The insider's mutants: its payment, which the reference refuses.
	"payee-accepts-off-table":              insider(modeltest.InsiderCase{Kind: models.InsiderOffTable, Fund: 500, Amount: 37}),
	"payee-bounds-own-share-only":          insider(modeltest.InsiderCase{Kind: models.InsiderInflatedChange, Fund: 500, Amount: 200}),
	"payee-skips-coin-holder":              insider(modeltest.InsiderCase{Kind: models.InsiderNotOwned, Fund: 100, Other: 200, Amount: 200}),
	"payee-takes-tx-amount":                insider(modeltest.InsiderCase{Kind: models.InsiderWrongAmount, Fund: 500, Amount: 200}),
	"payee-checks-nonce-first-record-only": insider(modeltest.InsiderCase{Kind: models.InsiderReusedChallenge, Fund: 1000, First: 100, Amount: 200}),
	// A TX stating the amount asked whose records pay less
	// (TestInsiderStatesAsked).
	"payee-skips-coin-total": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 500)
		if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderWrongAmount, StatesAsked: true}); err != nil {
			t.Fatal(err)
		}
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 200, nil)
	},
}

// TestMutantsObservable runs each mutant's scenario on the reference and on
// the mutant and requires a difference (-reference +mutant).
func TestMutantsObservable(t *testing.T) {
	modeltest.MutantsObservable(t, Mutants(), mutantScenarios, func(t *testing.T, m string) *Instance { return newScheme(t, Scheme{Variant: Recovering, mutation: m}) })
}

func newScheme(t *testing.T, sc Scheme) *Instance { return modeltest.New(t, sc, 7, nil).(*Instance) }
