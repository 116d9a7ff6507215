package cert

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestBalanceFollowsPayments: a SIM's Balance is the value of the coins it
// holds (modeltest.BalanceFollows). It fails when the SIM changes its
// coins around the total (commit writing Held itself).
func TestBalanceFollowsPayments(t *testing.T) {
	in := newInstanceSuite(t, 7, Recovering, suite.Default())
	modeltest.BalanceFollows(t, in, &in.Table)
}
