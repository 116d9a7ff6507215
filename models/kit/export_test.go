package kit

// PickOrder lists c's coin keys in the order Pick walks them (its index).
func PickOrder(c *Core) []string {
	out := make([]string, len(c.order))
	for i, e := range c.order {
		out[i] = e.key
	}
	return out
}

// KeyOrder is what HeldCoins returns, without handing it out.
func KeyOrder(c *Core) []*HeldCoin { return c.keys }
