package chain

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// lastSent returns the id of the newest payment in a wallet's log.
func lastSent(t interface{ Fatal(...any) }, in *Instance, w world.PartyID) TxID {
	lps := in.Own[w].outEntries()
	if len(lps) == 0 {
		t.Fatal("no payment in the log of " + string(w))
	}
	return lps[len(lps)-1].id
}

func statuses(in *Instance, id TxID) []txStatus {
	var out []txStatus
	for _, nd := range in.bb.nodes {
		out = append(out, nd.status(id))
	}
	return out
}

func allFinal(in *Instance, id TxID) bool {
	for _, s := range statuses(in, id) {
		if s != statusFinal {
			return false
		}
	}
	return true
}

func anyFinal(in *Instance, id TxID) bool {
	for _, s := range statuses(in, id) {
		if s == statusFinal {
			return true
		}
	}
	return false
}

// Two halves of the backbone build competing chains; neither can finalise
// (each has ⌊n/2⌋ nodes, so the signer limit stops it at ⌊n/2⌋ blocks);
// once healed every node adopts the chain the fork rule picks, and the
// transactions of the losing fork are included again and become final.
func TestForkAndChoice(t *testing.T) {
	in := newInstance(t, 21)
	for _, w := range []world.PartyID{"wallet-A", "wallet-C"} {
		modeltest.MustFund(t, in, w, 1000)
	}
	in.Pay("wallet-A", "wallet-B", 230, nil)
	in.Pay("wallet-C", "wallet-B", 120, nil)
	pa, pc := lastSent(t, in, "wallet-A"), lastSent(t, in, "wallet-C")
	// Pair each of the two latest proposers with one of the others, so
	// that both halves have a node the signer limit lets propose.
	base := in.bb.nodes[0].best
	p1 := in.bb.blocks[base].proposer
	p2 := in.bb.blocks[in.bb.blocks[base].b.Parent].proposer
	var q []int
	for i := range 4 {
		if i != p1 && i != p2 {
			q = append(q, i)
		}
	}
	side := [][]int{{p1, q[0]}, {p2, q[1]}}
	in.Partition(side...)
	in.SetGateway("wallet-A", side[0][1])
	in.SetGateway("wallet-C", side[1][1])
	in.Reconcile("wallet-A")
	in.Reconcile("wallet-C")
	na, nc := in.bb.nodes[side[0][1]], in.bb.nodes[side[1][1]]
	hb := in.bb.heightOf(base)
	if na.best == nc.best || in.bb.heightOf(na.best) <= hb || in.bb.heightOf(nc.best) <= hb ||
		in.bb.heightOf(na.best) > hb+2 || in.bb.heightOf(nc.best) > hb+2 {
		t.Fatalf("no fork: %d %s / %d %s from %d", in.bb.heightOf(na.best), shortID(na.best[:]), in.bb.heightOf(nc.best), shortID(nc.best[:]), hb)
	}
	if anyFinal(in, pa) || anyFinal(in, pc) {
		t.Fatalf("a half of the backbone finalised: %v %v", statuses(in, pa), statuses(in, pc))
	}
	if in.View("wallet-A").Offline() != 770 {
		t.Fatalf("A's own change is not spendable during the partition: %+v", in.View("wallet-A"))
	}
	want := na.best
	if in.bb.better(nc.best, want) {
		want = nc.best
	}
	in.Heal()
	in.bb.gossip()
	for _, nd := range in.bb.nodes {
		if nd.best != want {
			t.Fatalf("%s adopted %s, the fork rule picks %s", nd.id, shortID(nd.best[:]), shortID(want[:]))
		}
	}
	for _, w := range []world.PartyID{"wallet-A", "wallet-B", "wallet-C"} {
		modeltest.MustReconcile(t, in, w)
	}
	if !allFinal(in, pa) || !allFinal(in, pc) {
		t.Fatalf("after healing: %v %v", statuses(in, pa), statuses(in, pc))
	}
	if b := in.View("wallet-B"); b.Offline() != 350 {
		t.Fatalf("B holds %d, want 350", b.Offline())
	}
	checkBalanced(t, in, "the fork")
}

// Two competing blocks at one height: every node adopts the one with the
// lower block id, whichever arrives first; a higher block beats both.
func TestForkChoiceTieBreak(t *testing.T) {
	in := newInstance(t, 25)
	modeltest.MustFund(t, in, "wallet-A", 1000)
	nodes := in.bb.nodes
	tip := nodes[0].best
	h, ts := in.bb.heightOf(tip), in.bb.blocks[tip].b.Slot
	var eligible []int
	for i := range 4 {
		if in.bb.recentProposer(tip, i) == 0 {
			eligible = append(eligible, i)
		}
	}
	slot := func(idx int, after uint64) uint64 {
		for s := after + 1; ; s++ {
			if int(s%4) == idx {
				return s
			}
		}
	}
	x, y := eligible[0], eligible[1]
	sx, sy := slot(x, ts), slot(y, ts)
	for in.bb.currentSlot() < max(sx, sy)+8 {
		in.bb.w.Advance(SlotDuration)
	}
	bx, by := signedBlock(in, nodes[x], tip, h+1, sx, nil), signedBlock(in, nodes[y], tip, h+1, sy, nil)
	px, _ := ParseBlock(bx)
	py, _ := ParseBlock(by)
	ix, iy := px.ID(in.bb.s), py.ID(in.bb.s)
	low := ix
	if bytes.Compare(iy[:], ix[:]) < 0 {
		low = iy
	}
	for i, order := range [][2][]byte{{bx, by}, {by, bx}} {
		nd := nodes[i]
		for _, raw := range order {
			if err := nd.receive(raw); err != nil {
				t.Fatal(err)
			}
		}
		if nd.best != low {
			t.Fatalf("order %d: %s adopted %s, the lower id is %s", i, nd.id, shortID(nd.best[:]), shortID(low[:]))
		}
	}
	// The higher id's chain grows by one block: it wins.
	hi, hiIdx := iy, y
	if low == iy {
		hi, hiIdx = ix, x
	}
	z := -1
	for i := range 4 {
		if i != hiIdx && in.bb.recentProposer(hi, i) == 0 {
			z = i
			break
		}
	}
	bz := signedBlock(in, nodes[z], hi, h+2, slot(z, max(sx, sy)), nil)
	for in.bb.currentSlot() < slot(z, max(sx, sy)) {
		in.bb.w.Advance(SlotDuration)
	}
	if err := nodes[0].receive(bz); err != nil {
		t.Fatal(err)
	}
	pz, _ := ParseBlock(bz)
	if nodes[0].best != pz.ID(in.bb.s) {
		t.Fatal("the higher chain did not win")
	}
}

// A majority group finalises; the lone node of the minority extends its
// fork by at most ⌊n/2⌋ blocks and finalises nothing; after healing it
// follows the majority.
func TestMinorityCannotFinalise(t *testing.T) {
	in := newInstance(t, 22)
	modeltest.MustFund(t, in, "wallet-A", 1000)
	modeltest.MustFund(t, in, "wallet-B", 1000)
	if err := in.SetGateway("wallet-B", 3); err != nil {
		t.Fatal(err)
	}
	in.Pay("wallet-A", "wallet-C", 100, nil)
	in.Pay("wallet-B", "wallet-C", 200, nil)
	pa, pb := lastSent(t, in, "wallet-A"), lastSent(t, in, "wallet-B")
	base := in.bb.heightOf(in.bb.nodes[3].best)
	in.Partition([]int{0, 1, 2}, []int{3})
	in.Reconcile("wallet-A")
	in.Reconcile("wallet-B")
	in.Rounds(40)
	if s := in.bb.nodes[0].status(pa); s != statusFinal {
		t.Fatalf("the majority did not finalise A's payment: %v", s)
	}
	n3 := in.bb.nodes[3]
	if h := in.bb.heightOf(n3.best); h > base+uint64(len(in.bb.nodes)/2) {
		t.Fatalf("a lone node extended its fork to %d from %d", h, base)
	}
	if n3.status(pb) == statusFinal || anyFinal(in, pb) {
		t.Fatalf("the minority finalised: %v", statuses(in, pb))
	}
	in.Heal()
	in.Reconcile("wallet-B")
	if !allFinal(in, pa) || !allFinal(in, pb) {
		t.Fatalf("after healing: %v %v", statuses(in, pa), statuses(in, pb))
	}
}

// A node's persistent store is enough to rebuild its view.
func TestNodeRecover(t *testing.T) {
	in := newInstance(t, 23)
	in.Fund("wallet-A", 5000)
	in.Pay("wallet-A", "wallet-B", 1230, nil)
	in.Partition([]int{0, 1}, []int{2, 3})
	in.Reconcile("wallet-A")
	in.Reconcile("wallet-B")
	for _, nd := range in.bb.nodes {
		best, known, pool := nd.best, len(nd.known), len(nd.pool)
		nd.recover()
		if nd.best != best || len(nd.known) != known || len(nd.pool) != pool {
			t.Fatalf("%s recovered best %s (%d blocks, %d txs), had %s (%d, %d)", nd.id, shortID(nd.best[:]), len(nd.known), len(nd.pool), shortID(best[:]), known, pool)
		}
	}
}

// Property (R2.6): a cloned wallet pays one coin to two payees; under a
// random schedule of partitions, healings, rounds and uploads of either
// payment to any node, at no moment are both payments final at any nodes;
// once the backbone heals and settles, exactly one is final at every node
// and the other is dead everywhere.
func TestSafetyUnderPartitions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := newInstance(t, rapid.Uint64().Draw(t, "seed"))
		if err := in.Fund("wallet-A", 500); err != nil {
			t.Fatal(err)
		}
		clone, _ := in.Clone("wallet-A")
		in.Pay("wallet-A", "wallet-B", 300, nil)
		in.Pay(clone, "wallet-C", 300, nil)
		txs := []*Tx{{Payment: in.Own["wallet-A"].outEntries()[0].p}, {Payment: in.Own[clone].outEntries()[0].p}}
		ids := []TxID{txs[0].ID(in.bb.s), txs[1].ID(in.bb.s)}
		everFinal := map[TxID]bool{}
		observe := func(after string) {
			for _, id := range ids {
				if anyFinal(in, id) {
					everFinal[id] = true
				}
			}
			if len(everFinal) > 1 {
				t.Fatalf("both conflicting payments final after %s: %v / %v", after, statuses(in, ids[0]), statuses(in, ids[1]))
			}
		}
		node := rapid.IntRange(0, 3)
		t.Repeat(map[string]func(*rapid.T){
			"partition": func(t *rapid.T) {
				groups := make([][]int, 3)
				for i := range 4 {
					g := rapid.IntRange(0, 2).Draw(t, "group")
					groups[g] = append(groups[g], i)
				}
				in.Partition(groups...)
			},
			"heal": func(t *rapid.T) { in.Heal() },
			"upload": func(t *rapid.T) {
				which := rapid.IntRange(0, 1).Draw(t, "payment")
				err := in.bb.nodes[node.Draw(t, "node")].submit(txs[which])
				if c := spec.CodeOf(err); err != nil && c != spec.CodeDoubleSpend {
					t.Fatalf("upload refused with %v", err)
				}
			},
			"rounds": func(t *rapid.T) {
				for range rapid.IntRange(1, 12).Draw(t, "rounds") {
					in.bb.round()
					observe("a round")
				}
			},
			"": func(t *rapid.T) { observe("an action") },
		})
		in.Heal()
		for _, tx := range txs {
			in.bb.nodes[0].submit(tx)
		}
		in.bb.settle()
		observe("healing")
		tips := map[BlockID]bool{}
		for _, nd := range in.bb.nodes {
			tips[nd.best] = true
		}
		if len(tips) != 1 {
			t.Fatalf("the healed backbone did not converge: %d tips", len(tips))
		}
		winners := 0
		for _, id := range ids {
			switch s := statuses(in, id)[0]; {
			case allFinal(in, id):
				winners++
			case s != statusDead && s != statusUnknown: // unknown: refused at upload as a double spend
				t.Fatalf("payment %s is neither final nor dead: %v", shortID(id[:]), statuses(in, id))
			}
		}
		if winners != 1 {
			t.Fatalf("%d of the two conflicting payments final", winners)
		}
		ds := in.DoubleSpends()
		if len(ds) != 1 || ds[0].Culprit != "wallet-A" {
			t.Fatalf("flags: %v", ds)
		}
	})
}

// signedBlock builds a block by node nd with the given fields and signs it.
func signedBlock(in *Instance, nd *node, parent BlockID, height, slot uint64, txs []*Tx) []byte {
	b := &Block{Header: Header{Version: Version1, Height: height, Slot: slot, Parent: parent, Proposer: nd.id}, Txs: txs}
	b.TxRoot = TxRootOf(in.bb.s, txs)
	sig, err := nd.key.Sign(b.TBS())
	if err != nil {
		panic(err)
	}
	b.Signature = sig
	return b.Marshal()
}

// Every block rule is enforced by the receiving node with a typed error,
// and a refused block changes nothing. The blocks are signed with the
// master nodes' real keys, so only the rule stops them.
func TestBlockRulesRefused(t *testing.T) {
	in := newInstance(t, 24)
	modeltest.MustFund(t, in, "wallet-A", 1000)
	in.Pay("wallet-A", "wallet-B", 230, nil)
	pay := &Tx{Payment: in.Own["wallet-A"].outEntries()[0].p}
	in.Rounds(3)
	nodes := in.bb.nodes
	tip := nodes[0].best
	h := in.bb.heightOf(tip)
	tipSlot := in.bb.blocks[tip].b.Slot
	last := in.bb.blocks[tip].proposer
	// The next slots after the tip, and who owns them.
	slotOf := func(owner int) uint64 {
		for s := tipSlot + 1; ; s++ {
			if int(s%4) == owner {
				return s
			}
		}
	}
	next := (last + 2) % 4 // not the tip's proposer, nor the one before
	for in.bb.recentProposer(tip, next) != 0 {
		next = (next + 1) % 4
	}
	ns := slotOf(next)
	for in.bb.currentSlot() < ns+8 {
		in.bb.w.Advance(SlotDuration)
	}
	good := signedBlock(in, nodes[next], tip, h+1, ns, []*Tx{pay})
	cases := []struct {
		name string
		raw  []byte
		code spec.Code
	}{
		{"garbage", []byte{0x7c, 0x03, 0x02, 0x01, 0x01}, spec.CodeMalformed},
		{"truncated", good[:len(good)-5], spec.CodeMalformed},
		{"trailing byte", append(bytes.Clone(good), 0), spec.CodeMalformed},
		{"slot of another node", signedBlock(in, nodes[next], tip, h+1, slotOf((next+1)%4), []*Tx{pay}), spec.CodeWrongRecipient},
		{"signer limit", signedBlock(in, nodes[last], tip, h+1, slotOf(last), []*Tx{pay}), spec.CodeLimitExceeded},
		{"future slot", signedBlock(in, nodes[next], tip, h+1, ns+4*1000, []*Tx{pay}), spec.CodeMalformed},
		{"slot not after parent", signedBlock(in, nodes[next], tip, h+1, slotBefore(tipSlot, next), []*Tx{pay}), spec.CodeValueMismatch},
		{"wrong height", signedBlock(in, nodes[next], tip, h+2, ns, []*Tx{pay}), spec.CodeValueMismatch},
		{"unknown parent", signedBlock(in, nodes[next], BlockID{1}, h+1, ns, []*Tx{pay}), spec.CodeValueMismatch},
		{"transaction twice", signedBlock(in, nodes[next], tip, h+1, ns, []*Tx{pay, pay}), spec.CodeMalformed},
		{"unknown proposer", func() []byte {
			b, _ := ParseBlock(good)
			b.Proposer = "EVIL-NODE"
			return b.Marshal()
		}(), spec.CodeUntrustedIssuer},
		{"bad signature", func() []byte {
			b, _ := ParseBlock(good)
			b.Signature = signedBlockSig(in, nodes[(next+1)%4], b)
			return b.Marshal()
		}(), spec.CodeBadSignature},
		{"transaction root", func() []byte {
			b, _ := ParseBlock(good)
			b.Txs = nil
			sig, _ := nodes[next].key.Sign(b.TBS())
			b.Signature = sig
			return b.Marshal()
		}(), spec.CodeValueMismatch},
	}
	target := nodes[(next+2)%4]
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := storeOf(target.dev)
			a0 := in.Audit()
			err := in.Inject(target.party(), false, 0, c.raw)
			if got := spec.CodeOf(err); got != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if !bytes.Equal(before, storeOf(target.dev)) || in.Audit() != a0 {
				t.Fatal("a refused block changed the node")
			}
		})
	}
	if err := in.Inject(target.party(), false, 0, good); err != nil {
		t.Fatalf("the valid block: %v", err)
	}
	if target.best == tip {
		t.Fatal("the valid block was not adopted")
	}
}

func signedBlockSig(in *Instance, nd *node, b *Block) []byte {
	sig, _ := nd.key.Sign(b.TBS())
	return sig
}

// storeOf serialises a device store for before/after comparisons.
func storeOf(d *world.Device) []byte {
	var b bytes.Buffer
	for _, k := range d.Keys("") {
		v, _ := d.Get(k)
		fmt.Fprintf(&b, "%s=%x\n", k, v)
	}
	return b.Bytes()
}

// slotBefore returns the latest slot at or before s owned by node idx.
func slotBefore(s uint64, idx int) uint64 {
	for int(s%4) != idx {
		s--
	}
	return s
}
