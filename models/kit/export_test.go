package kit

import "slices"

// PickOrder lists c's coin keys in the order Pick walks them (its index).
func PickOrder(c *Core) []string {
	var out []string
	for e := range c.order.all() {
		out = append(out, e.Key)
	}
	return out
}

// KeyOrder is the coins of c.Held in the key order Core keeps.
func KeyOrder(c *Core) []*HeldCoin { return slices.Collect(c.keys.all()) }

// RemovedKept is how many removals RemovedSince remembers.
const RemovedKept = removedKept
