package kit

import (
	"cmp"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/spec/transfer"
)

// byValue is a set of held coins by coin key in the order Pick takes
// them: value descending, ties by key ascending. Core keeps one beside
// Held (and one beside what the last Load read) as the coins change, so
// that a payment's choice reads the coins it takes rather than sorting
// every coin held (a game-like card holds thousands).
type byValue []keyValue

// keyValue is a coin key and the value of the holding it names.
type keyValue struct {
	key   string
	value int64
}

func compareKeyValue(a, b keyValue) int {
	if a.value != b.value {
		return cmp.Compare(b.value, a.value)
	}
	return strings.Compare(a.key, b.key)
}

// add puts coin key k of value v in the set (once).
func (b *byValue) add(k string, v int64) {
	e := keyValue{k, v}
	if i, found := slices.BinarySearchFunc(*b, e, compareKeyValue); !found {
		*b = slices.Insert(*b, i, e)
	}
}

// remove takes coin key k of value v out of the set, if it is there.
func (b *byValue) remove(k string, v int64) {
	if i, found := slices.BinarySearchFunc(*b, keyValue{k, v}, compareKeyValue); found {
		*b = slices.Delete(*b, i, i+1)
	}
}

// byValueOf is the set of the coins of held, built whole.
func byValueOf(held map[string]*transfer.Holding) byValue {
	b := make(byValue, 0, len(held))
	for k, h := range held {
		b = append(b, keyValue{k, h.Value()})
	}
	slices.SortFunc(b, compareKeyValue)
	return b
}
