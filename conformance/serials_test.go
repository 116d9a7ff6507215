package conformance

import (
	"math/rand/v2"
	"testing"

	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestSerialLinkageFilter: serialLinkage, which looks up only the offsets
// whose serial passes the game's filter (serialBits), attributes every
// view as looking up every offset does (the distinguisher before the
// filter, serialLinkageAll): views of random bytes with serials of either
// candidate, their children and unknown serials planted, one or both
// candidates' or none.
func TestSerialLinkageFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	serial := func() (s coin.Serial) {
		for i := range s {
			s[i] = byte(rng.IntN(256))
		}
		return s
	}
	g := &game{}
	if c, why := serialLinkage(g, &payView{items: []viewItem{{"x", make([]byte, 64)}}}); c != -1 || why != "" {
		t.Fatalf("no candidate with serials: serialLinkage = %d, %q", c, why)
	}
	var known [2][]coin.Serial
	for i := range g.cands {
		g.cands[i] = &candidate{party: "p", serials: map[coin.Serial]string{}}
		for range 50 {
			s := serial()
			g.addSerial(i, s, "test")
			known[i] = append(known[i], s, transfer.ChildSerial(s, rng.IntN(transfer.MaxOutputs)))
		}
	}
	hits := map[int]int{}
	for n := range 2000 {
		var v payView
		for range 1 + rng.IntN(3) {
			b := make([]byte, rng.IntN(300))
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			for range rng.IntN(3) {
				if len(b) < 16 {
					break
				}
				var s coin.Serial
				switch r := rng.IntN(5); {
				case r < 2:
					s = known[r][rng.IntN(len(known[r]))]
				default:
					s = serial()
				}
				copy(b[rng.IntN(len(b)-15):], s[:])
			}
			v.items = append(v.items, viewItem{"item", b})
		}
		wc, wwhy := serialLinkageAll(g, &v)
		gc, gwhy := serialLinkage(g, &v)
		if wc != gc || wwhy != gwhy {
			t.Fatalf("view %d: serialLinkage = %d, %q; looking up every offset: %d, %q", n, gc, gwhy, wc, wwhy)
		}
		hits[gc]++
	}
	if hits[0] == 0 || hits[1] == 0 || hits[-1] == 0 {
		t.Errorf("attributions %v: want views attributed to each candidate and to none", hits)
	}
}

// serialLinkageAll is serialLinkage without the filter: every offset of
// every item looked up in both candidates' serials.
func serialLinkageAll(g *game, v *payView) (int, string) {
	return serialScan(g, v, func([]byte) bool { return true })
}
