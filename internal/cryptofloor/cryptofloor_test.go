package cryptofloor_test

import (
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestMeasureUncounted: measuring unit costs prices every operation and
// leaves the counts of the run it prices as they were.
func TestMeasureUncounted(t *testing.T) {
	for _, s := range suite.All() {
		before, saved := opcount.Of(s.ID()), opcount.SavedOf(s.ID())
		c, err := cryptofloor.Measure(s, 64, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := opcount.Of(s.ID()).Sub(before); got != (opcount.Ops{}) {
			t.Errorf("%s: measuring counted %+v, want nothing", s.ID(), got)
		}
		// A memo's answer counts as saved: the unit costs would time it.
		if got := opcount.SavedOf(s.ID()).Sub(saved); got.PublicKeyOps() != 0 {
			t.Errorf("%s: measuring was answered from a memo %+v times: it timed lookups", s.ID(), got)
		}
		if c.Sign <= 0 || c.Verify <= 0 || c.Seal <= 0 || c.Open <= 0 || c.KeyGen <= 0 {
			t.Errorf("%s: unit costs %+v, want all positive", s.ID(), c)
		}
	}
}

func TestFloor(t *testing.T) {
	c := cryptofloor.Costs{Sign: 2 * time.Microsecond, Verify: 3 * time.Microsecond, Seal: 5 * time.Microsecond, Open: 7 * time.Microsecond, KeyGen: 11 * time.Microsecond}
	ops := opcount.Ops{Sign: 1, Verify: 2, Seal: 3, Open: 4, KeyGen: 5, Hashed: 1000}
	if got, want := c.Floor(ops), (2+6+15+28+55)*time.Microsecond; got != want {
		t.Errorf("Floor = %v, want %v (hashed bytes are not priced)", got, want)
	}
}
