package kit

import (
	"cmp"
	"iter"
	"strings"

	"github.com/google/btree"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// coinDegree is the B-tree degree of byValue and byKey: a node holds up
// to 2×32−1 coins, so an insert or a removal moves at most that many
// pointers however many coins are held. (Sorted slices moved every coin
// after the insertion point, pointers the collector's write barrier
// then saw one by one: a tenth of the default run's CPU while a game's
// merchant held thousands.)
const coinDegree = 32

// byValue is a set of held coins in the order Pick takes them: value
// descending, ties by key ascending. Core keeps one beside Held (and one
// beside what the last Load read) as the coins change, so that a
// payment's choice reads the coins it takes rather than sorting every
// coin held (a game-like card holds thousands). Its copies (clone) share
// nodes until either writes. The zero value is empty.
type byValue struct{ t *btree.BTreeG[*HeldCoin] }

func compareByValue(a, b *HeldCoin) int {
	if a.Value != b.Value {
		return cmp.Compare(b.Value, a.Value)
	}
	return strings.Compare(a.Key, b.Key)
}

func lessByValue(a, b *HeldCoin) bool { return compareByValue(a, b) < 0 }

// add puts e in the set, replacing the coin of e's key and value.
func (b *byValue) add(e *HeldCoin) {
	if b.t == nil {
		b.t = btree.NewG(coinDegree, lessByValue)
	}
	b.t.ReplaceOrInsert(e)
}

// remove takes coin key k of value v out of the set, if it is there.
func (b *byValue) remove(k string, v int64) {
	if b.t != nil {
		b.t.Delete(&HeldCoin{Key: k, Value: v})
	}
}

// all walks the set in order.
func (b byValue) all() iter.Seq[*HeldCoin] { return walk(b.t) }

// len is how many coins the set holds.
func (b byValue) len() int { return size(b.t) }

// clone is a copy of the set (the two share nodes until either writes).
func (b byValue) clone() byValue { return byValue{cloneTree(b.t)} }

// byValueOf is the set of the coins of keys, built whole.
func byValueOf(keys byKey) byValue {
	var b byValue
	for e := range keys.all() {
		b.add(e)
	}
	return b
}

func walk(t *btree.BTreeG[*HeldCoin]) iter.Seq[*HeldCoin] {
	return func(yield func(*HeldCoin) bool) {
		if t != nil {
			t.Ascend(btree.ItemIteratorG[*HeldCoin](yield))
		}
	}
}

func size(t *btree.BTreeG[*HeldCoin]) int {
	if t == nil {
		return 0
	}
	return t.Len()
}

func cloneTree(t *btree.BTreeG[*HeldCoin]) *btree.BTreeG[*HeldCoin] {
	if t == nil {
		return nil
	}
	return t.Clone()
}

// HeldCoin is a held coin as the reads that list every coin held want
// it, worked out once when the coin arrives: its coin key, its instance
// (bank.InstanceOf), that instance as text (Instance.String), its value
// and the hops of its lineage.
type HeldCoin struct {
	Key      string
	Instance bank.Instance
	ID       string
	Value    int64
	Hops     int
	Own      bool   // OwnHop
	Holder   string // the holder the coin names (Holding.Claimed)
}

// OwnHop reports whether h's last hop is one its holder was handed or
// made itself: a coin of one hop (an agent's hand-over) or one whose last
// record's payer holds it (change). A coin received from another wallet
// is not.
func OwnHop(h *transfer.Holding) bool {
	n := len(h.Chain)
	return n == 1 || n > 1 && h.Chain[n-1].Payer == h.Claimed().Holder
}

// byKey is a set of held coins in coin-key order. Core keeps one beside
// Held (and one beside what the last Load read) as the coins change, so
// that a state's view walks it instead of sorting every coin held and
// hashing each one's last record again. The coins it points to are never
// changed (a change puts a new one), so the two share them, and a copy
// (clone) shares nodes until either writes. The zero value is empty.
type byKey struct{ t *btree.BTreeG[*HeldCoin] }

// instanceIDs caches the record ids heldCoin hashes (a pure function's
// cache, as IDs is: the same parsed records come back at every Load).
var instanceIDs IDs

func heldCoin(k string, h *transfer.Holding) *HeldCoin {
	inst := instanceIDs.InstanceOf(h)
	return &HeldCoin{Key: k, Instance: inst, ID: inst.String(), Value: h.Value(), Hops: len(h.Chain), Own: OwnHop(h), Holder: h.Claimed().Holder}
}

func lessByKey(a, b *HeldCoin) bool { return a.Key < b.Key }

// set puts coin key k holding h in the set, replacing what k held, and
// returns the coin it put.
func (b *byKey) set(k string, h *transfer.Holding) *HeldCoin {
	e := heldCoin(k, h)
	b.put(e)
	return e
}

// put puts e in the set and returns what e's key held (nil if nothing).
func (b *byKey) put(e *HeldCoin) *HeldCoin {
	if b.t == nil {
		b.t = btree.NewG(coinDegree, lessByKey)
	}
	old, _ := b.t.ReplaceOrInsert(e)
	return old
}

// get returns the coin of key k in the set (which holds it).
func (b byKey) get(k string) *HeldCoin {
	if b.t != nil {
		if e, found := b.t.Get(&HeldCoin{Key: k}); found {
			return e
		}
	}
	panic("kit: the key order lacks coin " + k)
}

// remove takes coin key k out of the set, if it is there.
func (b *byKey) remove(k string) {
	if b.t != nil {
		b.t.Delete(&HeldCoin{Key: k})
	}
}

// all walks the set in key order.
func (b byKey) all() iter.Seq[*HeldCoin] { return walk(b.t) }

// len is how many coins the set holds.
func (b byKey) len() int { return size(b.t) }

// clone is a copy of the set (the two share nodes until either writes).
func (b byKey) clone() byKey { return byKey{cloneTree(b.t)} }

// byKeyOf is the set of the coins of held, built whole.
func byKeyOf(held map[string]*transfer.Holding) byKey {
	var b byKey
	for k, h := range held {
		b.put(heldCoin(k, h))
	}
	return b
}
