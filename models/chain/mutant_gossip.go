package chain

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// sentOnce is gossip-sends-each-block-once: a block already sent to r
// since r last restarted is not sent again.
func (bb *backbone) sentOnce(r *node, bi *blockInfo) bool {
	return bb.mutated("gossip-sends-each-block-once") && bb.offered[r.idx][bi.id]
}

// offer records that gossip sent bi to r (the connection's record that
// gossip-sends-each-block-once keeps).
func (bb *backbone) offer(r *node, bi *blockInfo) {
	if !bb.mutated("gossip-sends-each-block-once") {
		return
	}
	if bb.offered == nil {
		bb.offered = map[int]map[BlockID]bool{}
	}
	if bb.offered[r.idx] == nil {
		bb.offered[r.idx] = map[BlockID]bool{}
	}
	bb.offered[r.idx][bi.id] = true
}

// Lose arms the loss of the nth block (from 0) the nodes' gossip sends
// node from now (world.LossyNetwork): the node stays up and the blocks
// after it still reach it. A node the backbone does not have, or a
// negative nth, is refused with malformed and changes nothing.
func (in *Instance) Lose(node world.PartyID, nth int) error {
	nd := in.bb.byID[string(node)]
	if nd == nil {
		return spec.Errorf(spec.CodeMalformed, "no master node %q to lose a block to", node)
	}
	if nth < 0 {
		return spec.Errorf(spec.CodeMalformed, "block %d from now: not a block to lose", nth)
	}
	if in.bb.lose == nil {
		in.bb.lose = map[int][]int{}
	}
	in.bb.lose[nd.idx] = append(in.bb.lose[nd.idx], nth)
	return nil
}
