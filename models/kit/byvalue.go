package kit

import (
	"cmp"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// byValue is a set of held coins in the order Pick takes them: value
// descending, ties by key ascending. Core keeps one beside Held (and one
// beside what the last Load read) as the coins change, so that a
// payment's choice reads the coins it takes rather than sorting every
// coin held (a game-like card holds thousands). It holds the coins of the
// key order (one pointer a coin, which an insert moves).
type byValue []*HeldCoin

func compareByValue(a, b *HeldCoin) int {
	if a.Value != b.Value {
		return cmp.Compare(b.Value, a.Value)
	}
	return strings.Compare(a.Key, b.Key)
}

// add puts e in the set (once).
func (b *byValue) add(e *HeldCoin) {
	if i, found := slices.BinarySearchFunc(*b, e, compareByValue); !found {
		*b = slices.Insert(*b, i, e)
	}
}

// remove takes coin key k of value v out of the set, if it is there.
func (b *byValue) remove(k string, v int64) {
	if i, found := slices.BinarySearchFunc(*b, &HeldCoin{Key: k, Value: v}, compareByValue); found {
		*b = slices.Delete(*b, i, i+1)
	}
}

// byValueOf is the set of the coins of keys, built whole.
func byValueOf(keys byKey) byValue {
	b := slices.Clone(byValue(keys))
	slices.SortFunc(b, compareByValue)
	return b
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
// changed (a change puts a new one), so the two share them and a copy is
// one pointer a coin.
type byKey []*HeldCoin

// instanceIDs caches the record ids heldCoin hashes (a pure function's
// cache, as IDs is: the same parsed records come back at every Load).
var instanceIDs IDs

func heldCoin(k string, h *transfer.Holding) *HeldCoin {
	inst := instanceIDs.InstanceOf(h)
	return &HeldCoin{Key: k, Instance: inst, ID: inst.String(), Value: h.Value(), Hops: len(h.Chain), Own: OwnHop(h), Holder: h.Claimed().Holder}
}

func compareHeldKey(a *HeldCoin, k string) int { return strings.Compare(a.Key, k) }

// set puts coin key k holding h in the set, replacing what k held, and
// returns the coin it put.
func (b *byKey) set(k string, h *transfer.Holding) *HeldCoin {
	e := heldCoin(k, h)
	b.put(e)
	return e
}

// put puts e in the set, replacing what e's key held.
func (b *byKey) put(e *HeldCoin) {
	if i, found := slices.BinarySearchFunc(*b, e.Key, compareHeldKey); found {
		(*b)[i] = e
	} else {
		*b = slices.Insert(*b, i, e)
	}
}

// get returns the coin of key k in the set (which holds it).
func (b byKey) get(k string) *HeldCoin {
	i, found := slices.BinarySearchFunc(b, k, compareHeldKey)
	if !found {
		panic("kit: the key order lacks coin " + k)
	}
	return b[i]
}

// remove takes coin key k out of the set, if it is there.
func (b *byKey) remove(k string) {
	if i, found := slices.BinarySearchFunc(*b, k, compareHeldKey); found {
		*b = slices.Delete(*b, i, i+1)
	}
}

// byKeyOf is the set of the coins of held, built whole.
func byKeyOf(held map[string]*transfer.Holding) byKey {
	b := make(byKey, 0, len(held))
	for k, h := range held {
		b = append(b, heldCoin(k, h))
	}
	slices.SortFunc(b, func(x, y *HeldCoin) int { return strings.Compare(x.Key, y.Key) })
	return b
}
