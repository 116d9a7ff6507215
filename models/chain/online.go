package chain

import (
	"errors"
	"slices"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// client is the wallet's withdrawal client (bank.Client): the request id
// is journalled on the wallet, so a retry after a power cut of the wallet
// or of the bank is the same request. Crediting mints the coins at the
// agent's node (the same holdings mint the same transaction, which a node
// pools once) and syncs the wallet once the mint is final. An external
// wallet's journal is kept on the world's handle for it: the client is
// the harness's.
func (in *Instance) client(id world.PartyID, d Device) bank.Client {
	a, ai := in.agentOf(id)
	return bank.Client{Agent: a, Holder: in.Names[id], Dev: in.w.Device(id), LateJournal: in.mutated("withdraw-journals-after-credit"),
		Credit: func(hs []*transfer.Holding) error {
			if err := in.mint(ai, in.addrs[id], hs); err != nil {
				return err
			}
			in.bb.settle()
			in.creditRedemptions()
			return in.sync(id, d, in.bb.nodes[in.gateway[id]], nil, false)
		}}
}

// mintAt is agent i's handover (bank.Agent.Handover): it mints the coins
// of a withdrawal to the holder's address at its node, inside the
// withdrawal's transaction.
func (in *Instance) mintAt(i int) func(holder string, hs []*transfer.Holding) error {
	return func(holder string, hs []*transfer.Holding) error {
		for p, cid := range in.Names {
			if cid == holder {
				return in.mint(i, in.addrs[p], hs)
			}
		}
		return spec.Errorf(spec.CodeWrongRecipient, "no wallet %q to mint to", holder)
	}
}

// mint submits the mints of hs to owner at agent i's node; minting the
// same holdings again is the same transaction, which the node pools once.
func (in *Instance) mint(i int, owner Address, hs []*transfer.Holding) error {
	a, nd := in.agents[i], in.bb.nodes[i]
	for chunk := range slices.Chunk(hs, MaxMintHoldings) {
		t := &Tx{Mint: &Mint{Version: Version1, Owner: owner, Holdings: append([]*transfer.Holding(nil), chunk...)}}
		err := nd.powered("a mint", func() error { return nd.submit(t) })
		in.w.Trace().Online(world.PartyID(a.ID), nd.party(), "mint", t.Marshal(), err)
		if err != nil {
			return spec.Errorf(spec.CodeInternal, "mint refused: %w", err)
		}
	}
	return nil
}

// errNodeCut marks a master node's power cut: the node restarted from its
// store, and whoever asked it got no reply.
var errNodeCut = errors.New("master node lost power")

// powered runs f, the node's handling of one request (a submitted
// transaction, a gossiped block, the production of a block), on its
// device: a power cut inside restarts the node from what it persisted
// (recover) and returns an error wrapping errNodeCut. Every node write is
// one Put, so a node never holds half a block or half a transaction.
func (nd *node) powered(what string, f func() error) error {
	crashed, err := nd.bb.w.Guard(nd.party(), f)
	if crashed {
		nd.recover()
		nd.bb.dirty = true
		return spec.Errorf(spec.CodeInternal, "%s: %s, no reply: %w", nd.id, what, errNodeCut)
	}
	return err
}

// unminted is the value of the coins agents handed over in withdrawals
// that no node holds a mint of: a withdrawal a master node's power cut
// left undelivered. It waits at the bank, like mail, for the client's
// retry, which mints it.
func (in *Instance) unminted() int64 {
	st := in.bb.stateOf(in.bb.globalBest())
	pooled := map[coin.Serial]bool{}
	for _, nd := range in.bb.nodes {
		for _, t := range nd.pool {
			if t.Mint != nil {
				for _, h := range t.Mint.Holdings {
					pooled[h.Root.Serial] = true
				}
			}
		}
	}
	var v int64
	for _, a := range in.agents {
		for _, h := range a.Served() {
			if _, on := st.mintedBy(h.Root.Serial); !on && !pooled[h.Root.Serial] {
				v += h.Value()
			}
		}
	}
	return v
}
