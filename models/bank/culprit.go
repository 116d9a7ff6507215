package bank

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// culpritDeposit refuses a deposit by holder of coins descending from a
// coin holder itself spent twice: the double spend flagged at the
// registry, or two of the deposited coins whose lineages spend one coin
// by different records. The culprit's own change from either branch
// is the excess it created and is never credited to it.
func culpritDeposit(reg *Registry, holder string, items []DepositItem) error {
	flagged := map[Instance]bool{}
	for _, d := range reg.DoubleSpends() {
		if d.Culprit == holder {
			flagged[d.Coin] = true
		}
	}
	spentBy := map[Instance][32]byte{}
	for _, it := range items {
		h := it.Holding
		for i, r := range h.Chain {
			anc := InstanceOf(&transfer.Holding{Root: h.Root, Chain: h.Chain[:i], Serial: r.Parent})
			if flagged[anc] {
				return spec.Errorf(spec.CodeDoubleSpend, "coin %s descends from %s, which %s spent twice", h.Serial, r.Parent, holder)
			}
			if r.Payer != holder {
				continue
			}
			id := r.ID()
			if prev, ok := spentBy[anc]; ok && prev != id {
				return spec.Errorf(spec.CodeDoubleSpend, "two deposited coins descend from two spends of %s by %s", r.Parent, holder)
			}
			spentBy[anc] = id
		}
	}
	return nil
}
