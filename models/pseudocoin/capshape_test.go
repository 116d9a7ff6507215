package pseudocoin

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// TestCapShapes: the shapes the pay vectors build their records at and
// one byte over the 64 KiB cap from (capShapes) are the ones capSearch
// finds, with the payee key and challenge of those vectors. The generator
// fails when a shape's record is not of its length, so a stale shape
// cannot publish a wrong boundary; this test says what to put instead.
func TestCapShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("the search builds and measures about a thousand records of 64 KiB in each suite (about 4 s of CPU each); the vector generator checks every shape's length")
	}
	for _, id := range []suite.ID{suite.GM, suite.INTL} {
		s, err := suite.ByID(id)
		if err != nil {
			t.Fatal(err)
		}
		g := &vgen.Gen{S: s, ID: string(id)}
		x := newPCGen(g)
		got := x.capSearch([]int{MaxHolding, MaxHolding + 1}, spki(x.key("receive")), 3000, g.Src("pseudocoin/challenge").Bytes(ChallengeLen))
		if g.Err != nil {
			t.Fatalf("%s: %v", id, g.Err)
		}
		want := capShapes[id]
		if diff := cmp.Diff(want[:], got); diff != "" {
			t.Errorf("%s: capShapes (-want +got):\n%s", id, diff)
		}
	}
}
