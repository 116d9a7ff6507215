package cert

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// mutantScenarios stage, for each mutant, a short run in which the bug
// shows: the same run on the reference and on the mutant must observe
// differently. Each returns what it observed.
var mutantScenarios = map[string]func(t *testing.T, in *Instance) []string{
	"accept-expired-cert": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		in.w.Advance(bank.CertValidity + 24*time.Hour)
		return payObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"payee-skips-tx-signature": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		var obs []string
		for arg := range 12 {
			obs = append(obs, payObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 4, Kind: world.FaultField, Arg: arg}})...)
		}
		return obs
	},
	"payee-forgets-seen-serials": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		clone, err := in.Clone("wallet-A")
		if err != nil {
			t.Fatal(err)
		}
		obs := payObs(in, "wallet-A", "wallet-B", 100, nil)
		return append(obs, payObs(in, clone, "wallet-B", 100, nil)...)
	},
	"registry-drops-lower-conflict": func(t *testing.T, in *Instance) []string {
		// The same double spend reconciled in both orders.
		var obs []string
		for _, order := range [][]int{{0, 1}, {1, 0}} {
			in := newScheme(t, Scheme{Variant: Recovering, mutation: in.mutation})
			mustFund(t, in, "wallet-A", 1000)
			clone, err := in.Clone("wallet-A")
			if err != nil {
				t.Fatal(err)
			}
			payObs(in, "wallet-A", "wallet-B", 100, nil)
			payObs(in, clone, "wallet-C", 100, nil)
			payers := []world.PartyID{"wallet-A", clone}
			mustReconcile(t, in, payers[order[0]], payers[order[1]])
			obs = append(obs, fmt.Sprintf("order %v: %d double spends", order, len(in.Ledger().DoubleSpends)))
		}
		return obs
	},
	"skip-issuer-signature": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		forgeHeld(t, in, "wallet-A")
		return payObs(in, "wallet-A", "wallet-B", 1000, nil)
	},
	"no-write-ahead-log": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		obs := payObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 4, Kind: world.FaultDrop}})
		in.Restart("wallet-A")
		return append(obs, fmt.Sprintf("audit %+v", in.Audit()))
	},
	"no-mail-forwarding": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		obs := payObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 6, Kind: world.FaultDrop}})
		mustReconcile(t, in, "wallet-A", "wallet-B")
		return append(obs, fmt.Sprintf("after reconciliation A %d B %d", in.View("wallet-A").Offline(), in.View("wallet-B").Offline()))
	},
	"limits-not-reset": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 2000)
		for range 10 {
			payObs(in, "wallet-A", "wallet-B", 100, nil)
		}
		mustReconcile(t, in, "wallet-A")
		return payObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"deposit-rounds-down": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 150)
		before := in.View("wallet-A").Account
		v, err := in.Deposit("wallet-A")
		return []string{fmt.Sprintf("deposit %d (%v) credited %d", v, err, in.View("wallet-A").Account-before)}
	},
}

// TestMutantsObservable runs each mutant's scenario on the reference and on
// the mutant and requires a difference (-reference +mutant).
func TestMutantsObservable(t *testing.T) {
	for _, m := range Mutants() {
		t.Run(m.Name, func(t *testing.T) {
			scenario, ok := mutantScenarios[m.Name]
			if !ok {
				t.Skipf("no focused scenario: %s needs a corrupted device (conformance suites stage it)", m.Name)
			}
			ref := scenario(t, newScheme(t, Scheme{Variant: Recovering}))
			got := scenario(t, newScheme(t, Scheme{Variant: Recovering, mutation: m.Name}))
			diff := cmp.Diff(ref, got)
			if diff == "" {
				t.Fatalf("the mutant behaves like the reference: %v", got)
			}
			t.Logf("(-reference +mutant):\n%s", diff)
		})
	}
}

func newScheme(t *testing.T, sc Scheme) *Instance {
	t.Helper()
	in, err := sc.New(world.New(7), models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return in.(*Instance)
}

func mustFund(t *testing.T, in *Instance, w world.PartyID, v int64) {
	t.Helper()
	if err := in.Fund(w, v); err != nil {
		t.Fatal(err)
	}
}

func mustReconcile(t *testing.T, in *Instance, ws ...world.PartyID) {
	t.Helper()
	for _, w := range ws {
		if err := in.Reconcile(w); err != nil {
			t.Fatal(err)
		}
	}
}

// payObs pays and reports what each side saw and the balances after.
func payObs(in *Instance, from, to world.PartyID, v int64, plan world.Plan) []string {
	p, err := in.Pay(from, to, v, plan)
	return []string{fmt.Sprintf("pay %s→%s %d: paid=%v received=%v err=%v, balances %d/%d",
		from, to, v, p.Paid, p.Received, err, in.View(from).Offline(), in.View(to).Offline())}
}

// forgeHeld replaces every coin the wallet holds with the same coin signed by
// a key that is not the issuer's.
func forgeHeld(t *testing.T, in *Instance, w world.PartyID) {
	t.Helper()
	se := in.Own[w]
	k, err := se.S.GenerateKey(in.w.Rand("forger"))
	if err != nil {
		t.Fatal(err)
	}
	puts := map[string][]byte{}
	for key, h := range se.Held {
		root, err := coin.Sign(k, h.Root.Coin)
		if err != nil {
			t.Fatal(err)
		}
		puts[kit.PrefCoin+key] = (&transfer.Holding{Root: root, Chain: h.Chain, Serial: h.Serial}).Marshal()
	}
	se.Dev.Commit(puts, nil)
	se.Recover()
}
