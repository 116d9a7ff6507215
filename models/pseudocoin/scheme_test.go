package pseudocoin

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func newInstance(t *testing.T, s suite.Suite) *Instance { return newInstanceT(t, s) }

func newInstanceT(t testing.TB, s suite.Suite) *Instance {
	t.Helper()
	return modeltest.New(t, Scheme{}, 1, s).(*Instance)
}

// A payment, both reconciliations and a deposit conserve value under both
// suites, pay the payee exactly, and return the change as fresh bundles.
func TestPayReconcileDeposit(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			in := newInstance(t, s)
			a, b := in.Wallets()[0], in.Wallets()[1]
			modeltest.MustFund(t, in, a, 90000)
			modeltest.CheckBalanced(t, in, "the withdrawal")
			if got := in.View(a).Offline(); got != 90000 {
				t.Fatalf("after withdrawing 90000 fen %s holds %d", a, got)
			}
			p, err := in.Pay(a, b, 1234, nil)
			if err != nil || !p.Paid || !p.Received {
				t.Fatalf("payment: %+v %v", p, err)
			}
			modeltest.CheckBalanced(t, in, "the payment")
			if got := in.View(b).Offline(); got != 1234 {
				t.Fatalf("payee holds %d fen, want 1234", got)
			}
			modeltest.MustReconcile(t, in, a, b)
			modeltest.CheckBalanced(t, in, "the reconciliations")
			if got := in.View(a).Offline(); got != 90000-1234 {
				t.Fatalf("payer holds %d fen after reconciling, want %d", got, 90000-1234)
			}
			if got := in.View(b).Offline(); got != 1234 {
				t.Fatalf("payee holds %d fen after reconciling, want 1234", got)
			}
			// The payee pays onward before and after reconciling.
			if _, err := in.Pay(b, in.Wallets()[2], 1000, nil); err != nil {
				t.Fatal(err)
			}
			modeltest.CheckBalanced(t, in, "the onward payment")
			v, err := in.Deposit(a)
			if err != nil || v != 90000-1234 {
				t.Fatalf("deposit: %d fen, %v", v, err)
			}
			modeltest.CheckBalanced(t, in, "the deposit")
			if tr := in.TraceReceived(b); len(tr) != 1 || tr[0].Payer != string(a) || tr[0].Value != 1234 {
				t.Fatalf("trace of %s's receipts: %+v", b, tr)
			}
		})
	}
}

var _ models.Instance = (*Instance)(nil)
var _ = world.Epoch

// A wallet makes as many payments between reconciliations as its count
// limit allows: each payment's change is a holding at once, and the chain
// of change it makes stays within the lineage cap.
func TestTenPaymentsOffline(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	modeltest.MustFund(t, in, "wallet-A", 1000)
	for i := 0; i < 10; i++ {
		if p, err := in.Pay("wallet-A", "wallet-B", 100, nil); err != nil || !p.Received {
			t.Fatalf("payment %d: %+v %v", i+1, p.Outcome.Rejections, err)
		}
	}
	modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
	if a, b := in.View("wallet-A").Offline(), in.View("wallet-B").Offline(); a != 0 || b != 1000 {
		t.Fatalf("after ten payments of 100 fen from 1000: payer %d, payee %d", a, b)
	}
	modeltest.CheckBalanced(t, in, "ten payments and the reconciliations")
}
