package kit

// PickOrder lists c's coin keys in the order Pick walks them (its index).
func PickOrder(c *Core) []string {
	out := make([]string, len(c.order))
	for i, e := range c.order {
		out[i] = e.Key
	}
	return out
}

// KeyOrder is the coins of c.Held in the key order Core keeps.
func KeyOrder(c *Core) []*HeldCoin { return c.keys }

// RemovedKept is how many removals RemovedSince remembers.
const RemovedKept = removedKept
