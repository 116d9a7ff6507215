package conformance

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// checkKeptLineage is R6.3 for a scheme that keeps lineage itself
// (models.LineageKeeper; the chain keeps it in its transactions): every
// coin a wallet holds has a lineage of issued coins, each of which the
// registry verifies back to issuance (an issued root of version 1, CNY,
// its unit and an authorised agent, handed out by that agent), worth
// together at least the coin's value (value is never created along the
// way), no issued coin appears twice in one lineage, and no two held coins
// share an id.
func checkKeptLineage(rt fataler, in models.Instance, lk models.LineageKeeper) {
	cb := in.Bank()
	ids := map[string]string{}
	for _, w := range in.Wallets() {
		for _, c := range in.View(w).Coins {
			if prev, dup := ids[c.ID]; dup {
				rt.Fatalf("coin id %s is carried by two coins: %s and one of %s", c.ID, prev, w)
			}
			ids[c.ID] = "one of " + string(w)
			hs, err := lk.Lineage(c.ID)
			if err != nil || len(hs) == 0 {
				rt.Fatalf("wallet %s holds coin %s (%d fen) after reconciling, but the scheme cannot reconstruct its lineage: %d issued coins, %v", w, c.ID, c.Value, len(hs), err)
			}
			var sum int64
			roots := map[coin.Serial]bool{}
			for _, h := range hs {
				if err := verifyIssued(cb, h); err != nil {
					rt.Fatalf("wallet %s's coin %s: issued coin %s of its lineage: %v", w, c.ID, h.Root.Serial, err)
				}
				if roots[h.Root.Serial] {
					rt.Fatalf("wallet %s's coin %s: issued coin %s appears twice in its lineage", w, c.ID, h.Root.Serial)
				}
				roots[h.Root.Serial] = true
				sum += h.Value()
			}
			if sum < c.Value {
				rt.Fatalf("wallet %s's coin %s is worth %d fen, but the issued coins of its lineage only %d", w, c.ID, c.Value, sum)
			}
		}
	}
}

// verifyIssued checks a coin's holding back to issuance: the registry
// verifies its signatures, its root is a valid issued coin, and the agent
// that handed it out is authorised.
func verifyIssued(cb *bank.CentralBank, h *transfer.Holding) error {
	if _, err := cb.Registry().VerifyHolding(h); err != nil {
		return fmt.Errorf("does not verify back to issuance: %w", err)
	}
	if err := h.Root.Validate(); err != nil {
		return fmt.Errorf("its root: %w", err)
	}
	if _, ok := cb.Agent(h.Root.Agent); !ok {
		return fmt.Errorf("names issuing agent %q, not an authorised agent", h.Root.Agent)
	}
	return nil
}
