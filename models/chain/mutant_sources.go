package chain

// lumpMint is what mint-lumps-holdings makes of a mint: one output of the
// holdings' total.
func lumpMint(c *checked) []Output {
	var sum int64
	for _, v := range c.mintVals {
		sum += v
	}
	return []Output{{Value: sum, Owner: c.tx.Mint.Owner}}
}
