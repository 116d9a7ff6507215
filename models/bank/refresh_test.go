package bank

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
	"github.com/google/go-cmp/cmp"
)

// hops is a holding worth value after n hops (only the last hop's outputs
// matter to Value and LongLineage).
func hops(n int, serial byte, value int64) *transfer.Holding {
	s := coin.Serial{serial}
	h := &transfer.Holding{Serial: s, Chain: make([]*transfer.Signed, n)}
	for i := range h.Chain {
		h.Chain[i] = &transfer.Signed{Record: transfer.Record{Outputs: []transfer.Output{{Serial: s, Value: value}}}}
	}
	return h
}

// Refresh settles first, drops the journal of an exchange whose coins are
// all still held, and exchanges the coins of long lineage for their value
// once; with none stale, or when Stale fails, it exchanges nothing.
func TestClientRefresh(t *testing.T) {
	f := newFixture(t, suite.Default())
	var credited int64
	c := Client{Agent: f.agent, Dev: f.w.AddDevice(world.PartyID(walletA), false), Holder: walletA,
		Credit: func(hs []*transfer.Holding) error {
			for _, h := range hs {
				credited += h.Value()
			}
			return nil
		}}
	c.Dev.Put(ExchangeKey, mustJSON(Exchange{Withdrawal{Request: "cut-before-hand-in", Amount: 100}, []string{"short"}}))
	coins := map[string]*transfer.Holding{
		"short": hops(1, 1, 100),
		"long1": hops(ExchangeHops, 2, 200),
		"long2": hops(transfer.MaxHops, 3, 50),
	}
	var steps []string
	w := Refresh{
		Settle: func() error { steps = append(steps, "settle"); return nil },
		Coins: func() (map[string]*transfer.Holding, error) {
			steps = append(steps, "coins")
			return maps.Clone(coins), nil
		},
		Deposit: func(keys []string) error {
			steps = append(steps, "deposit "+strings.Join(keys, " "))
			for _, k := range keys {
				delete(coins, k)
			}
			return nil
		},
	}
	if err := c.Refresh(w); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if diff := cmp.Diff([]string{"settle", "coins", "coins", "deposit long1 long2"}, steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if _, ok := c.PendingExchange(); ok {
		t.Error("an exchange journal is left")
	}
	if diff := cmp.Diff([2]int64{opening - 250, 250}, [2]int64{f.agent.Balance(walletA), credited}); diff != "" {
		t.Errorf("account and credited value (-want +got):\n%s", diff)
	}
	steps = nil
	if err := c.Refresh(w); err != nil || len(steps) != 3 || credited != 250 {
		t.Errorf("Refresh with nothing stale: %v, steps %q, credited %d", err, steps, credited)
	}
	boom := errors.New("boom")
	w.Stale = func(map[string]*transfer.Holding) ([]string, error) { return []string{"short"}, boom }
	if err := c.Refresh(w); !errors.Is(err, boom) || credited != 250 {
		t.Errorf("Refresh whose Stale fails: %v, credited %d", err, credited)
	}
	w.Stale = func(map[string]*transfer.Holding) ([]string, error) { return []string{"short"}, nil }
	if err := c.Refresh(w); err != nil || credited != 350 || len(coins) != 0 {
		t.Errorf("Refresh of what Stale picks: %v, credited %d, coins left %d", err, credited, len(coins))
	}
}

// MarkHeld marks the instances of the holdings that parse.
func TestMarkHeld(t *testing.T) {
	f := newFixture(t, suite.Default())
	hs, err := f.agent.WithdrawRequest(walletA, "mark", 100)
	if err != nil || len(hs) == 0 {
		t.Fatalf("withdraw: %v, %d holdings", err, len(hs))
	}
	have := map[Instance]bool{}
	MarkHeld(have, [][]byte{[]byte("not a holding"), hs[0].Marshal()}, InstanceOf)
	if diff := cmp.Diff(map[Instance]bool{InstanceOf(hs[0]): true}, have); diff != "" {
		t.Errorf("marked (-want +got):\n%s", diff)
	}
}
