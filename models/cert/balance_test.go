package cert

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestBalanceFollowsPayments: a SIM's Balance (the total its trace lines
// print, kept as its coins change) is the value of the coins it holds,
// summed from scratch, after withdrawals, payments made and received
// (coins received spent on), and reconciliations. It fails when the SIM
// changes its coins around the total (commit writing Held itself).
func TestBalanceFollowsPayments(t *testing.T) {
	in := newInstanceSuite(t, 7, Recovering, suite.Default())
	sims := []world.PartyID{"wallet-A", "wallet-B", "wallet-C"}
	check := func(after string) {
		t.Helper()
		for _, id := range sims {
			se := in.Own[id]
			var want int64
			for _, h := range se.Held {
				want += h.Value()
			}
			if got := se.Balance(); got != want {
				t.Errorf("after %s, %s: Balance %d, coins held worth %d", after, id, got, want)
			}
		}
	}
	modeltest.MustFund(t, in, "wallet-A", 3000)
	check("a withdrawal")
	for i, p := range []struct {
		from, to world.PartyID
		amount   int64
	}{{"wallet-A", "wallet-B", 230}, {"wallet-A", "wallet-B", 1170}, {"wallet-B", "wallet-C", 600}, {"wallet-A", "wallet-C", 45}} {
		if _, err := in.Pay(p.from, p.to, p.amount, nil); err != nil {
			t.Fatalf("payment %d: %v", i, err)
		}
		check("a payment")
	}
	for _, id := range sims {
		modeltest.MustReconcile(t, in, id)
	}
	check("the reconciliations")
}
