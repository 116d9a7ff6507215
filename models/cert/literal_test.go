package cert

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// R5.1 expected-fail for cert-literal, as a minimal counterexample: one
// fault, the loss of the deduct-success notice (step 6). The payer
// deducted on the payee's DEDUCT; the payee credits only on DEDUCTED; after
// both reconcile the payer is debited by the amount, the payee not
// credited, and the audit shows exactly the amount lost. The same fault on
// cert ends, after reconciliation, in the post-state.
func TestLiteralFairnessGap(t *testing.T) {
	const amount = 230
	gap := world.Plan{{Step: 6, Kind: world.FaultDrop}}
	for _, s := range suite.All() {
		for _, v := range variants {
			t.Run(v.String()+"/"+string(s.ID()), func(t *testing.T) {
				in := newInstanceSuite(t, 9, v, s)
				modeltest.MustFund(t, in, "wallet-A", 1000)
				a0, b0 := total(in, "wallet-A"), total(in, "wallet-B")
				p, err := in.Pay("wallet-A", "wallet-B", amount, gap)
				if err != nil {
					t.Fatal(err)
				}
				// The dropped message is the deduct-success notice.
				if evs := in.World().Trace().Events(); !slices.ContainsFunc(evs, func(e world.Event) bool {
					return e.Kind == world.KindFault && e.Fault == string(world.FaultDrop) && e.Type == MsgDeducted
				}) {
					t.Fatal("the plan did not drop DEDUCTED")
				}
				if !p.Paid || p.Received || len(p.Outcome.Rejections) != 0 {
					t.Fatalf("payment under %v: %+v", gap, p)
				}
				for _, w := range []world.PartyID{"wallet-A", "wallet-B"} {
					modeltest.MustReconcile(t, in, w)
				}
				da, db := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0
				au := in.Audit()
				checkAccounted(t, in, "reconciliation")
				switch v {
				case Literal:
					if da != -amount || db != 0 || au.Lost != amount {
						t.Fatalf("payer moved %d, payee %d, audit %+v: want the gap (-%d, 0, %d lost)", da, db, au, amount, amount)
					}
				case Recovering:
					if da != -amount || db != amount || !au.Balanced() || au.Pending+au.Mail != 0 {
						t.Fatalf("payer moved %d, payee %d, audit %+v: want the post-state", da, db, au)
					}
				}
				if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
					t.Fatalf("flagged: %v", ds)
				}
			})
		}
	}
}

// The whole fault space of cert-literal, exhaustively: a power cut at
// every step and write and the loss of every message. Value is never
// created; every outcome is the pre-state, the post-state or the gap; and
// the gap opens exactly where the published flow leaves it open: after
// the payer deducted and before the payee registered the notice.
func TestLiteralEveryFaultPoint(t *testing.T) {
	setup := func() *Instance {
		in := newInstance(t, 7, Literal)
		modeltest.MustFund(t, in, "wallet-A", 1000)
		return in
	}
	clean, err := setup().Pay("wallet-A", "wallet-B", 230, nil)
	if err != nil || !clean.Paid || !clean.Received {
		t.Fatalf("clean run: %+v %v", clean, err)
	}
	var gaps []string
	for _, f := range append(world.CrashPoints(clean.Outcome), world.LossPoints(clean.Outcome)...) {
		in := setup()
		a0, b0 := total(in, "wallet-A"), total(in, "wallet-B")
		if _, err := in.Pay("wallet-A", "wallet-B", 230, world.Plan{f}); err != nil {
			t.Fatal(err)
		}
		for _, w := range []world.PartyID{"wallet-A", "wallet-B"} {
			modeltest.MustReconcile(t, in, w)
		}
		checkAccounted(t, in, f.String())
		da, db := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0
		lost := in.Audit().Lost
		switch {
		case da == 0 && db == 0 && lost == 0, da == -230 && db == 230 && lost == 0:
		case da == -230 && db == 0 && lost == 230:
			gaps = append(gaps, f.String())
		default:
			t.Fatalf("%v: payer moved %d, payee %d, %d lost", f, da, db, lost)
		}
		if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
			t.Fatalf("%v: flagged %v", f, ds)
		}
	}
	want := []string{"crash-after@5", "crash-before@6", "crash-at@6", "drop@6"}
	slices.Sort(gaps)
	slices.Sort(want)
	if fmt.Sprint(gaps) != fmt.Sprint(want) {
		t.Fatalf("the gap opens under %v, want %v", gaps, want)
	}
}

// R5.4 and R2.5 expected-fail for cert-literal: the payer signs and sends
// its coins before it deducts them. A payee that keeps the TX and never
// sends DEDUCT is credited while the payer is not debited; the payer's
// next honest spend of those coins is then flagged at reconciliation as a
// double spend by the honest payer. In cert the payer wrote the deduction
// ahead, so the same payee gains only what the payer paid and nobody is
// flagged.
func TestMaliciousPayeeKeepsTx(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 13, v)
			modeltest.MustFund(t, in, "wallet-A", 1000)
			a0, b0, c0 := total(in, "wallet-A"), total(in, "wallet-B"), total(in, "wallet-C")
			p, q := in.Own["wallet-A"], in.Own["wallet-B"]
			start, err := q.StartPayee("wallet-A", 300)
			if err != nil {
				t.Fatal(err)
			}
			thief := func(m world.Message) ([]world.Message, error) {
				out, err := q.payeeEndpoint(m)
				if err == nil && m.Type == MsgTx {
					q.credit(q.payee, nil) // keep the coins, withhold DEDUCT
					return nil, nil
				}
				return out, err
			}
			in.World().RunSession(&world.Session{
				Channel:   world.NearField,
				Start:     []world.Message{start},
				Endpoints: map[world.PartyID]world.Endpoint{"wallet-A": p.payerEndpoint, "wallet-B": thief},
				Fields:    Fields,
			})
			q.payee, p.payers = nil, map[string]*payerSession{}
			// A then pays C honestly with what it believes it holds.
			pay, err := in.Pay("wallet-A", "wallet-C", 300, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range in.Wallets() {
				modeltest.MustReconcile(t, in, w)
			}
			da, db, dc := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0, total(in, "wallet-C")-c0
			ds := in.Ledger().DoubleSpends
			switch v {
			case Literal:
				if !pay.Received || da != -300 || db != 300 || dc != 300 {
					t.Fatalf("A %d, B %d, C %d (A→C %+v): want B paid without A debited", da, db, dc, pay)
				}
				if len(ds) == 0 || ds[0].Culprit != "wallet-A" {
					t.Fatalf("the honest payer's spend was not flagged against it: %v", ds)
				}
			case Recovering:
				if !pay.Received || da != -600 || db != 300 || dc != 300 || len(ds) != 0 {
					t.Fatalf("A %d, B %d, C %d, flagged %v: want A debited for both payments, nothing flagged", da, db, dc, ds)
				}
				checkBalanced(t, in, "reconciliation")
			}
		})
	}
}
