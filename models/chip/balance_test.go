package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestBalanceFollowsPayments: a card's Balance is the value of the coins
// it holds (modeltest.BalanceFollows). It fails when the card changes its
// coins around the total (recoverCoins writing Held itself).
func TestBalanceFollowsPayments(t *testing.T) {
	in := newInstanceSuite(t, 7, suite.Default())
	modeltest.BalanceFollows(t, in, &in.Table)
}
