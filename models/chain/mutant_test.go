package chain

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
	"payee-skips-signature": func(t *testing.T, in *Instance) []string {
		return modeltest.TamperedFields(t, in, payObs, 2, 10) // the payment QR
	},
	"payee-skips-cert-verify": func(t *testing.T, in *Instance) []string {
		return modeltest.RevokedPayer(t, in, payObs, in.cb.Revoke)
	},
	"flag-only-later-id": func(t *testing.T, in *Instance) []string {
		// The same double spend uploaded in both orders.
		var obs []string
		for _, first := range []int{0, 1} {
			in := newScheme(t, Scheme{mutation: in.mutation})
			modeltest.DoubleSpent(t, in, payObs)
			payees := []world.PartyID{"wallet-B", "wallet-C"}
			mustReconcile(t, in, payees[first], payees[1-first])
			obs = append(obs, fmt.Sprintf("%s first: %d double spends", payees[first], len(in.DoubleSpends())))
		}
		return obs
	},
	"evidence-repeats-first": func(t *testing.T, in *Instance) []string {
		modeltest.DoubleSpent(t, in, payObs)
		mustReconcile(t, in, "wallet-B", "wallet-C")
		var obs []string
		for _, ds := range in.DoubleSpends() {
			culprit, err := in.VerifyEvidence(ds)
			obs = append(obs, fmt.Sprintf("evidence names %s, verifies as %q (%v)", ds.Culprit, culprit, err != nil))
		}
		return obs
	},
	"trace-reads-payee": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		payObs(in, "wallet-A", "wallet-B", 100, nil)
		mustReconcile(t, in, "wallet-B")
		var obs []string
		for _, tr := range in.TraceReceived("wallet-B") {
			obs = append(obs, fmt.Sprintf("traced %q (%v)", tr.Payer, tr.Err))
		}
		return obs
	},
	"no-write-ahead-log": func(t *testing.T, in *Instance) []string {
		return modeltest.LostAfterCommit(t, in, payObs, 2) // the payment QR
	},
	"limits-not-reset": func(t *testing.T, in *Instance) []string {
		return modeltest.LimitsAfterSync(t, in, payObs)
	},

	// The outside tester's mutants a short run shows: a revoked payer
	// after the payee synced; a revoked payee after the payer synced;
	// eleven payments, with a power cycle before the last; a double
	// spend's evidence.
	"sync-keeps-old-crl": func(t *testing.T, in *Instance) []string {
		return modeltest.RevokedPayer(t, in, payObs, in.cb.Revoke)
	},
	"payer-skips-blacklist": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		if err := in.cb.Revoke("wallet-B"); err != nil {
			t.Fatal(err)
		}
		modeltest.MustReconcile(t, in, "wallet-A")
		return payObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"limit-count-off-by-one": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 2000)
		var obs []string
		for range 11 {
			obs = append(obs, payObs(in, "wallet-A", "wallet-B", 100, nil)...)
		}
		return obs
	},
	"limits-volatile": func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 2000)
		for range 10 {
			payObs(in, "wallet-A", "wallet-B", 100, nil)
		}
		in.Restart("wallet-A")
		return payObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"evidence-names-payee": func(t *testing.T, in *Instance) []string {
		modeltest.DoubleSpent(t, in, payObs)
		mustReconcile(t, in, "wallet-B", "wallet-C")
		var obs []string
		for _, ds := range in.DoubleSpends() {
			obs = append(obs, "culprit "+ds.Culprit)
		}
		return obs
	},
}

// TestMutantsObservable runs each mutant's scenario on the reference and on
// the mutant and requires a difference (-reference +mutant).
func TestMutantsObservable(t *testing.T) {
	modeltest.MutantsObservable(t, Mutants(), mutantScenarios, func(t *testing.T, m string) *Instance { return newScheme(t, Scheme{mutation: m}) })
}

func newScheme(t *testing.T, sc Scheme) *Instance { return modeltest.New(t, sc, 7, nil).(*Instance) }

var (
	mustFund      = modeltest.MustFund
	mustReconcile = modeltest.MustReconcile
)

// payObs pays and reports what each side saw and the balances after
// (modeltest.Obs), with what the payee awaits (in is a chain *Instance).
func payObs(in models.Instance, from, to world.PartyID, v int64, plan world.Plan) []string {
	p, err := in.Pay(from, to, v, plan)
	return []string{fmt.Sprintf("pay %s→%s %d: paid=%v received=%v err=%v, balances %d/%d awaiting %d",
		from, to, v, p.Paid, p.Received, err, in.View(from).Offline(), in.View(to).Offline(), in.(*Instance).Awaiting(to))}
}
