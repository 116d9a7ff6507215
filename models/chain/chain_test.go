package chain

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func newInstanceSuite(t interface{ Fatal(...any) }, seed uint64, s suite.Suite) *Instance {
	return modeltest.New(t, Scheme{}, seed, s).(*Instance)
}

func newInstance(t interface{ Fatal(...any) }, seed uint64) *Instance {
	return newInstanceSuite(t, seed, suite.Default())
}

func TestPaymentHappyPath(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		in := newInstanceSuite(t, 1, s)
		modeltest.MustFund(t, in, "wallet-A", 1000)
		if a := in.View("wallet-A"); a.Offline() != 1000 || a.Account != 100000-1000 {
			t.Fatalf("after funding: %+v", a)
		}
		modeltest.MustPayClean(t, in, "wallet-A", "wallet-B", 230, 2)
		a, b := in.View("wallet-A"), in.View("wallet-B")
		if a.Offline() != 770 || b.Offline() != 0 || in.Awaiting("wallet-B") != 230 {
			t.Fatalf("A %d, B %d (awaiting %d)", a.Offline(), b.Offline(), in.Awaiting("wallet-B"))
		}
		checkBalanced(t, in, "payment")
		modeltest.MustReconcile(t, in, "wallet-B")
		checkBalanced(t, in, "B reconciles")
		if b := in.View("wallet-B"); b.Offline() != 230 {
			t.Fatalf("B after reconciling holds %d: %+v", b.Offline(), b)
		}
		// Now final, B's value pays onward.
		p, _ := in.Pay("wallet-B", "wallet-C", 100, nil)
		if !p.Received {
			t.Fatalf("B → C: %+v", p.Outcome.Rejections)
		}
		for _, id := range in.Wallets() {
			modeltest.MustReconcile(t, in, id)
			checkBalanced(t, in, "reconcile "+string(id))
		}
		if c := in.View("wallet-C"); c.Offline() != 100 {
			t.Fatalf("C holds %d", c.Offline())
		}
		if ds := in.Ledger().DoubleSpends; len(ds) != 0 {
			t.Fatalf("honest run flagged: %v", ds)
		}
		for _, id := range in.Wallets() {
			v := in.View(id)
			got, err := in.Deposit(id)
			if err != nil || got != v.Offline() {
				t.Fatalf("deposit %s: %d, %v, want %d", id, got, err, v.Offline())
			}
			checkBalanced(t, in, "deposit "+string(id))
		}
		l := in.Ledger()
		if l.Issued != 1000 || l.Redeemed != 1000 || l.Accounts != 3*100000 {
			t.Fatalf("ledger after all deposits: %+v", l)
		}
	})
}

func checkBalanced(t interface{ Fatalf(string, ...any) }, in *Instance, after string) {
	modeltest.CheckBalanced(t, in, after)
}
