package cryptofloor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestQuantile: each operation's quantile is taken over its own rounds,
// so one slow round of one operation moves neither the median of that
// operation nor any other's; pooling adds rounds.
func TestQuantile(t *testing.T) {
	us := func(n int) time.Duration { return time.Duration(n) * time.Microsecond }
	c := func(n int) Costs {
		return Costs{Sign: us(n), Verify: us(10 * n), Seal: us(100 * n), Open: us(n), KeyGen: us(n)}
	}
	before := Samples{rounds: []Costs{c(3), c(1), c(2)}}
	slow := c(2)
	slow.Sign = us(1000) // a collection during one round of Sign
	after := Samples{rounds: []Costs{slow, c(2)}}
	all := before.Add(after)
	if all.Len() != 5 || before.Len() != 3 {
		t.Fatalf("pooled %d rounds (before %d), want 5 (3)", all.Len(), before.Len())
	}
	if d := cmp.Diff(c(2), all.Quantile(0.5)); d != "" {
		t.Errorf("median (-want +got):\n%s", d)
	}
	if d := cmp.Diff(c(1), all.Quantile(0)); d != "" {
		t.Errorf("minimum (-want +got):\n%s", d)
	}
	want := c(3)
	want.Sign = us(1000)
	if d := cmp.Diff(want, all.Quantile(1)); d != "" {
		t.Errorf("maximum (-want +got):\n%s", d)
	}
	if got := (Samples{}).Quantile(0.5); got != (Costs{}) {
		t.Errorf("no rounds priced %+v", got)
	}
}

// TestMeasureRounds: every round prices every operation, nothing measured
// is counted, and zero rounds are refused.
func TestMeasureRounds(t *testing.T) {
	s, err := suite.ByID(suite.GM)
	if err != nil {
		t.Fatal(err)
	}
	before := opcount.Of(s.ID())
	ss, err := MeasureRounds(s, 64, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := opcount.Of(s.ID()).Sub(before); got != (opcount.Ops{}) {
		t.Errorf("measuring counted %+v, want nothing", got)
	}
	if ss.Len() != 3 {
		t.Fatalf("%d rounds, want 3", ss.Len())
	}
	for i, c := range ss.rounds {
		if c.Sign <= 0 || c.Verify <= 0 || c.Seal <= 0 || c.Open <= 0 || c.KeyGen <= 0 {
			t.Errorf("round %d: unit costs %+v, want all positive", i, c)
		}
	}
	if _, err := MeasureRounds(s, 64, 2, 0); err == nil {
		t.Error("zero rounds measured")
	}
}

// TestMean: the mean prices every round, a slow one included (the run's
// operations meet the same disturbances), operation by operation.
func TestMean(t *testing.T) {
	us := func(n int) time.Duration { return time.Duration(n) * time.Microsecond }
	ss := Samples{rounds: []Costs{{Sign: us(10), Verify: us(40)}, {Sign: us(10), Verify: us(40)}, {Sign: us(40), Verify: us(40)}}}
	if d := cmp.Diff(Costs{Sign: us(20), Verify: us(40)}, ss.Mean()); d != "" {
		t.Errorf("mean (-want +got):\n%s", d)
	}
	if got := (Samples{}).Mean(); got != (Costs{}) {
		t.Errorf("no rounds priced %+v", got)
	}
}
