package chain

import "github.com/dualoffline/dualoffline/models"

// partitionMutants are bugs of the master nodes and agent banks that show
// only when the backbone splits and heals (issue 13): without a partition
// the nodes never fork and every online operation waits for k blocks, so
// nothing reaches the faulty code path with consequence.
func partitionMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("node-ignores-signer-limit", "R2", "master nodes neither enforce nor respect the signer limit (one block in ⌊n/2⌋+1 per node), so a minority of nodes split from the rest extends its own fork past k blocks and finalises a spend the other side also finalises"),
		m("node-never-reorgs", "R5", "a master node adopts a better block only when it extends the node's own best chain, so after a split heals a node left on the losing fork stays there and its wallets' payments never become final"),
		m("bank-credits-unconfirmed-deposit", "R2", "an agent bank credits a deposit as soon as the redemption payment is in a block of its node's best chain, without waiting for k blocks to follow it, so a redemption on a fork that later loses is credited and the coins it spent are spent again on the winning chain"),
		m("node-flags-uploads-only", "R2", "a master node checks for double spends only in what wallets upload to it, not in the transactions and blocks it learns from other nodes, so two spends uploaded on either side of a split are never flagged"),
	}
}

// ignoresSignerLimit is node-ignores-signer-limit: the signer limit
// finds no recent block by any node.
func (bb *backbone) ignoresSignerLimit() bool { return bb.mutated("node-ignores-signer-limit") }

// keepsFork is node-never-reorgs: a node keeps its best chain when a
// better block does not extend it.
func (nd *node) keepsFork(bi *blockInfo) bool {
	return nd.bb.mutated("node-never-reorgs") && nd.best != (BlockID{}) && bi.b.Parent != nd.best
}

// skipsGossipFlags is node-flags-uploads-only: no flag is raised while
// the nodes gossip.
func (bb *backbone) skipsGossipFlags() bool {
	return bb.gossiping && bb.mutated("node-flags-uploads-only")
}

// settlesUnconfirmed is bank-credits-unconfirmed-deposit: the blocks an
// agent bank settles are every block of its node's chain, not only those
// k blocks deep.
func (bb *backbone) settlesUnconfirmed() bool {
	return bb.mutated("bank-credits-unconfirmed-deposit")
}
