package pseudocoin

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/google/go-cmp/cmp"
)

// TestOldestPaid: the receiving keys to forget are the ones paid at the
// lowest counters, ties in key order, as a stable sort by counter gives
// them, for one over the bound and for several.
func TestOldestPaid(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	e := in.elementMust(t, in.Wallets()[0])
	rng := detrand.New(3, "oldest paid")
	for _, n := range []int{maxSeen - 1, maxSeen, maxSeen + 3} {
		for _, k := range e.dev.Keys(prefPaid) {
			e.dev.Delete(k)
		}
		puts := map[string][]byte{}
		for i := range n {
			puts[fmt.Sprintf("%s%04x", prefPaid, rng.IntN(1<<16)<<4|i%16)] = fmt.Appendf(nil, "%016d", rng.IntN(n/2+1))
		}
		e.dev.Commit(puts, nil)
		paid := e.dev.Keys(prefPaid)
		want := slices.Clone(paid)
		slices.SortStableFunc(want, func(a, b string) int { return strings.Compare(string(puts[a]), string(puts[b])) })
		want = want[:max(0, len(paid)-maxSeen+1)]
		if len(want) == 0 {
			want = nil
		}
		if diff := cmp.Diff(want, oldestPaid(e)); diff != "" {
			t.Errorf("%d paid keys: oldestPaid (-want +got):\n%s", len(paid), diff)
		}
	}
}
