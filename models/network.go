package models

import "github.com/dualoffline/dualoffline/models/world"

// Network is implemented by instances whose banks run a network of nodes
// that can be split (the chain scheme's master nodes). The partition
// properties of the suites need it and report skip without it; chip and
// cert have one agent bank and nothing to split. A scheme with several
// banks that settle between themselves implements it over those banks.
//
// A split outlives the call: nodes of different groups exchange nothing
// (blocks, uploads, settlements) until Heal, and each wallet reaches the
// network only through its gateway node.
type Network interface {
	world.Network
	// Nodes returns the nodes' party ids; their positions are the
	// indexes Partition and SetGateway take.
	Nodes() []world.PartyID
	// SetGateway connects a wallet to node idx for its online operations
	// (a bad wallet or index is a *spec.Error and changes nothing).
	SetGateway(wallet world.PartyID, idx int) error
}
