package chain

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Persistent store of a master node: every block it accepted and every
// transaction uploaded or gossiped to it. Its best chain and pool are
// rebuilt from these by recover.
const (
	nodePrefBlock = "block/" // block/<height, 16 hex>/<id hex>: block DER
	nodePrefTx    = "tx/"    // tx/<id hex>: transaction DER (with the receipt once known)
)

// node is one bank master node.
type node struct {
	bb   *backbone
	idx  int
	id   string
	bank string
	dev  *world.Device
	key  suite.PrivateKey
	cert *devcert.Certificate

	known    map[BlockID]bool
	best     BlockID
	pool     map[TxID]*Tx               // every transaction it knows, on a chain or not
	spenders map[OutPoint]map[TxID]bool // pool index: who spends each coin
}

// pooled adds a checked transaction to the pool (or upgrades it with a
// receipt) and flags every other pooled transaction spending one of its
// coins.
func (nd *node) pooled(c *checked, t *Tx) {
	if old := nd.pool[c.id]; old != nil {
		if old.Receipt == nil && t.Receipt != nil {
			nd.pool[c.id] = t
			nd.bb.dirty = true
		}
		return
	}
	nd.pool[c.id] = t
	nd.bb.dirty = true
	for _, in := range c.inputs() {
		set := nd.spenders[in]
		if set == nil {
			set = map[TxID]bool{}
			nd.spenders[in] = set
		}
		for _, other := range sortedIDs(set) {
			if oc, err := nd.bb.check(nd.pool[other]); err == nil {
				nd.bb.flag(in, oc, c)
			}
		}
		set[c.id] = true
	}
}

func (nd *node) party() world.PartyID { return world.PartyID(nd.id) }

func (nd *node) parentKnown(id BlockID) bool { return id == (BlockID{}) || nd.known[id] }

func (nd *node) state() *state { return nd.bb.stateOf(nd.best) }

// receive accepts a block from gossip (or from the fuzzer): it validates
// it against the chain it extends, stores it and updates the fork choice.
// A refusal changes nothing.
func (nd *node) receive(raw []byte) error {
	bi, err := nd.bb.validate(raw, nd.parentKnown)
	if err != nil {
		return err
	}
	if nd.known[bi.id] {
		return nil
	}
	nd.store(bi)
	return nil
}

func (nd *node) store(bi *blockInfo) {
	key := nodePrefBlock + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, bi.b.Height)) + "/" + hex.EncodeToString(bi.id[:])
	nd.dev.Put(key, bi.raw)
	nd.adopt(bi)
}

func (nd *node) adopt(bi *blockInfo) {
	nd.known[bi.id] = true
	nd.bb.dirty = true
	for i, t := range bi.b.Txs {
		nd.pooled(bi.txs[i], t)
	}
	if nd.bb.better(bi.id, nd.best) && !nd.keepsFork(bi) {
		if nd.best != (BlockID{}) && bi.b.Parent != nd.best {
			nd.bb.w.Trace().Note(nd.party(), "switches to block %d %s (was %d %s)", bi.b.Height, shortID(bi.id[:]), nd.bb.heightOf(nd.best), shortID(nd.best[:]))
		}
		nd.best = bi.id
	}
}

// recover rebuilds the node's view from its store.
func (nd *node) recover() {
	delete(nd.bb.offered, nd.idx) // its peers' connections to it start anew
	nd.known, nd.best, nd.pool, nd.spenders = map[BlockID]bool{}, BlockID{}, map[TxID]*Tx{}, map[OutPoint]map[TxID]bool{}
	for _, k := range nd.dev.Keys(nodePrefBlock) {
		raw, _ := nd.dev.Get(k)
		bi, err := nd.bb.validate(raw, nd.parentKnown)
		if err != nil {
			panic("chain: node " + nd.id + " store is corrupt: " + err.Error())
		}
		nd.adopt(bi)
	}
	for _, k := range nd.dev.Keys(nodePrefTx) {
		raw, _ := nd.dev.Get(k)
		t, err := ParseTx(raw)
		if err != nil {
			panic("chain: node " + nd.id + " store is corrupt: " + err.Error())
		}
		c, err := nd.bb.check(t)
		if err != nil {
			panic("chain: node " + nd.id + " stored a transaction it refuses: " + err.Error())
		}
		nd.pooled(c, t)
	}
}

// resolver finds outputs created on the node's best chain or by
// transactions in its pool (so a payment may spend the unconfirmed change
// of an earlier one by the same payer).
func (nd *node) resolver() resolver {
	st := nd.state()
	memo := map[TxID][]Output{}
	busy := map[TxID]bool{}
	var res resolver
	res = func(op OutPoint) (Output, bool) {
		if o, ok := st.out(op); ok {
			return o, true
		}
		outs, ok := memo[op.Tx]
		if !ok {
			t := nd.pool[op.Tx]
			if t == nil || busy[op.Tx] {
				return Output{}, false
			}
			c, err := nd.bb.check(t)
			if err != nil {
				return Output{}, false
			}
			busy[op.Tx] = true
			outs, _ = c.outputs(res)
			busy[op.Tx] = false
			memo[op.Tx] = outs
		}
		if int(op.Index) >= len(outs) {
			return Output{}, false
		}
		return outs[op.Index], true
	}
	return res
}

// final reports whether transaction id is on the node's best chain with at
// least k blocks after its own.
func (nd *node) final(st *state, id TxID) bool {
	h, ok := st.txHeight(id)
	return ok && st.height-h >= uint64(nd.bb.k)
}

// submit takes an uploaded (or gossiped) transaction into the pool. It
// refuses, changing nothing, a transaction that fails its static checks,
// spends a coin a final transaction already spent (and flags the double
// spend), or spends coins the node does not know (waiting: the uploader
// tries again later).
func (nd *node) submit(t *Tx) error {
	c, err := nd.bb.check(t)
	if err != nil {
		nd.bb.judgeStatic(t)
		return err
	}
	st := nd.state()
	if old := nd.pool[c.id]; old != nil {
		if old.Receipt == nil && t.Receipt != nil {
			nd.dev.Put(nodePrefTx+hex.EncodeToString(c.id[:]), t.Marshal())
			nd.pooled(c, t)
		}
		return nil
	}
	if v := nd.bb.invalid[c.id]; v != nil {
		return spec.Errorf(v.code(), "payment %s refused for its sealed transfer: %s coin %s", c.id, reasonNames[v.reason], v.coin)
	}
	if err := nd.bb.checkRevocation(c); err != nil {
		return err
	}
	if _, err := c.outputs(nd.resolver()); err != nil {
		if !isWaiting(err) {
			nd.bb.judgeOutputs(c, nd.resolver())
		}
		return err
	}
	// Flag every coin the transaction spends twice before refusing it: a
	// refusal at the first final conflict would leave its other coins
	// unflagged (R2.3).
	var spent error
	for i, in := range c.inputs() {
		if i > 0 && nd.bb.mutated("node-flags-first-input-only") {
			break
		}
		if other, ok := st.spender(in); ok && other != c.id {
			if ot := nd.pool[other]; ot != nil && nd.bb.flagsConflict(other, c.id) {
				if oc, err := nd.bb.check(ot); err == nil {
					nd.bb.flag(in, oc, c)
				}
			}
			if spent == nil && nd.final(st, other) {
				spent = spec.Errorf(spec.CodeDoubleSpend, "coin %s was spent by %s, final at %s", in, other, nd.id)
			}
		}
	}
	if spent != nil {
		return spent
	}
	for _, r := range c.roots {
		if other, ok := st.mintedBy(r); ok && other != c.id && nd.final(st, other) {
			return spec.Errorf(spec.CodeDoubleSpend, "coin %s already minted", r)
		}
	}
	nd.dev.Put(nodePrefTx+hex.EncodeToString(c.id[:]), t.Marshal())
	nd.pooled(c, t)
	return nil
}

// candidates returns what the node would put in its next block: pool
// transactions in ascending id order that spend only unspent outputs of
// its best chain, none twice.
func (nd *node) candidates(max int) []*checked {
	st := nd.state()
	used := map[OutPoint]bool{}
	roots := map[coin.Serial]bool{}
	var ids []TxID
	for id := range nd.pool {
		if _, on := st.txHeight(id); !on {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b TxID) int { return bytes.Compare(a[:], b[:]) })
	var out []*checked
	for _, id := range ids {
		if len(out) == max {
			break
		}
		c, err := nd.bb.check(nd.pool[id])
		if err != nil {
			continue
		}
		ok := true
		for _, in := range c.inputs() {
			ok = ok && !used[in] && st.unspent(in)
		}
		for _, r := range c.roots {
			_, minted := st.mintedBy(r)
			ok = ok && !minted && !roots[r]
		}
		if !ok {
			continue
		}
		if _, err := c.outputs(st.resolve); err != nil {
			continue
		}
		for _, in := range c.inputs() {
			used[in] = true
		}
		for _, r := range c.roots {
			roots[r] = true
		}
		out = append(out, c)
	}
	return out
}

// hasWork reports whether the node has something to include, or a
// transaction on its best chain short of k confirmations.
func (nd *node) hasWork() bool {
	if len(nd.candidates(1)) > 0 {
		return true
	}
	id := nd.best
	for d := 0; d < nd.bb.k && id != (BlockID{}); d++ {
		bi := nd.bb.blocks[id]
		if len(bi.b.Txs) > 0 {
			return true
		}
		id = bi.b.Parent
	}
	return false
}

// propose builds, signs and stores the block of slot s on the best chain.
func (nd *node) propose(s uint64) {
	cs := nd.candidates(MaxBlockTxs)
	b := &Block{Header: Header{Version: Version1, Height: nd.bb.heightOf(nd.best) + 1, Slot: s, Parent: nd.best, Proposer: nd.id}}
	for _, c := range cs {
		b.Txs = append(b.Txs, c.tx)
	}
	b.TxRoot = TxRootOf(nd.bb.s, b.Txs)
	sig, err := nd.key.Sign(b.TBS())
	if err != nil {
		panic("chain: " + err.Error())
	}
	b.Signature = sig
	bi, err := nd.bb.validate(b.Marshal(), nd.parentKnown)
	if err != nil {
		panic("chain: " + nd.id + " built an invalid block: " + err.Error())
	}
	nd.bb.w.Trace().Note(nd.party(), "block %d (slot %d, %s, parent %s): %d tx", b.Height, s, shortID(bi.id[:]), shortID(b.Parent[:]), len(b.Txs))
	nd.store(bi)
}

// txStatus is what a node can tell a wallet about one of its transactions.
type txStatus int

const (
	statusUnknown txStatus = iota // the node does not hold it
	statusPending                 // in the pool or on the chain, short of k confirmations
	statusFinal                   // on the best chain with k blocks after it
	statusDead                    // can never be final: a final transaction spent a coin it spends
)

func (s txStatus) String() string {
	return [...]string{"unknown", "pending", "final", "dead"}[s]
}

func (nd *node) status(id TxID) txStatus {
	return nd.statusIn(nd.state(), id, map[TxID]bool{})
}

func (nd *node) statusIn(st *state, id TxID, busy map[TxID]bool) txStatus {
	if _, on := st.txHeight(id); on {
		if nd.final(st, id) {
			return statusFinal
		}
		return statusPending
	}
	t := nd.pool[id]
	if t == nil || busy[id] {
		return statusUnknown
	}
	c, err := nd.bb.check(t)
	if err != nil {
		return statusDead
	}
	busy[id] = true
	defer delete(busy, id)
	for _, in := range c.inputs() {
		if other, ok := st.spender(in); ok && other != id && nd.final(st, other) {
			return statusDead
		}
		if _, ok := st.out(in); !ok && nd.statusIn(st, in.Tx, busy) == statusDead {
			return statusDead
		}
	}
	for _, r := range c.roots {
		if other, ok := st.mintedBy(r); ok && other != id && nd.final(st, other) {
			return statusDead
		}
	}
	return statusPending
}

// newlyFinal returns the blocks of the best chain that are final (k
// blocks follow them) and not in done, oldest first, and marks them done.
// Final blocks never leave the chain, so the walk stops at the first one
// already seen.
func (nd *node) newlyFinal(done map[BlockID]bool) []*blockInfo {
	st := nd.state()
	id := nd.best
	for id != (BlockID{}) && st.height-nd.bb.blocks[id].b.Height < uint64(nd.bb.k) && !nd.bb.settlesUnconfirmed() {
		id = nd.bb.blocks[id].b.Parent
	}
	var out []*blockInfo
	for ; id != (BlockID{}) && !done[id]; id = nd.bb.blocks[id].b.Parent {
		done[id] = true
		out = append(out, nd.bb.blocks[id])
	}
	slices.Reverse(out)
	return out
}
