package chain

import (
	"fmt"
	"testing"
)

func init() {
	mutantScenarios["mint-lumps-holdings"] = func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 265)
		var obs []string
		for _, c := range in.View("wallet-A").Coins {
			hs, err := in.Lineage(c.ID)
			var sum int64
			for _, h := range hs {
				sum += h.Value()
			}
			obs = append(obs, fmt.Sprintf("coin of %d fen, lineage of %d fen (%v)", c.Value, sum, err))
		}
		return obs
	}
	mutantScenarios["node-ignores-revocation"] = func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 1000)
		// The payer is revoked; the payee has the new list and refuses.
		if err := in.cb.Revoke("wallet-A"); err != nil {
			t.Fatal(err)
		}
		mustReconcile(t, in, "wallet-B")
		obs := payObs(in, "wallet-A", "wallet-B", 100, nil)
		in.Reconcile("wallet-A") // a revoked wallet may be refused a sync
		mustReconcile(t, in, "wallet-B")
		return append(obs, fmt.Sprintf("after both reconciled: %d/%d", in.View("wallet-A").Offline(), in.View("wallet-B").Offline()))
	}
}
