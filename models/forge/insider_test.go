package forge

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestInsiderSpendsSigned checks that every insider record verifies under
// the insider's key: only the check behind the signature can refuse it.
func TestInsiderSpendsSigned(t *testing.T) {
	s := suite.Default()
	r := detrand.New(1, "insider")
	key, err := s.GenerateKey(r)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := Coins(s, r, "AGENT", "A", 100)
	if err != nil {
		t.Fatal(err)
	}
	big, err := Coins(s, r, "AGENT", "A", 500)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := Coins(s, r, "AGENT", "C", 200)
	if err != nil {
		t.Fatal(err)
	}
	coins := map[string]*transfer.Holding{"small": mine[0], "big": big[0]}
	prev := make([]byte, transfer.ChallengeSize)
	prev[0] = 7
	for kind, amount := range map[models.InsiderKind]int64{
		models.InsiderWrongAmount: 200, models.InsiderOtherPayee: 200,
		models.InsiderWrongSum: 200, models.InsiderInflatedChange: 200, models.InsiderOffTable: 37,
		models.InsiderDuplicateInput: 150, models.InsiderNotOwned: 200, models.InsiderReusedChallenge: 200,
	} {
		st := &InsiderState{Plan: models.InsiderPlan{Kind: kind}, Other: theirs, OtherID: "C"}
		spends, err := InsiderSpends(st, Request{Key: key, Payer: "A", Payee: "B", Amount: amount, Coins: coins}, prev)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		var paid, other int64
		for _, sp := range spends {
			other += sp.Record.PaidTo("C")
			if err := sp.Record.Verify(key.Public()); err != nil {
				t.Errorf("%s: the record does not verify under the insider's key: %v", kind, err)
			}
			paid += sp.Record.PaidTo("B")
		}
		switch kind {
		case models.InsiderWrongAmount:
			if paid != amount-1 {
				t.Errorf("%s: the records pay %d fen, want %d (1 fen less than %d)", kind, paid, amount-1, amount)
			}
		case models.InsiderOtherPayee:
			if paid != 0 || other != amount || spends[0].Record.Payee != "C" {
				t.Errorf("%s: the records pay the payee %d fen and C %d, naming %q; want C paid %d and named", kind, paid, other, spends[0].Record.Payee, amount)
			}
		default:
			if paid != amount {
				t.Errorf("%s: the records pay %d fen, the payment is %d", kind, paid, amount)
			}
		}
		if kind == models.InsiderReusedChallenge && (len(spends) != 2 || spends[0].Record.Challenge[0] != 0 || spends[1].Record.Challenge[0] != 7 ||
			spends[0].Record.Parent == spends[1].Record.Parent) {
			t.Errorf("%s: %d spends; want two of distinct coins, the first answering the payee's challenge and the second the earlier one", kind, len(spends))
		}
		if kind == models.InsiderDuplicateInput && (len(spends) != 2 || spends[0].Record.Parent != spends[1].Record.Parent) {
			t.Errorf("%s: %d spends, not two of one coin", kind, len(spends))
		}
	}
}
