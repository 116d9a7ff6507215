package bank

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestLongLineageIsTheSortedScan: LongLineage, which sorts only the keys
// it returns, returns what the scan of every key in order returns, for
// random coins of random lineage lengths with and without also.
func TestLongLineageIsTheSortedScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		coins := map[string]*transfer.Holding{}
		for i := range rng.IntN(40) {
			coins[fmt.Sprintf("k%03d", rng.IntN(1000)+i*1000)] = &transfer.Holding{Chain: make([]*transfer.Signed, rng.IntN(2*ExchangeHops))}
		}
		also := func(k string) bool { return k[len(k)-1] == '7' }
		for _, f := range []func(string) bool{nil, also} {
			var want []string
			for _, k := range slices.Sorted(maps.Keys(coins)) {
				if len(coins[k].Chain) >= ExchangeHops || f != nil && f(k) {
					want = append(want, k)
				}
			}
			if diff := cmp.Diff(want, LongLineage(coins, f)); diff != "" {
				t.Fatalf("trial %d, also %v (-want +got):\n%s", trial, f != nil, diff)
			}
		}
	}
}
