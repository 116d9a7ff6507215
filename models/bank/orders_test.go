package bank

import (
	"testing"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestDoubleSpendBranchReachesBankByDeposit: a spend that reaches the
// bank only inside the lineage of a deposited coin is received all the
// same, so the conflicting spend is flagged as soon as it arrives, in
// either order (the deposit first, or the upload first).
func TestDoubleSpendBranchReachesBankByDeposit(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		for _, depositFirst := range []bool{true, false} {
			sc := newScene(t, s)
			f := sc.f
			outB := outputs(sc.h200, sc.r1, walletB) // r1 reaches the bank only in B's deposit
			deposit := func() {
				if _, err := f.agent.Deposit(walletB, f.items(t, walletB, f.agent.ID, outB)); err != nil {
					t.Fatalf("B's deposit (deposit first: %v): %v", depositFirst, err)
				}
			}
			upload := func() { f.add(t, sc.h200, sc.r2) }
			steps := []func(){upload, deposit}
			if depositFirst {
				steps = []func(){deposit, upload}
			}
			steps[0]()
			if ds := f.cb.Registry().DoubleSpends(); len(ds) != 0 {
				t.Fatalf("deposit first %v: flagged with one spend at the bank: %v", depositFirst, ds)
			}
			steps[1]()
			ds := f.cb.Registry().DoubleSpends()
			if len(ds) != 1 || ds[0].Coin != InstanceOf(sc.h200) || ds[0].Value != 200 || ds[0].Culprit != walletA {
				t.Fatalf("deposit first %v: both spends of the 200-fen coin reached the bank; DoubleSpends = %v, want one flag on %v of 200 fen naming %s",
					depositFirst, ds, InstanceOf(sc.h200), walletA)
			}
			if got, err := VerifyEvidence(s, f.cb.Root(), f.cb.CoinKey(), ds[0]); err != nil || got != walletA {
				t.Errorf("deposit first %v: VerifyEvidence = %q, %v", depositFirst, got, err)
			}
		}
	})
}
