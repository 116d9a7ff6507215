package chain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// SlotDuration is the length of a slot (a round) of simulated time.
const SlotDuration = 2 * time.Second

// directory is the certificates the central bank issued to wallets, as the
// bank consortium's nodes know them.
type directory struct {
	byID     map[string]*devcert.Certificate
	byAddr   map[Address]*devcert.Certificate
	bySerial map[uint64]*devcert.Certificate
}

func (d *directory) add(s suite.Suite, c *devcert.Certificate) {
	d.byID[c.ID] = c
	d.byAddr[AddressOf(s, c.PublicKey)] = c
	d.bySerial[c.Serial] = c
}

// blockInfo is a block every node that holds it has validated: parsed,
// with its checked transactions and its proposer's index.
type blockInfo struct {
	id       BlockID
	b        *Block
	raw      []byte
	proposer int
	txs      []*checked
}

// backbone is the network of bank master nodes: their trust anchors, the
// partition that decides which of them can gossip, and caches of pure
// functions (block validity, ledger states, static transaction checks)
// that every node would compute identically.
type backbone struct {
	w          *world.World
	s          suite.Suite
	root       *devcert.Certificate
	coinKey    suite.PublicKey
	chainKey   suite.PrivateKey
	k          int
	nodes      []*node
	byID       map[string]*node
	group      []int
	agentCerts map[string]*devcert.Certificate
	redeem     map[Address]bool // the agent banks' redemption addresses
	dir        *directory

	dirty     bool // a node learnt something since the last gossip
	gossiping bool // inside gossip: what nodes learn now comes from other nodes

	// Losses of gossip (world.LossyNetwork): for each node index, the
	// armed losses, each the number of blocks sent to the node still to
	// pass before the one lost; the blocks a node lost in transit and
	// has not received since (for the trace); and, for the mutant
	// gossip-sends-each-block-once, the blocks sent to each node since
	// it last restarted.
	lose    map[int][]int
	lostTo  map[int]map[BlockID]bool
	offered map[int]map[BlockID]bool

	blocks  map[BlockID]*blockInfo
	byRaw   map[[32]byte]*blockInfo // blocks validated with every check on, by SHA-256 of their bytes
	states  map[BlockID]*state
	byOwner map[Address][]OutPoint // every output any block created, by owner
	maxH    uint64
	static  map[[32]byte]staticResult
	flags   map[OutPoint]*conflict
	invalid map[TxID]*invalidSpend // payments refused for their sealed transfer (refusal.go)

	crl       func() *devcert.RevocationList // the central bank's current list
	crlNumber uint64                         // the number of the last list read
	revokedAt map[uint64]int64               // wallet certificate serial: Unix time of the first list naming it
	passed    map[uint64]bool                // node-checks-revocation-once-per-cert (mutant_hunt.go): serials that passed

	mutation string                 // a mutant's fault (mutant.go); "" is the reference
	literal  bool                   // chain-literal: wallets build and check literal payments
	opened   map[[32]byte]*Transfer // literal payments opened, by SHA-256 of their DER (cache)
}

type staticResult struct {
	c   *checked
	err error
}

// conflict is every transaction any node saw spending one coin, when
// there are two or more.
type conflict struct {
	point OutPoint
	txs   map[TxID]*checked
}

// window is the signer limit: a node proposes at most one of any window
// consecutive blocks, so fewer than window nodes cannot extend a chain past
// window-1 blocks.
func (bb *backbone) window() int { return len(bb.nodes)/2 + 1 }

func (bb *backbone) currentSlot() uint64 {
	return uint64(bb.w.Now().Sub(world.Epoch) / SlotDuration)
}

func (bb *backbone) check(t *Tx) (*checked, error) {
	if t.ok != nil && t.okIn == bb {
		return t.ok, nil
	}
	key := sha256.Sum256(t.Marshal())
	if r, ok := bb.static[key]; ok {
		if r.c != nil {
			copyLiteral(t, r.c)
		}
		return r.c, r.err
	}
	c, err := bb.staticCheck(t)
	if len(bb.static) > 1<<16 {
		clear(bb.static)
	}
	bb.static[key] = staticResult{c, err}
	if err == nil {
		t.ok, t.okIn = c, bb
	}
	return c, err
}

var genesisState = emptyState()

// stateOf returns the ledger after block id, rebuilding it from the
// nearest cached ancestor if the cache dropped it.
func (bb *backbone) stateOf(id BlockID) *state {
	if id == (BlockID{}) {
		return genesisState
	}
	if st, ok := bb.states[id]; ok {
		return st
	}
	var path []*blockInfo
	cur := id
	for cur != (BlockID{}) {
		if _, ok := bb.states[cur]; ok {
			break
		}
		path = append(path, bb.blocks[cur])
		cur = bb.blocks[cur].b.Parent
	}
	st := bb.stateOf(cur)
	for i := len(path) - 1; i >= 0; i-- {
		var err error
		if st, err = st.apply(path[i].b.Height, path[i].txs); err != nil {
			panic("chain: a validated block no longer applies: " + err.Error())
		}
		bb.states[path[i].id] = st
	}
	return st
}

// prune drops cached states of blocks well behind every tip; stateOf
// rebuilds one should a fork that old ever be extended.
func (bb *backbone) prune() {
	const keep = 64
	if len(bb.states) < 4*keep || bb.maxH < keep {
		return
	}
	tips := map[BlockID]bool{}
	for _, nd := range bb.nodes {
		tips[nd.best] = true
	}
	for id := range bb.states {
		if h := bb.blocks[id].b.Height; h+keep < bb.maxH && !tips[id] {
			delete(bb.states, id)
		}
	}
}

// owned returns the unspent outputs of addr on the chain of st, sorted.
func (bb *backbone) owned(st *state, addr Address) []OutPoint {
	var out []OutPoint
	seen := map[OutPoint]bool{}
	for _, op := range bb.byOwner[addr] {
		if o, ok := st.out(op); ok && o.Owner == addr && !seen[op] && st.unspent(op) {
			seen[op] = true
			out = append(out, op)
		}
	}
	slices.SortFunc(out, comparePoints)
	return out
}

func (bb *backbone) heightOf(id BlockID) uint64 {
	if id == (BlockID{}) {
		return 0
	}
	return bb.blocks[id].b.Height
}

// better is the fork choice: the higher block wins, and of two at one
// height the one with the lower id.
func (bb *backbone) better(a, b BlockID) bool {
	ha, hb := bb.heightOf(a), bb.heightOf(b)
	if ha != hb {
		return ha > hb
	}
	return bytes.Compare(a[:], b[:]) < 0
}

// validate checks a block against the chain it extends. parentKnown says
// whether the receiving node holds the parent; the backbone may hold it
// from another node, which does not count.
func (bb *backbone) validate(raw []byte, parentKnown func(BlockID) bool) (*blockInfo, error) {
	// The bytes of a block already validated (every node after the first
	// receives them): they parse to the same block, so only the parent
	// is left to check, as below.
	sum := sha256.Sum256(raw)
	if bi, ok := bb.byRaw[sum]; ok && !spec.Dropping() && bytes.Equal(bi.raw, raw) {
		if !parentKnown(bi.b.Parent) {
			return nil, spec.Errorf(spec.CodeValueMismatch, "block %d: parent %x unknown to this node", bi.b.Height, bi.b.Parent[:8])
		}
		return bi, nil
	}
	b, err := ParseBlock(raw)
	if err != nil {
		return nil, err
	}
	id := b.ID(bb.s)
	if bi, ok := bb.blocks[id]; ok {
		if !bytes.Equal(bi.raw, raw) {
			// Same header, another signature encoding or tx bytes
			// with the same root cannot happen; a different signature can.
			if err := bb.verifyProposer(b); err != nil {
				return nil, err
			}
		}
		if !parentKnown(b.Parent) {
			return nil, spec.Errorf(spec.CodeValueMismatch, "block %d: parent %x unknown to this node", b.Height, b.Parent[:8])
		}
		return bi, nil
	}
	if b.Slot > bb.currentSlot() {
		return nil, spec.Errorf(spec.CodeMalformed, "block %d: slot %d is in the future (now %d)", b.Height, b.Slot, bb.currentSlot())
	}
	if !parentKnown(b.Parent) {
		return nil, spec.Errorf(spec.CodeValueMismatch, "block %d: parent %x unknown to this node", b.Height, b.Parent[:8])
	}
	var parentSlot uint64
	if b.Parent != (BlockID{}) {
		parentSlot = bb.blocks[b.Parent].b.Slot
	}
	if b.Height != bb.heightOf(b.Parent)+1 {
		return nil, spec.Errorf(spec.CodeValueMismatch, "block height %d on a parent of height %d", b.Height, bb.heightOf(b.Parent))
	}
	if b.Slot <= parentSlot {
		return nil, spec.Errorf(spec.CodeValueMismatch, "block slot %d not after its parent's %d", b.Slot, parentSlot)
	}
	nd := bb.byID[b.Proposer]
	if nd == nil {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "proposer %q is not a master node", b.Proposer)
	}
	if want := int(b.Slot % uint64(len(bb.nodes))); nd.idx != want {
		return nil, spec.Errorf(spec.CodeWrongRecipient, "slot %d belongs to %s, not %s", b.Slot, bb.nodes[want].id, b.Proposer)
	}
	if p := bb.recentProposer(b.Parent, nd.idx); p != 0 {
		return nil, spec.Errorf(spec.CodeLimitExceeded, "%s proposed block %d, %d blocks before: one block in %d per node", b.Proposer, b.Height-uint64(p), p, bb.window())
	}
	if err := bb.verifyProposer(b); err != nil {
		return nil, err
	}
	if TxRootOf(bb.s, b.Txs) != b.TxRoot {
		return nil, spec.Errorf(spec.CodeValueMismatch, "block %d: transaction root does not match", b.Height)
	}
	bi := &blockInfo{id: id, b: b, raw: bytes.Clone(raw), proposer: nd.idx}
	for _, t := range b.Txs {
		c, err := bb.check(t)
		if err != nil {
			return nil, err
		}
		bi.txs = append(bi.txs, c)
	}
	st, err := bb.stateOf(b.Parent).apply(b.Height, bi.txs)
	if err != nil {
		return nil, err
	}
	bb.blocks[id] = bi
	if !spec.Dropping() {
		if bb.byRaw == nil {
			bb.byRaw = map[[32]byte]*blockInfo{}
		}
		bb.byRaw[sum] = bi
	}
	bb.states[id] = st
	bb.maxH = max(bb.maxH, b.Height)
	for _, c := range bi.txs {
		for j := 0; ; j++ {
			op := OutPoint{Tx: c.id, Index: uint16(j)}
			o, ok := st.out(op)
			if !ok {
				break
			}
			bb.byOwner[o.Owner] = append(bb.byOwner[o.Owner], op)
		}
	}
	return bi, nil
}

func (bb *backbone) verifyProposer(b *Block) error {
	nd := bb.byID[b.Proposer]
	if nd == nil {
		return spec.Errorf(spec.CodeUntrustedIssuer, "proposer %q is not a master node", b.Proposer)
	}
	return nd.cert.PublicKey.Verify(b.TBS(), b.Signature)
}

// recentProposer returns d in 1..window-1 if node idx proposed the block
// d blocks back from (and including) tip, or 0.
func (bb *backbone) recentProposer(tip BlockID, idx int) int {
	if bb.ignoresSignerLimit() {
		return 0
	}
	id := tip
	for d := 1; d < bb.window() && id != (BlockID{}); d++ {
		bi := bb.blocks[id]
		if bi.proposer == idx {
			return d
		}
		id = bi.b.Parent
	}
	return 0
}

// Partition splits the master nodes into groups that gossip only inside
// themselves; a node in no group is isolated. Blocks and transactions
// cross between groups only after Heal.
func (bb *backbone) partition(groups [][]int) {
	next := make([]int, len(bb.nodes))
	for i := range next {
		next[i] = -1 - i
	}
	var desc []string
	for g, members := range groups {
		var names []string
		for _, i := range members {
			if i >= 0 && i < len(bb.nodes) {
				next[i] = g
				names = append(names, bb.nodes[i].id)
			}
		}
		desc = append(desc, "{"+strings.Join(names, " ")+"}")
	}
	bb.group = next
	bb.dirty = true
	bb.w.Trace().Note("backbone", "partition %s", strings.Join(desc, " | "))
}

func (bb *backbone) heal() {
	for i := range bb.group {
		bb.group[i] = 0
	}
	bb.dirty = true
	bb.w.Trace().Note("backbone", "partition healed")
}

// round runs one slot: the clock moves to the slot's start, its proposer
// (node slot mod n) extends its best chain if the signer limit allows and
// it has work, and every node floods what it knows to the nodes of its
// group. It reports whether any node learnt anything.
func (bb *backbone) round() bool {
	s := bb.currentSlot() + 1
	bb.w.Advance(world.Epoch.Add(time.Duration(s) * SlotDuration).Sub(bb.w.Now()))
	p := bb.nodes[s%uint64(len(bb.nodes))]
	progress := false
	if bb.recentProposer(p.best, p.idx) == 0 && p.hasWork() {
		// A power cut while producing loses the block; the node
		// proposes again at a later turn.
		_ = p.powered("producing a block", func() error { p.propose(s); return nil })
		progress = true
	}
	delivered := bb.gossip()
	bb.prune()
	return delivered || progress
}

// gossip floods, inside each group, every block and transaction a member
// holds to the members that lack it (blocks in height order, so parents
// arrive first). It reports whether anything was delivered.
func (bb *backbone) gossip() bool {
	if !bb.dirty {
		return false
	}
	bb.dirty = false
	bb.gossiping = true
	defer func() { bb.gossiping = false }()
	delivered, recut := false, false
	groups := map[int][]*node{}
	var keys []int
	for _, nd := range bb.nodes {
		g := bb.group[nd.idx]
		if groups[g] == nil {
			keys = append(keys, g)
		}
		groups[g] = append(groups[g], nd)
	}
	for _, g := range keys {
		members := groups[g]
		if len(members) < 2 {
			continue
		}
		blocks := map[BlockID]bool{}
		pool := map[TxID]*Tx{}
		for _, nd := range members {
			for id := range nd.known {
				blocks[id] = true
			}
			for id, t := range nd.pool {
				if old := pool[id]; old == nil || (old.Receipt == nil && t.Receipt != nil) {
					pool[id] = t
				}
			}
		}
		for _, r := range members {
			var missing []*blockInfo
			if len(r.known) < len(blocks) {
				for id := range blocks {
					if !r.known[id] {
						missing = append(missing, bb.blocks[id])
					}
				}
			}
			slices.SortFunc(missing, func(a, b *blockInfo) int {
				if a.b.Height != b.b.Height {
					return int(a.b.Height) - int(b.b.Height)
				}
				return bytes.Compare(a.id[:], b.id[:])
			})
			missing = slices.DeleteFunc(missing, func(bi *blockInfo) bool { return bb.sentOnce(r, bi) })
			delivered = delivered || len(missing) > 0
			cut := false
			for _, bi := range missing {
				if bb.loses(r) {
					// Lost in transit: the node stays up, and the blocks
					// after this one still reach it.
					bb.w.Trace().Note(r.party(), "block %d %s lost in transit to it (it stays up)", bi.b.Height, shortID(bi.id[:]))
					bb.markLost(r, bi)
					recut = true // unacknowledged: sent again next round
					continue
				}
				if err := r.powered("receiving a block", func() error { return r.receive(bi.raw) }); errors.Is(err, errNodeCut) {
					cut = true // the next round gossips again
					break
				} else if err != nil && len(bb.lostTo[r.idx]) > 0 && !r.parentKnown(bi.b.Parent) {
					// An orphan, after a block lost in transit (only then:
					// blocks go out in height order, so an orphan without
					// an outstanding loss is a model bug): the next round
					// sends the missing blocks again.
					bb.w.Trace().Note(r.party(), "refuses block %d %s: its parent %s never arrived", bi.b.Height, shortID(bi.id[:]), shortID(bi.b.Parent[:]))
					bb.markLost(r, bi)
					recut = true
					continue
				} else if err != nil {
					panic(fmt.Sprintf("chain: %s refused gossiped block %x: %v", r.id, bi.id[:8], err))
				}
				bb.markReceived(r, bi)
			}
			if cut {
				recut = true
				continue
			}
			var send []TxID
			for id, t := range pool {
				if old := r.pool[id]; old == nil || (old.Receipt == nil && t.Receipt != nil) {
					send = append(send, id)
				}
			}
			slices.SortFunc(send, func(a, b TxID) int { return bytes.Compare(a[:], b[:]) })
			delivered = delivered || len(send) > 0
			for _, id := range send {
				_ = r.powered("receiving a transaction", func() error { return r.submit(pool[id]) })
			}
		}
	}
	// A member that lost power restarted from its store, or lost a block
	// in transit, and gossips again next round.
	bb.dirty = recut && !bb.mutated("gossip-skips-restarted-node")
	return delivered
}

// loses reports whether the block gossip sends r now is lost in transit
// (an armed loss comes due), and counts every armed loss down.
func (bb *backbone) loses(r *node) bool {
	arms := bb.lose[r.idx]
	if len(arms) == 0 {
		return false
	}
	due := false
	for i := 0; i < len(arms); {
		if arms[i] == 0 {
			// Two drops naming one node and one block lose that block
			// once: every arm that comes due now goes.
			due = true
			arms = slices.Delete(arms, i, i+1)
			continue
		}
		arms[i]--
		i++
	}
	bb.lose[r.idx] = arms
	return due
}

// markLost records a block sent to r that r lost in transit (lost) or
// refused as an orphan: sent (gossip-sends-each-block-once), and not
// received.
func (bb *backbone) markLost(r *node, bi *blockInfo) {
	if bb.lostTo == nil {
		bb.lostTo = map[int]map[BlockID]bool{}
	}
	if bb.lostTo[r.idx] == nil {
		bb.lostTo[r.idx] = map[BlockID]bool{}
	}
	bb.lostTo[r.idx][bi.id] = true
	bb.offer(r, bi)
}

// markReceived records a block r received from gossip: sent, and, if it
// was lost or refused before, traced as now received.
func (bb *backbone) markReceived(r *node, bi *blockInfo) {
	if bb.lostTo[r.idx][bi.id] {
		delete(bb.lostTo[r.idx], bi.id)
		bb.w.Trace().Note(r.party(), "receives block %d %s, sent again after it did not arrive", bi.b.Height, shortID(bi.id[:]))
	}
	bb.offer(r, bi)
}

// quiet reports whether no gossip is outstanding and no node has work:
// nothing to include and nothing on its chain short of k confirmations.
func (bb *backbone) quiet() bool {
	if bb.dirty {
		return false
	}
	for _, nd := range bb.nodes {
		if nd.hasWork() {
			return false
		}
	}
	return true
}

// maxRounds bounds how long an online operation waits for the backbone.
func (bb *backbone) maxRounds() int { return 4 * len(bb.nodes) * (bb.k + 1) }

// settle runs rounds until the backbone is quiet, or stalled (a partition
// can leave work no node may do: after n slots in a row in which no node
// learnt anything, every node had its turn and none could act, so none
// will until the partition changes), or maxRounds pass. What is pending
// then stays pending.
func (bb *backbone) settle() int {
	n, idle := 0, 0
	for ; n < bb.maxRounds() && idle < len(bb.nodes) && !bb.quiet(); n++ {
		if bb.round() {
			idle = 0
		} else {
			idle++
		}
	}
	return n
}

func (bb *backbone) flag(op OutPoint, a, b *checked) {
	if a.id == b.id || bb.skipsGossipFlags() {
		return
	}
	f := bb.flags[op]
	if f == nil {
		f = &conflict{point: op, txs: map[TxID]*checked{}}
		bb.flags[op] = f
		bb.w.Trace().Note("backbone", "double spend of %s by %s", op, a.cert.ID)
	}
	f.txs[a.id], f.txs[b.id] = a, b
}

func sortedIDs[V any](m map[TxID]V) []TxID {
	ids := slices.Collect(maps.Keys(m))
	slices.SortFunc(ids, func(a, b TxID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// globalBest is the best tip any node holds: the chain every node adopts
// once the gossip heals.
func (bb *backbone) globalBest() BlockID {
	best := BlockID{}
	for _, nd := range bb.nodes {
		if bb.better(nd.best, best) {
			best = nd.best
		}
	}
	return best
}

func shortID(b []byte) string { return hex.EncodeToString(b[:4]) }
