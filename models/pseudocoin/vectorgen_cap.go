package pseudocoin

import (
	"fmt"
	"slices"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// splitCoins is a table composition of amount: its change (the fewest
// coins), then split more times, each split replacing the largest coin
// above 1 fen by the change of its two halves (2000 becomes 1000 and
// 1000; 500 becomes 200, 50, 200 and 50), so each split adds coins and
// bytes; at most MaxCoins coins.
func splitCoins(x *pcGen, amount int64, more int) []int64 {
	coins := mustChange(x.g, amount)
	for range more {
		slices.Sort(coins)
		i := len(coins) - 1
		for i >= 0 && coins[i] == 1 {
			i--
		}
		if i < 0 {
			break
		}
		c := coins[i]
		parts := append(mustChange(x.g, c/2), mustChange(x.g, c-c/2)...)
		if len(coins)-1+len(parts) > MaxCoins {
			break
		}
		coins = append(append(coins[:i:i], coins[i+1:]...), parts...)
	}
	slices.Sort(coins)
	slices.Reverse(coins)
	return coins
}

// capShape is the shape of a record near the 64 KiB cap: it spends seven
// lineages of 15 records whose coins are split Fat times (each record
// paying the whole of the last on, from a desk bundle), and an eighth of
// Hops records whose coins are split LastMore times; its own outputs are
// split More times and its change ChangeMore times (splitCoins).
type capShape struct{ Fat, Hops, LastMore, More, ChangeMore int }

// capShapes are the shapes whose records are exactly 65 536 bytes (the
// cap) and 65 537 bytes of DER in each suite, with the labels of
// capRecord under "cap": found by capSearch (TestCapShapes re-derives
// them), and checked by the generator, which fails on any other length.
var capShapes = map[suite.ID][2]capShape{
	suite.GM:   {{Fat: 0, Hops: 12, LastMore: 0, More: 8, ChangeMore: 27}, {Fat: 0, Hops: 12, LastMore: 0, More: 8, ChangeMore: 32}},
	suite.INTL: {{Fat: 8, Hops: 14, LastMore: 3, More: 6, ChangeMore: 29}, {Fat: 8, Hops: 14, LastMore: 3, More: 6, ChangeMore: 28}},
}

// capBuilder builds the parts of cap records under label: the lineages
// (each record re-read from its DER, so that it marshals as those bytes
// instead of re-encoding its lineage each time) and the record.
type capBuilder struct {
	x                *pcGen
	label            string
	payee, challenge []byte
	amount           int64
}

func (c *capBuilder) lineage(l string, hops, more int) (*Holding, suite.PrivateKey) {
	x := c.x
	h, k := x.bundle(l+"/root", mustChange(x.g, c.amount), x.desk)
	for i := range hops {
		next := x.key(l + "/hop/" + fmt.Sprint(i))
		r, _ := x.record(l+"/hop/"+fmt.Sprint(i), []*Holding{h}, []suite.PrivateKey{k}, spki(next), c.amount, c.challenge, func(r *Record) { r.Outputs = splitCoins(x, c.amount, more) })
		if x.g.Err != nil {
			return h, k
		}
		// Re-read, so that the next hop's record marshals these bytes
		// instead of re-encoding the lineage.
		parsed, err := ParseRecord(r.Marshal())
		x.g.Fail(err)
		h, k = &Holding{Record: parsed}, next
	}
	return h, k
}

// lineages are the seven full lineages of fat.
func (c *capBuilder) lineages(fat int) ([]*Holding, []suite.PrivateKey) {
	var ins []*Holding
	var keys []suite.PrivateKey
	for i := range MaxInputs - 1 {
		h, k := c.lineage(fmt.Sprintf("%s/lineage-%d-%d", c.label, i, fat), MaxHops-1, fat)
		ins, keys = append(ins, h), append(keys, k)
	}
	return ins, keys
}

func (c *capBuilder) last(hops, more int) (*Holding, suite.PrivateKey) {
	return c.lineage(fmt.Sprintf("%s/last-%d-%d", c.label, hops, more), hops, more)
}

func (c *capBuilder) record(ins []*Holding, keys []suite.PrivateKey, more, cmore int) *Record {
	x := c.x
	r, _ := x.record(fmt.Sprintf("%s/record-%d-%d", c.label, more, cmore), ins, keys, c.payee, c.amount, c.challenge, func(r *Record) {
		r.Outputs = splitCoins(x, c.amount, more)
		if cmore > 0 {
			var in int64
			for _, h := range r.Inputs {
				in += h.Value()
			}
			r.ChangeCoins = splitCoins(x, in-c.amount, cmore)
		}
	})
	return r
}

// capRecords builds the record of each shape and checks it is of its
// size; it returns the key of each record's first input too. Lineages
// two shapes share are built once.
func (x *pcGen) capRecords(shapes []capShape, sizes []int, payee []byte, amount int64, challenge []byte) ([]*Record, []suite.PrivateKey) {
	c := &capBuilder{x: x, label: "cap", payee: payee, amount: amount, challenge: challenge}
	type built struct {
		ins  []*Holding
		keys []suite.PrivateKey
	}
	full, last := map[int]built{}, map[[2]int]built{}
	var rs []*Record
	var firsts []suite.PrivateKey
	for i, sh := range shapes {
		f, ok := full[sh.Fat]
		if !ok {
			f.ins, f.keys = c.lineages(sh.Fat)
			full[sh.Fat] = f
		}
		l, ok := last[[2]int{sh.Hops, sh.LastMore}]
		if !ok {
			h, k := c.last(sh.Hops, sh.LastMore)
			l = built{[]*Holding{h}, []suite.PrivateKey{k}}
			last[[2]int{sh.Hops, sh.LastMore}] = l
		}
		r := c.record(append(slices.Clone(f.ins), l.ins...), append(slices.Clone(f.keys), l.keys...), sh.More, sh.ChangeMore)
		if x.g.Err == nil && len(r.Marshal()) != sizes[i] {
			x.g.Fail(fmt.Errorf("cap record of shape %+v is %d bytes, want %d: run TestCapShapes", sh, len(r.Marshal()), sizes[i]))
		}
		rs, firsts = append(rs, r), append(firsts, f.keys[0])
	}
	return rs, firsts
}

// capSearch finds shapes (capShape) whose records are exactly sizes bytes
// (the first the smallest): the fewest coin splits Fat with which eight
// full lineages pass sizes[0] (measured on a record spending eight copies
// of one lineage: lengths, not validity, matter), then, in a fixed order,
// the eighth lineage's length and splits and the record's own splits,
// each try built and measured (signature lengths vary with what they
// sign). It fails g when a size is not reached.
func (x *pcGen) capSearch(sizes []int, payee []byte, amount int64, challenge []byte) []capShape {
	c := &capBuilder{x: x, label: "cap", payee: payee, amount: amount, challenge: challenge}
	size := sizes[0]
	fat := 0
	for ; fat < MaxCoins && x.g.Err == nil; fat++ {
		h, k := c.lineage(fmt.Sprintf("cap/probe-%d", fat), MaxHops-1, fat)
		if len(c.record(slices.Repeat([]*Holding{h}, MaxInputs), slices.Repeat([]suite.PrivateKey{k}, MaxInputs), 0, 0).Marshal()) > size {
			break
		}
	}
	ins, keys := c.lineages(fat)
	out := make([]capShape, len(sizes))
	found := 0
	// The record's own splits move its length by a few hundred bytes at
	// most: an eighth lineage further below is not tried.
	const reach = 300
	for hops := MaxHops - 1; hops >= 0 && x.g.Err == nil; hops-- {
		for lmore := 0; lmore <= MaxCoins && x.g.Err == nil; lmore++ {
			h, k := c.last(hops, lmore)
			all, allKeys := append(slices.Clone(ins), h), append(slices.Clone(keys), k)
			base := len(c.record(all, allKeys, 0, 0).Marshal())
			if base > slices.Max(sizes) || base+reach < size {
				continue
			}
			for more := 0; more <= MaxCoins; more++ {
				for cmore := 0; cmore <= MaxCoins; cmore++ {
					n := len(c.record(all, allKeys, more, cmore).Marshal())
					if i := slices.Index(sizes, n); i >= 0 && out[i] == (capShape{}) {
						out[i] = capShape{fat, hops, lmore, more, cmore}
						if found++; found == len(sizes) {
							return out
						}
					}
				}
			}
		}
	}
	x.g.Fail(fmt.Errorf("capSearch: no try reaches each of the sizes %v", sizes))
	return out
}
