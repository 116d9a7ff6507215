package chip

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The four channels SOURCES.md D2 says link a card's payments for
// merchant and agent bank, each shown on one withdrawal and two payments:
// the card's one certificate, the agent bank's hand-over record as the
// first hop of the coin, the first payment's record in the lineage of the
// change the second payment spends, and the payer's own upload of its
// records through its account. This pins the documented cause of chip's
// R3.1, R3.2 and R3.6 violations: the completion D2 describes must make
// every check here fail, and then turn it into its opposite.
func TestLinkingChannels(t *testing.T) {
	in := newInstance(t, 7)
	a, b, c := world.PartyID("wallet-A"), world.PartyID("wallet-B"), world.PartyID("wallet-C")
	card := in.Own[a].OwnCert
	reg := in.Bank().Registry()
	known := map[[32]byte]bool{}
	fresh := func() []bank.Entry {
		var out []bank.Entry
		for _, e := range reg.Entries() {
			if id := e.Record.ID(); !known[id] {
				known[id] = true
				out = append(out, e)
			}
		}
		return out
	}
	fresh()
	modeltest.MustFund(t, in, a, 500)
	// (2) The agent bank signs the hand-over naming the card's pseudonym.
	var handover *transfer.Signed
	for _, e := range fresh() {
		if e.Record.Payer == AgentID && e.Record.Payee == card.ID {
			handover = e.Record
		}
	}
	if handover == nil {
		t.Fatalf("no hand-over record from %s to %s after the withdrawal", AgentID, card.ID)
	}
	transferTo := func(payee world.PartyID, amount int64) []byte {
		return modeltest.PaidPayload(t, in.w, in, a, payee, amount, MsgTransfer)
	}
	t1 := transferTo(b, 300)
	// (4) The payer's reconciliation, through its holder's account,
	// uploads the record that names its pseudonym as payer.
	modeltest.MustReconcile(t, in, a)
	var rec1 *transfer.Signed
	for _, e := range fresh() {
		if e.Record.Payer == card.ID && e.Record.Payee == in.Names[b] {
			rec1 = e.Record
		}
	}
	if rec1 == nil {
		t.Fatalf("the payer's reconciliation uploaded no record of its payment to %s", b)
	}
	t2 := transferTo(c, 150)
	for _, ch := range []struct {
		name    string
		payload []byte
		b       []byte
	}{
		{"(1) the card's certificate in the first TRANSFER", t1, card.Raw},
		{"(1) the card's certificate in the second TRANSFER", t2, card.Raw},
		{"(2) the agent bank's hand-over in the first TRANSFER", t1, handover.Marshal()},
		{"(2) the agent bank's hand-over in the second TRANSFER", t2, handover.Marshal()},
		{"(3) the first payment's record in the second TRANSFER (its change)", t2, rec1.Marshal()},
	} {
		if !bytes.Contains(ch.payload, ch.b) {
			t.Errorf("%s: absent", ch.name)
		}
	}
}
