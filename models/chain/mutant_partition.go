package chain

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
