package chain

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// genPlan draws up to two benign faults at steps 1..3.
var genPlan = modeltest.Plans{Kinds: modeltest.BenignFaults, Steps: 3, Args: 2}.Draw

// Property (R5.2, R2.1, R6.6): under any sequence of withdrawals, payments
// with benign faults (loss, duplication, reordering, delay, power cuts at
// any write), reconciliations, deposits, restarts, partitions of the
// master nodes and their healing, by honest wallets, value is conserved
// after every operation, no offline limit is exceeded and no double spend
// is ever flagged. Once the backbone is healed and every wallet has
// reconciled twice, nothing is pending or in the mail.
func TestConservationProperty(t *testing.T) {
	modeltest.Conservation(t, Scheme{}, modeltest.Conserve{
		Plan: genPlan,
		Ops: func(mi models.Instance) map[string]func(*rapid.T) {
			in := mi.(*Instance)
			return map[string]func(*rapid.T){
				"partition": func(t *rapid.T) {
					cut := rapid.IntRange(1, 3).Draw(t, "cut")
					in.Partition([]int{0, 1, 2, 3}[:cut], []int{0, 1, 2, 3}[cut:])
					checkBalanced(t, in, "partition")
				},
				"heal": func(t *rapid.T) {
					in.Heal()
					checkBalanced(t, in, "heal")
				},
			}
		},
		Finally: func(t *rapid.T, mi models.Instance) {
			in := mi.(*Instance)
			in.Heal()
			for range 2 {
				for _, w := range in.Wallets() {
					if err := in.Reconcile(w); err != nil {
						t.Fatal(err)
					}
				}
			}
			checkBalanced(t, in, "the final reconciliations")
			if a := in.Audit(); a.Pending != 0 || a.Mail != 0 {
				t.Fatalf("value still in flight after every wallet reconciled twice: %+v", a)
			}
		},
	})
}

// total is a wallet's whole value: its spendable coins, the payments it
// received that are not final yet, and its account.
func total(in *Instance, w world.PartyID) int64 {
	v := in.View(w)
	return v.Offline() + in.Awaiting(w) + v.Account
}

// R5.1, R5.6, exhaustively: a power cut before, at every write of and
// after every step of a payment, on either wallet, and the loss of each
// message; once both sides have uploaded and k blocks have passed, either
// both are in the post-state or both in the pre-state, nothing is pending,
// and no one is flagged.
func TestCrashAtEveryPoint(t *testing.T) {
	modeltest.CrashAtEveryPoint(t, Scheme{}, modeltest.Crash{
		// 2 steps: before, at its one write and after each, and 2 losses.
		Points: 8,
		Total:  func(in models.Instance, w world.PartyID) int64 { return total(in.(*Instance), w) },
		Settled: func(mi models.Instance) string {
			in := mi.(*Instance)
			if in.Awaiting("wallet-B") != 0 || len(in.View("wallet-A").Pending) != 0 {
				return "a payment is still unsettled after both reconciled"
			}
			return ""
		},
	})
}

// The same seed gives a byte-identical trace, faults and forks included;
// another seed another trace.
func TestTraceDeterministic(t *testing.T) {
	modeltest.TraceDeterministic(t, func(seed uint64) models.Instance { return newInstance(t, seed) }, func(mi models.Instance) {
		in := mi.(*Instance)
		in.Fund("wallet-A", 2000)
		in.Pay("wallet-A", "wallet-B", 730, world.Plan{{Step: 2, Kind: world.FaultCrashAt, Arg: 0}})
		in.Pay("wallet-A", "wallet-C", 120, world.Plan{{Step: 2, Kind: world.FaultField, Arg: 3}})
		in.Partition([]int{0, 1}, []int{2, 3})
		in.Reconcile("wallet-A")
		in.Reconcile("wallet-C")
		in.Heal()
		in.Reconcile("wallet-B")
	})
}

// R2.1, R5.2 online: a power cut at every write a wallet makes while it
// withdraws, reconciles or deposits leaves value conserved (what the
// wallet lost is on the chain, in the mail), and a second reconciliation
// completes what the first began: nothing pending, nothing flagged, the
// wallet's total as if no power was lost.
func TestCrashOnline(t *testing.T) {
	setup := func() *Instance {
		in := newInstance(t, 9)
		modeltest.MustFund(t, in, "wallet-A", 1000)
		in.Pay("wallet-A", "wallet-B", 230, nil)
		return in
	}
	ops := []struct {
		name string
		op   func(in *Instance) error
	}{
		{"fund", func(in *Instance) error { return in.Fund("wallet-B", 500) }},
		{"reconcile", func(in *Instance) error { return in.Reconcile("wallet-B") }},
		{"deposit", func(in *Instance) error { _, err := in.Deposit("wallet-B"); return err }},
	}
	for _, o := range ops {
		name, op := o.name, o.op
		clean := setup()
		dev := clean.World().Device("wallet-B")
		w0 := dev.Writes()
		if err := op(clean); err != nil {
			t.Fatal(err)
		}
		want := total(clean, "wallet-B")
		writes := dev.Writes() - w0
		if writes == 0 {
			t.Fatalf("%s: no writes", name)
		}
		for n := 0; n < writes; n++ {
			t.Run(fmt.Sprintf("%s/write%d", name, n), func(t *testing.T) {
				in := setup()
				in.World().Device("wallet-B").ArmCrash(n)
				if err := op(in); err == nil {
					t.Fatal("no crash")
				}
				checkBalanced(t, in, "the crash")
				modeltest.MustReconcile(t, in, "wallet-B")
				if name == "deposit" {
					if _, err := in.Deposit("wallet-B"); err != nil {
						t.Fatal(err)
					}
				}
				checkBalanced(t, in, "recovery")
				if got := total(in, "wallet-B"); got != want {
					t.Fatalf("B's total %d, want %d", got, want)
				}
				if a := in.Audit(); a.Pending != 0 || a.Mail != 0 || len(in.Ledger().DoubleSpends) != 0 {
					t.Fatalf("after recovery: %+v %v", a, in.Ledger().DoubleSpends)
				}
			})
		}
	}
}
