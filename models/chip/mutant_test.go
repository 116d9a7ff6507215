package chip

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// mutantScenarios stage, for each mutant, a short run in which the bug
// shows: the same run on the reference and on the mutant must observe
// differently. Each returns what it observed.
var mutantScenarios = map[string]func(t *testing.T, in *Instance) []string{
	"skip-revocation-check": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		if err := in.cb.Revoke("wallet-A"); err != nil {
			t.Fatal(err)
		}
		mustReconcile(t, in, "wallet-B")
		return payObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	"payer-skips-initiate-signature": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		var obs []string
		for arg := range 4 {
			obs = append(obs, payObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 1, Kind: world.FaultField, Arg: arg}})...)
		}
		return obs
	},
	"forget-spend-on-crash": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		obs := payObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultDrop}})
		in.Restart("wallet-A")
		return append(obs, fmt.Sprintf("A holds %d after restart", in.View("wallet-A").Offline()))
	},
	"evidence-names-payee": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		clone, err := in.Clone("wallet-A")
		if err != nil {
			t.Fatal(err)
		}
		payObs(in, "wallet-A", "wallet-B", 100, nil)
		payObs(in, clone, "wallet-C", 100, nil)
		mustReconcile(t, in, in.Wallets()...)
		var obs []string
		for _, ds := range in.Ledger().DoubleSpends {
			obs = append(obs, "culprit "+ds.Culprit)
		}
		return obs
	},
	"skip-issuer-signature": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		forgeHeld(t, in, "wallet-A")
		return payObs(in, "wallet-A", "wallet-B", 1000, nil)
	},
	"deposit-skips-lineage": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		forgeHeld(t, in, "wallet-A")
		v, err := in.Deposit("wallet-A")
		return []string{fmt.Sprintf("deposit %d %v", v, err != nil)}
	},
	"no-write-ahead-log": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		obs := payObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 2, Kind: world.FaultDrop}})
		in.Restart("wallet-A")
		return append(obs, fmt.Sprintf("audit %+v", in.Audit()))
	},
	"limit-off-by-one": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 2000)
		var obs []string
		for range 11 {
			obs = append(obs, payObs(in, "wallet-A", "wallet-B", 100, nil)...)
		}
		return obs
	},
	"withdraw-debits-less": func(t *testing.T, in *Instance) []string {
		before := in.View("wallet-A").Account
		mustFund(t, in, "wallet-A", 150)
		return []string{fmt.Sprintf("debited %d", before-in.View("wallet-A").Account)}
	},
	"omit-lineage-certs": func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		obs := payObs(in, "wallet-A", "wallet-B", 500, nil)
		return append(obs, payObs(in, "wallet-B", "wallet-C", 500, nil)...)
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
			ref := scenario(t, newScheme(t, Scheme{}))
			got := scenario(t, newScheme(t, Scheme{mutation: m.Name}))
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
// a key that is not the issuer's (what a forger without the issuer key can
// make).
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
		f := &transfer.Holding{Root: root, Chain: h.Chain, Serial: h.Serial}
		puts[kit.PrefCoin+key] = f.Marshal()
	}
	se.Dev.Commit(puts, nil)
	se.Recover()
}
