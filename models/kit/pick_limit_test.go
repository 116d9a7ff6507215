package kit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Pick's two refusals: coins that do not cover the amount are
// insufficient-funds (stating what they do cover), coins that cover it
// when no most of them do are limit-exceeded, for cert and chip alike.
func TestPickLimitAndFunds(t *testing.T) {
	held := func(values ...int64) *Core {
		c := &Core{Held: map[string]*transfer.Holding{}}
		for i, v := range values {
			c.SetHeld(fmt.Sprintf("k%02d", i), &transfer.Holding{Root: &coin.Signed{Coin: coin.Coin{Denomination: v}}})
		}
		return c
	}
	nine := []int64{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}
	mixed := []int64{5000, 100, 100, 100, 100, 100, 100, 100, 100, 100}
	all := func(*transfer.Holding) bool { return true }
	for _, tc := range []struct {
		coins  []int64
		amount int64
		n      int
		code   spec.Code
		msg    string
	}{
		{nine, 8000, 8, "", ""},
		{nine, 7500, 8, "", ""},
		{mixed, 5500, 6, "", ""},
		{nine, 9000, 0, spec.CodeLimitExceeded, "no 8 of them"},
		{nine, 9001, 0, spec.CodeInsufficient, "holds 9000 fen"},
	} {
		picked, err := held(tc.coins...).Pick(tc.amount, 8, all, "wallet")
		if tc.code == "" {
			if err != nil || len(picked) != tc.n {
				t.Errorf("%v paying %d: %d coins, %v; want %d coins", tc.coins, tc.amount, len(picked), err, tc.n)
			}
			continue
		}
		var e *spec.Error
		if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v paying %d: %v, want %s saying %q", tc.coins, tc.amount, err, tc.code, tc.msg)
		}
	}
}
