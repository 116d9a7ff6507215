package chip

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
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

func genPlan(t *rapid.T) world.Plan { return genPlanOf(t, benignFaults) }

// genPlanOf draws up to two faults of the given kinds; a redirect goes to
// one of the wallets.
func genPlanOf(t *rapid.T, kinds []world.FaultKind) world.Plan {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) world.Fault {
		f := world.Fault{
			Step: rapid.IntRange(1, 5).Draw(t, "step"),
			Kind: rapid.SampledFrom(kinds).Draw(t, "kind"),
			Arg:  rapid.IntRange(0, 40).Draw(t, "arg"),
		}
		if f.Kind == world.FaultRedirect {
			f.Party = rapid.SampledFrom([]world.PartyID{"wallet-A", "wallet-B", "wallet-C"}).Draw(t, "to")
		}
		return f
	}), 0, 2).Draw(t, "plan")
}

func checkBalanced(t interface{ Fatalf(string, ...any) }, in *Instance, after string) {
	a := in.Audit()
	if !a.Balanced() {
		t.Fatalf("value not conserved after %s: %+v (held+pending+mail+redeemed = %d, issued %d)",
			after, a, a.Held+a.Pending+a.Mail+a.Redeemed, a.Issued)
	}
}

// Property (R5.2, R2.1): under any sequence of withdrawals, payments with
// benign faults (loss, duplication, reordering, delay, power cuts at any
// write), reconciliations, deposits and restarts by honest cards, value is
// conserved after every operation, no offline limit is exceeded and no
// double spend is ever flagged.
func TestConservationProperty(t *testing.T) {
	rapid.Check(t, conservation(genPlan))
}

// Property (R1.1, R1.2, R5.2 under the network profile): with an active
// channel adversary as well (bit flips, field substitution, truncation,
// extension, replay from earlier sessions, redirection), no value is
// created or lost and no honest card is flagged.
func TestConservationUnderAttack(t *testing.T) {
	rapid.Check(t, conservation(func(t *rapid.T) world.Plan { return genPlanOf(t, world.ChannelFaults) }))
}

func conservation(plan func(*rapid.T) world.Plan) func(*rapid.T) {
	return func(t *rapid.T) {
		s := rapid.SampledFrom(suite.All()).Draw(t, "suite")
		in := newInstanceSuite(t, rapid.Uint64().Draw(t, "seed"), s)
		wallets := in.Wallets()
		pick := rapid.SampledFrom(wallets)
		amount := rapid.Int64Range(1, 30000)
		t.Repeat(map[string]func(*rapid.T){
			"fund": func(t *rapid.T) {
				w := pick.Draw(t, "wallet")
				_ = in.Fund(w, amount.Draw(t, "amount"))
				checkBalanced(t, in, "fund")
			},
			"pay": func(t *rapid.T) {
				p, q := pick.Draw(t, "payer"), pick.Draw(t, "payee")
				if p == q {
					t.Skip("a wallet does not pay itself")
				}
				_, _ = in.Pay(p, q, amount.Draw(t, "amount"), plan(t))
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
			"": func(t *rapid.T) {
				for _, w := range wallets {
					v := in.View(w)
					if v.Spent > bank.DefaultLimits.Cumulative || v.Payments > bank.DefaultLimits.Count {
						t.Fatalf("%s spent %d fen in %d payments offline, over the limits", w, v.Spent, v.Payments)
					}
				}
				if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
					t.Fatalf("honest cards flagged: %v", ds)
				}
			},
		})
	}
}

func newInstanceSuite(t interface{ Fatal(...any) }, seed uint64, s suite.Suite) *Instance {
	in, err := Scheme{}.New(world.New(seed), models.Config{Suite: s})
	if err != nil {
		t.Fatal(err)
	}
	return in.(*Instance)
}

// total is a wallet's whole value: its card and its account.
func total(in *Instance, w world.PartyID) int64 {
	v := in.View(w)
	return v.Offline() + v.Account
}

// R5.1, exhaustively: a power cut at every step and at every write of a
// payment, on either card; once both reconcile, either both have the
// post-state or both the pre-state — and here, since nothing is lost, the
// post-state.
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
			if len(points) < 10 {
				t.Fatalf("only %d fault points in a %d-step payment", len(points), clean.Outcome.Steps)
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
							t.Fatal("an honest card was flagged")
						}
						if a := in.Audit(); a.Pending != 0 || a.Mail != 0 {
							t.Fatalf("value still in flight after both reconciled: %+v", a)
						}
					})
				}
			}
		})
	}
}

// R2.3, R2.4, R2.5, R2.7: a cloned card spends the same coins twice; in
// every order of upload the double spend is flagged, the clone's identity
// is named with evidence anyone can check, the honest payees are not
// accused, and the verdicts are identical.
func TestCloneDoubleSpendEveryOrder(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			var first []bank.DoubleSpend
			parties := []world.PartyID{"wallet-A", "wallet-A~clone1", "wallet-B", "wallet-C"}
			for _, order := range permutations(parties) {
				in := newInstanceSuite(t, 11, s)
				if err := in.Fund("wallet-A", 500); err != nil {
					t.Fatal(err)
				}
				clone, err := in.Clone("wallet-A")
				if err != nil || clone != parties[1] {
					t.Fatalf("clone %q %v", clone, err)
				}
				for _, pay := range []struct{ from, to world.PartyID }{{"wallet-A", "wallet-B"}, {clone, "wallet-C"}} {
					p, err := in.Pay(pay.from, pay.to, 300, nil)
					if err != nil || !p.Received {
						t.Fatalf("%s → %s: %+v %v", pay.from, pay.to, p, err)
					}
				}
				for _, w := range order {
					if err := in.Reconcile(w); err != nil {
						t.Fatal(err)
					}
				}
				ds := in.Ledger().DoubleSpends
				if len(ds) == 0 {
					t.Fatalf("order %v: double spend not flagged", order)
				}
				for _, d := range ds {
					if d.Culprit != "wallet-A" {
						t.Fatalf("order %v: %q accused, want wallet-A", order, d.Culprit)
					}
					// The evidence names the card's pseudonym; the central
					// bank's register names its holder.
					got, err := bank.VerifyEvidence(s, in.Bank().Root(), in.Bank().CoinKey(), d)
					if err != nil || in.Bank().HolderOf(got) != "wallet-A" {
						t.Fatalf("order %v: evidence does not verify: %q %v", order, got, err)
					}
				}
				if first == nil {
					first = ds
				} else if diff := cmp.Diff(first, ds); diff != "" {
					t.Fatalf("order %v changed the verdicts (-want +got):\n%s", order, diff)
				}
			}
		})
	}
}

// Evidence is not forgeable by swapping in an honest party's records.
func TestEvidenceRefusesHonestFraming(t *testing.T) {
	in := newInstanceSuite(t, 11, suite.Default())
	if err := in.Fund("wallet-A", 500); err != nil {
		t.Fatal(err)
	}
	clone, _ := in.Clone("wallet-A")
	in.Pay("wallet-A", "wallet-B", 300, nil)
	in.Pay(clone, "wallet-C", 300, nil)
	for _, w := range in.Wallets() {
		in.Reconcile(w)
	}
	ds := in.Ledger().DoubleSpends
	if len(ds) == 0 {
		t.Fatal("no double spend flagged")
	}
	d := ds[0]
	framed := d
	framed.RecordB = d.RecordA // one record twice is not two spends
	if _, err := bank.VerifyEvidence(suite.Default(), in.Bank().Root(), in.Bank().CoinKey(), framed); err == nil {
		t.Fatal("evidence with one record twice verifies")
	}
	bcert, _ := in.Bank().Cert(in.Names["wallet-B"])
	framed = d
	framed.CulpritCert = bcert.Raw
	if _, err := bank.VerifyEvidence(suite.Default(), in.Bank().Root(), in.Bank().CoinKey(), framed); err == nil {
		t.Fatal("evidence naming wallet-B verifies")
	}
}

func permutations(xs []world.PartyID) [][]world.PartyID {
	if len(xs) <= 1 {
		return [][]world.PartyID{append([]world.PartyID(nil), xs...)}
	}
	var out [][]world.PartyID
	for i := range xs {
		rest := append(append([]world.PartyID(nil), xs[:i]...), xs[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, append([]world.PartyID{xs[i]}, p...))
		}
	}
	return out
}

// The same seed gives a byte-identical trace, faults included.
func TestTraceDeterministic(t *testing.T) {
	run := func(seed uint64) []byte {
		in := newInstanceSuite(t, seed, suite.Default())
		in.Fund("wallet-A", 2000)
		in.Pay("wallet-A", "wallet-B", 730, world.Plan{{Step: 2, Kind: world.FaultCrashAt, Arg: 0}})
		in.Pay("wallet-A", "wallet-C", 120, world.Plan{{Step: 1, Kind: world.FaultField, Arg: 1}})
		in.Reconcile("wallet-A")
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
