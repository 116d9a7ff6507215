package chain

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// benignFaults are the faults of the honest and crash profiles: loss,
// duplication, reordering, delay and power cuts, never forgery.
var benignFaults = []world.FaultKind{
	world.FaultDrop, world.FaultDuplicate, world.FaultReorder, world.FaultDelay,
	world.FaultCrashBefore, world.FaultCrashAt, world.FaultCrashAfter,
}

func genPlan(t *rapid.T) world.Plan {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) world.Fault {
		return world.Fault{
			Step: rapid.IntRange(1, 3).Draw(t, "step"),
			Kind: rapid.SampledFrom(benignFaults).Draw(t, "kind"),
			Arg:  rapid.IntRange(0, 2).Draw(t, "arg"),
		}
	}), 0, 2).Draw(t, "plan")
}

// Property (R5.2, R2.1, R6.6): under any sequence of withdrawals, payments
// with benign faults (loss, duplication, reordering, delay, power cuts at
// any write), reconciliations, deposits, restarts, partitions of the
// master nodes and their healing, by honest wallets, value is conserved
// after every operation, no offline limit is exceeded and no double spend
// is ever flagged. Once the backbone is healed and every wallet has
// reconciled twice, nothing is pending or in the mail.
func TestConservationProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SampledFrom(suite.All()).Draw(t, "suite")
		in := newInstanceSuite(t, rapid.Uint64().Draw(t, "seed"), s)
		wallets := in.Wallets()
		pick := rapid.SampledFrom(wallets)
		amount := rapid.Int64Range(1, 30000)
		t.Repeat(map[string]func(*rapid.T){
			"fund": func(t *rapid.T) {
				_ = in.Fund(pick.Draw(t, "wallet"), amount.Draw(t, "amount"))
				checkBalanced(t, in, "fund")
			},
			"pay": func(t *rapid.T) {
				p, q := pick.Draw(t, "payer"), pick.Draw(t, "payee")
				if p == q {
					t.Skip("a wallet does not pay itself")
				}
				_, _ = in.Pay(p, q, amount.Draw(t, "amount"), genPlan(t))
				checkBalanced(t, in, "pay")
			},
			"reconcile": func(t *rapid.T) {
				_ = in.Reconcile(pick.Draw(t, "wallet"))
				checkBalanced(t, in, "reconcile")
			},
			"deposit": func(t *rapid.T) {
				_, _ = in.Deposit(pick.Draw(t, "wallet"))
				checkBalanced(t, in, "deposit")
			},
			"restart": func(t *rapid.T) {
				in.Restart(pick.Draw(t, "wallet"))
				checkBalanced(t, in, "restart")
			},
			"partition": func(t *rapid.T) {
				cut := rapid.IntRange(1, 3).Draw(t, "cut")
				in.Partition([]int{0, 1, 2, 3}[:cut], []int{0, 1, 2, 3}[cut:])
				checkBalanced(t, in, "partition")
			},
			"heal": func(t *rapid.T) {
				in.Heal()
				checkBalanced(t, in, "heal")
			},
			"": func(t *rapid.T) {
				for _, w := range wallets {
					v := in.View(w)
					if v.Spent > bank.DefaultLimits.Cumulative || v.Payments > bank.DefaultLimits.Count {
						t.Fatalf("%s spent %d fen in %d payments offline, over the limits", w, v.Spent, v.Payments)
					}
				}
				if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
					t.Fatalf("honest wallets flagged: %v", ds)
				}
			},
		})
		in.Heal()
		for range 2 {
			for _, w := range wallets {
				if err := in.Reconcile(w); err != nil {
					t.Fatal(err)
				}
			}
		}
		checkBalanced(t, in, "the final reconciliations")
		if a := in.Audit(); a.Pending != 0 || a.Mail != 0 {
			t.Fatalf("value still in flight after every wallet reconciled twice: %+v", a)
		}
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
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			setup := func() *Instance {
				in := newInstanceSuite(t, 7, s)
				if err := in.Fund("wallet-A", 1000); err != nil {
					t.Fatal(err)
				}
				return in
			}
			clean, err := setup().Pay("wallet-A", "wallet-B", 230, nil)
			if err != nil || !clean.Paid || !clean.Received {
				t.Fatalf("clean run: %+v %v", clean, err)
			}
			points := append(world.CrashPoints(clean.Outcome), world.LossPoints(clean.Outcome)...)
			// 2 steps: before, at its one write and after each, and 2 losses.
			if len(points) != 8 {
				t.Fatalf("%d fault points in a %d-step payment: %v", len(points), clean.Outcome.Steps, points)
			}
			for _, order := range [][]world.PartyID{{"wallet-A", "wallet-B"}, {"wallet-B", "wallet-A", "wallet-B"}} {
				for _, f := range points {
					t.Run(fmt.Sprintf("%v/%v", f, order), func(t *testing.T) {
						in := setup()
						a0, b0 := total(in, "wallet-A"), total(in, "wallet-B")
						if _, err := in.Pay("wallet-A", "wallet-B", 230, world.Plan{f}); err != nil {
							t.Fatal(err)
						}
						checkBalanced(t, in, "the faulty payment")
						for _, w := range order {
							if err := in.Reconcile(w); err != nil {
								t.Fatal(err)
							}
						}
						checkBalanced(t, in, "reconciliation")
						da, db := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0
						pre, post := da == 0 && db == 0, da == -230 && db == 230
						if !pre && !post {
							t.Fatalf("payer moved %d, payee %d: neither both pre- nor both post-state", da, db)
						}
						if len(in.Ledger().DoubleSpends) > 0 {
							t.Fatal("an honest wallet was flagged")
						}
						if a := in.Audit(); a.Pending != 0 || a.Mail != 0 {
							t.Fatalf("value still in flight after both reconciled: %+v", a)
						}
						if in.Awaiting("wallet-B") != 0 || len(in.View("wallet-A").Pending) != 0 {
							t.Fatal("a payment is still unsettled after both reconciled")
						}
					})
				}
			}
		})
	}
}

// The same seed gives a byte-identical trace, faults and forks included;
// another seed another trace.
func TestTraceDeterministic(t *testing.T) {
	run := func(seed uint64) []byte {
		in := newInstance(t, seed)
		in.Fund("wallet-A", 2000)
		in.Pay("wallet-A", "wallet-B", 730, world.Plan{{Step: 2, Kind: world.FaultCrashAt, Arg: 0}})
		in.Pay("wallet-A", "wallet-C", 120, world.Plan{{Step: 2, Kind: world.FaultField, Arg: 3}})
		in.Partition([]int{0, 1}, []int{2, 3})
		in.Reconcile("wallet-A")
		in.Reconcile("wallet-C")
		in.Heal()
		in.Reconcile("wallet-B")
		return in.World().Trace().JSON()
	}
	a, b := run(5), run(5)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different traces")
	}
	if bytes.Equal(a, run(6)) {
		t.Fatal("different seeds, same trace")
	}
}

// R2.1, R5.2 online: a power cut at every write a wallet makes while it
// withdraws, reconciles or deposits leaves value conserved (what the
// wallet lost is on the chain, in the mail), and a second reconciliation
// completes what the first began: nothing pending, nothing flagged, the
// wallet's total as if no power was lost.
func TestCrashOnline(t *testing.T) {
	setup := func() *Instance {
		in := newInstance(t, 9)
		if err := in.Fund("wallet-A", 1000); err != nil {
			t.Fatal(err)
		}
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
				if err := in.Reconcile("wallet-B"); err != nil {
					t.Fatal(err)
				}
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
