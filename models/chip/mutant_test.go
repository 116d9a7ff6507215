package chip

import (
	"fmt"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// mutantScenarios stage, for each mutant, a short run in which the bug
// shows: the same run on the reference and on the mutant must observe
// differently. Each returns what it observed.
var mutantScenarios = map[string]func(t *testing.T, in *Instance) []string{
	"skip-revocation-check": func(t *testing.T, in *Instance) []string {
		return modeltest.RevokedPayer(t, in, modeltest.PayObs, in.cb.Revoke)
	},
	"payer-skips-initiate-signature": func(t *testing.T, in *Instance) []string {
		return modeltest.TamperedFields(t, in, modeltest.PayObs, 1, 4) // INITIATE
	},
	"forget-spend-on-crash": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultDrop}})
		in.Restart("wallet-A")
		return append(obs, fmt.Sprintf("A holds %d after restart", in.View("wallet-A").Offline()))
	},
	"evidence-names-payee": func(t *testing.T, in *Instance) []string {
		modeltest.DoubleSpent(t, in, modeltest.PayObs)
		modeltest.MustReconcile(t, in, in.Wallets()...)
		var obs []string
		for _, ds := range in.Ledger().DoubleSpends {
			obs = append(obs, "culprit "+ds.Culprit)
		}
		return obs
	},
	"skip-issuer-signature": func(t *testing.T, in *Instance) []string { return modeltest.PaysForged(t, in, &in.Table) },
	"deposit-skips-lineage": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		modeltest.ForgeHeld(t, &in.Table, "wallet-A")
		v, err := in.Deposit("wallet-A")
		return []string{fmt.Sprintf("deposit %d %v", v, err != nil)}
	},
	"no-write-ahead-log": func(t *testing.T, in *Instance) []string {
		return modeltest.LostAfterCommit(t, in, modeltest.PayObs, 2) // the TRANSFER
	},
	"limit-off-by-one": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 2000)
		var obs []string
		for range 11 {
			obs = append(obs, modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)...)
		}
		return obs
	},
	"withdraw-debits-less": func(t *testing.T, in *Instance) []string {
		before := in.View("wallet-A").Account
		modeltest.MustFund(t, in, "wallet-A", 150)
		return []string{fmt.Sprintf("debited %d", before-in.View("wallet-A").Account)}
	},
	"omit-lineage-certs": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 500, nil)
		return append(obs, modeltest.PayObs(in, "wallet-B", "wallet-C", 500, nil)...)
	},

	// The insider's mutants: its payment, which the reference refuses.
	"payee-skips-output-sum":                   insider(modeltest.InsiderCase{Kind: models.InsiderWrongSum, Fund: 100, Amount: 200}),
	"payee-checks-stored-serials-only":         insider(modeltest.InsiderCase{Kind: models.InsiderDuplicateInput, Fund: 100, Amount: 200}),
	"payee-skips-record-challenge":             insider(modeltest.InsiderCase{Kind: models.InsiderReusedChallenge, Fund: 1000, First: 100, Amount: 200}),
	"payee-checks-challenge-first-record-only": insider(modeltest.InsiderCase{Kind: models.InsiderReusedChallenge, Fund: 1000, First: 100, Amount: 200}),
	"payee-skips-amount-check":                 insider(modeltest.InsiderCase{Kind: models.InsiderWrongAmount, Fund: 500, Amount: 200}),

	// The last bit of CONFIRM's first field, the challenge: the reference
	// refuses the acknowledgement (the payer stays unacknowledged), the
	// mutant takes it.
	// The outside tester's mutants: the last of eleven payments whose
	// CONFIRMs are lost; a payment whose DONE is lost, then the payee's
	// power cycle; a payment whose TRANSFER is lost, the payer's power
	// cycle and its next payment.
	"payer-counts-payment-on-ack": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 2000)
		for range 10 {
			modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultDrop}})
		}
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"payee-commits-on-done": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 4, Kind: world.FaultDrop}})
		in.Restart("wallet-B")
		return append(obs, fmt.Sprintf("B holds %d after restart", in.View("wallet-B").Offline()))
	},
	"record-counter-volatile": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 2, Kind: world.FaultDrop}})
		in.Restart("wallet-A")
		obs = append(obs, modeltest.PayObs(in, "wallet-A", "wallet-C", 100, nil)...)
		return append(obs, fmt.Sprintf("audit %+v", in.Audit()))
	},

	// A payment whose TRANSFER is lost reaches the payee by mail; the
	// payer's clone repeats it: the reference refuses the repeat, the
	// mutant takes it.
	"mail-credit-forgets-seen": func(t *testing.T, in *Instance) []string {
		return modeltest.RepeatedToPayee(t, in, modeltest.PayObs, 1000, world.Plan{{Step: 2, Kind: world.FaultDrop}}, "wallet-A", "wallet-B")
	},

	"confirm-matches-challenge-short": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultFieldFlip, Arg: 16 * 127}})
	},
}

// TestMutantsObservable runs each mutant's scenario on the reference and on
// the mutant and requires a difference (-reference +mutant).
func TestMutantsObservable(t *testing.T) {
	modeltest.MutantsObservable(t, Mutants(), mutantScenarios, func(t *testing.T, m string) *Instance { return newScheme(t, Scheme{mutation: m}) })
}

func newScheme(t *testing.T, sc Scheme) *Instance { return modeltest.New(t, sc, 7, nil).(*Instance) }
