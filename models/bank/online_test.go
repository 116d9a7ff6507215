package bank

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/google/go-cmp/cmp"
	"testing"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// A withdrawal request is served once: cut before its commit nothing
// happens, cut after it the coins are issued and debited once, and
// presenting the id again returns the same coins without a second debit.
func TestWithdrawRequestUnderCuts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after bool
	}{{"cut before the commit", false}, {"cut after the commit", true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, suite.Default())
			issued := f.cb.IssuedTotal
			f.cb.ArmCut(0, tc.after)
			_, err := f.agent.WithdrawRequest(walletA, "r1", 700)
			if !NoReply(err) || spec.CodeOf(err) != ErrCut {
				t.Fatalf("cut withdrawal returned %v, want a no-reply %s", err, ErrCut)
			}
			wantBal, wantIssued := int64(opening), issued
			if tc.after {
				wantBal, wantIssued = opening-700, issued+700
			}
			if got := f.agent.Balance(walletA); got != wantBal || f.cb.IssuedTotal != wantIssued {
				t.Fatalf("after the cut: balance %d, issued %d; want %d, %d", got, f.cb.IssuedTotal, wantBal, wantIssued)
			}
			hs, err := f.agent.WithdrawRequest(walletA, "r1", 700)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			again, err := f.agent.WithdrawRequest(walletA, "r1", 700)
			if err != nil || len(again) != len(hs) || again[0].Serial != hs[0].Serial {
				t.Fatalf("a served request returned other coins: %v", err)
			}
			if got := f.agent.Balance(walletA); got != opening-700 || f.cb.IssuedTotal != issued+700 {
				t.Fatalf("after the retries: balance %d, issued %d; want %d, %d", got, f.cb.IssuedTotal, opening-700, issued+700)
			}
			if _, err := f.agent.WithdrawRequest(walletA, "r1", 800); spec.CodeOf(err) != spec.CodeMalformed || NoReply(err) {
				t.Fatalf("the same id for another amount: %v, want malformed", err)
			}
		})
	}
}

// A withdrawal cut at the bank and then a new withdrawal of the same
// amount: the client finishes the cut one first and then withdraws
// again, so the wallet gets both and its account is debited for both.
func TestClientWithdrawAfterCutIsNew(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(map[bool]string{false: "cut before the commit", true: "cut after the commit"}[after], func(t *testing.T) {
			f := newFixture(t, suite.Default())
			held := map[[16]byte]int64{}
			c := Client{Agent: f.agent, Dev: f.w.AddDevice(world.PartyID(walletA), false), Holder: walletA,
				Credit: func(hs []*transfer.Holding) error {
					for _, h := range hs {
						held[h.Serial] = h.Value()
					}
					return nil
				}}
			f.cb.ArmCut(0, after)
			if err := c.Withdraw(100); !NoReply(err) {
				t.Fatalf("cut withdrawal returned %v, want no reply", err)
			}
			if _, ok := c.Pending(); !ok {
				t.Fatal("the cut withdrawal is not journalled")
			}
			if err := c.Withdraw(100); err != nil {
				t.Fatalf("the second withdrawal of 100 fen: %v", err)
			}
			var total int64
			for _, v := range held {
				total += v
			}
			got := [2]int64{f.agent.Balance(walletA), total}
			if diff := cmp.Diff([2]int64{opening - 200, 200}, got); diff != "" {
				t.Errorf("account and credited value after two withdrawals of 100 fen (-want +got):\n%s", diff)
			}
			if _, ok := c.Pending(); ok {
				t.Error("a withdrawal is still journalled")
			}
		})
	}
}

// An exchange cut after its hand-in, before the withdrawal: the journal
// survives, and FinishExchange withdraws the value once; with every coin
// still held, it drops the journal and withdraws nothing.
func TestClientExchangeAfterCut(t *testing.T) {
	f := newFixture(t, suite.Default())
	var credited int64
	c := Client{Agent: f.agent, Dev: f.w.AddDevice(world.PartyID(walletA), false), Holder: walletA,
		Credit: func(hs []*transfer.Holding) error {
			for _, h := range hs {
				credited += h.Value()
			}
			return nil
		}}
	handedIn := false
	f.cb.ArmCut(0, false) // the withdrawal, the first bank operation here
	if err := c.Exchange([]string{"coin/1"}, 300, func() error { handedIn = true; return nil }); !NoReply(err) || !handedIn {
		t.Fatalf("cut exchange returned %v (handed in %v), want no reply after the hand-in", err, handedIn)
	}
	if _, ok := c.PendingExchange(); !ok {
		t.Fatal("the cut exchange is not journalled")
	}
	for range 2 {
		if err := c.FinishExchange(func(string) bool { return false }); err != nil {
			t.Fatalf("FinishExchange: %v", err)
		}
	}
	if diff := cmp.Diff([2]int64{opening - 300, 300}, [2]int64{f.agent.Balance(walletA), credited}); diff != "" {
		t.Errorf("account and credited value after the finished exchange (-want +got):\n%s", diff)
	}
	if err := c.Exchange([]string{"coin/2"}, 200, func() error { return spec.Errorf(ErrCut, "cut: %w", errNoReply) }); !NoReply(err) {
		t.Fatalf("exchange cut in its hand-in returned %v", err)
	}
	if err := c.FinishExchange(func(string) bool { return true }); err != nil {
		t.Fatalf("FinishExchange of coins still held: %v", err)
	}
	if _, ok := c.PendingExchange(); ok || f.agent.Balance(walletA) != opening-300 {
		t.Errorf("an exchange whose coins are all held: journal kept %v, account %d; want dropped, %d", ok, f.agent.Balance(walletA), opening-300)
	}
	// Cut in the hand-in again, then one of the two coins paid away
	// offline before the reconciliation: the other is still held, so
	// the hand-in never happened and nothing is withdrawn.
	if err := c.Exchange([]string{"coin/3", "coin/4"}, 400, func() error { return spec.Errorf(ErrCut, "cut: %w", errNoReply) }); !NoReply(err) {
		t.Fatalf("exchange cut in its hand-in returned %v", err)
	}
	if err := c.FinishExchange(func(k string) bool { return k == "coin/4" }); err != nil {
		t.Fatalf("FinishExchange with one coin paid away: %v", err)
	}
	if _, ok := c.PendingExchange(); ok || f.agent.Balance(walletA) != opening-300 {
		t.Errorf("an exchange cut before its hand-in, one coin since paid away: journal kept %v, account %d; want dropped, %d", ok, f.agent.Balance(walletA), opening-300)
	}
}
