package kit

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Core.KeyFor: a coin held under another id the element has a key for is
// spent and deposited by records that id signs and names as payer, its
// change held by it; a coin held under the element's own name by its own
// key; a corruption naming another payer keeps that payer in the record.
// byHolder groups coin keys by holder, in first-seen order.
func TestKeyForSignsAsTheHolder(t *testing.T) {
	s := suite.Default()
	w := world.New(3)
	cb, err := bank.NewCentralBank(w, s)
	if err != nil {
		t.Fatal(err)
	}
	agent, err := cb.AddAgent("AGENT", 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]*devcert.Certificate{}
	c := &Core{S: s, Name: "card", Held: map[string]*transfer.Holding{}}
	for _, id := range []string{"card", "p1"} {
		k, err := s.GenerateKey(w.Rand("key/" + id))
		if err != nil {
			t.Fatal(err)
		}
		if keys[id], err = cb.Certify(id, devcert.RoleWallet, k.Public()); err != nil {
			t.Fatal(err)
		}
		if id == "card" {
			c.Priv = k
		} else {
			c.KeyFor = func(h string) (suite.PrivateKey, bool) { return k, h == "p1" }
		}
		agent.Open(id, 1000)
		hs, err := agent.Withdraw(id, 100)
		if err != nil {
			t.Fatal(err)
		}
		c.Held[id] = hs[0]
	}
	var ch [transfer.ChallengeSize]byte
	spent, _, err := c.SpendCoins([]string{"p1", "card"}, 150, "card", "shop", ch, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"p1", "card"} {
		r := spent[i].Record
		if r.Payer != want || r.Verify(keys[want].PublicKey) != nil {
			t.Errorf("spend %d: record names %q (want %q), verifies under %s's key: %v", i, r.Payer, want, want, r.Verify(keys[want].PublicKey))
		}
	}
	if len(spent[1].Change) != 1 || spent[1].Change[0].Claimed().Holder != "card" {
		t.Errorf("the split coin's change: %v, want one held by card", spent[1].Change)
	}
	// A corruption that names another payer keeps it.
	named, _, err := c.SpendCoins([]string{"p1"}, 50, "other", "shop", ch, 0)
	if err != nil || named[0].Record.Payer != "other" || named[0].Change[0].Claimed().Holder != "other" {
		t.Errorf("a record under another payer's name: %v, %v", named, err)
	}
	dep, _, _, err := c.SignDeposits("AGENT", []string{"card", "p1"}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"card", "p1"} {
		r, err := transfer.Parse(dep.Records[i])
		if err != nil || r.Payer != want || r.Verify(keys[want].PublicKey) != nil {
			t.Errorf("deposit record %d names %q, want %q signed by it (%v)", i, r.Payer, want, err)
		}
	}
	groups := byHolder(c.Held, []string{"p1", "card", "nowhere"})
	if len(groups) != 3 || groups[0][0] != "p1" || groups[1][0] != "card" || groups[2][0] != "nowhere" {
		t.Errorf("byHolder: %v", groups)
	}
}
