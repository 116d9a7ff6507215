package chip

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The four channels SOURCES.md D2 names as linking a card's payments for
// merchant and agent bank are closed (C11, pseudonym.go), shown on one
// withdrawal and two payments with a sync between them: (1) the two
// TRANSFERs share no certificate and carry neither the card's base
// certificate nor its key; (2) no coin carries a hand-over by the agent
// bank, and the desk's hand-over of a coin the card holds is in no
// registry entry before a record spends it; (3) the second payment does
// not carry the first one's record (its change was exchanged at the
// sync); (4) the payer's reconciliation registers no hand-over of a coin
// it still holds. And the central bank still traces both payments to the
// holder.
func TestLinkingChannelsClosed(t *testing.T) {
	in := newInstance(t, 7)
	a, b, c := world.PartyID("wallet-A"), world.PartyID("wallet-B"), world.PartyID("wallet-C")
	se := in.wallets[a]
	reg := in.Bank().Registry()
	if err := in.Fund(a, 500); err != nil {
		t.Fatal(err)
	}
	unlisted := func(when string) {
		t.Helper()
		for _, h := range se.coins {
			if !deskFresh(h) {
				t.Errorf("%s: coin %s is not as the desk handed it over (%d hops, first by %s)", when, h.Serial, len(h.Chain), h.Chain[0].Payer)
				continue
			}
			if reg.Known(h.Chain[0]) {
				t.Errorf("%s: the desk's hand-over of coin %s, which the card still holds, is in the registry", when, h.Serial)
			}
		}
	}
	unlisted("after the withdrawal")
	transferTo := func(payee world.PartyID, amount int64) []byte {
		t.Helper()
		mark := in.w.Mark()
		if p, err := in.Pay(a, payee, amount, nil); err != nil || !p.Received {
			t.Fatalf("pay %d fen %s→%s: %+v %v", amount, a, payee, p, err)
		}
		for _, m := range in.w.Delivered(payee, mark) {
			if m.Type == MsgTransfer {
				return m.Payload
			}
		}
		t.Fatalf("no TRANSFER delivered to %s", payee)
		return nil
	}
	t1 := transferTo(b, 300)
	for _, w := range []world.PartyID{b, a} {
		if err := in.Reconcile(w); err != nil {
			t.Fatal(err)
		}
	}
	unlisted("after the payer's reconciliation")
	var rec1 *transfer.Signed
	for _, e := range reg.Entries() {
		if e.Record.Payee == in.ids[b] {
			rec1 = e.Record
		}
	}
	if rec1 == nil {
		t.Fatal("the first payment is not in the registry")
	}
	t2 := transferTo(c, 150)
	m1, err := parseTransfer(se.s, mustData(t, t1))
	if err != nil {
		t.Fatal(err)
	}
	m2, err := parseTransfer(se.s, mustData(t, t2))
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []struct {
		name    string
		payload []byte
		b       []byte
	}{
		{"(1) the card's base certificate in the first TRANSFER", t1, se.cert.Raw},
		{"(1) the card's base certificate in the second TRANSFER", t2, se.cert.Raw},
		{"(1) the card's base key in the first TRANSFER", t1, se.cert.PublicKey.SPKI()},
		{"(1) the first TRANSFER's payer certificate in the second", t2, m1.cert.Raw},
		{"(3) the first payment's record in the second TRANSFER", t2, rec1.Marshal()},
	} {
		if bytes.Contains(ch.payload, ch.b) {
			t.Errorf("%s: present", ch.name)
		}
	}
	for i, m := range []*transferMsg{m1, m2} {
		for _, sp := range m.spends {
			if first := sp.holding.Chain[0].Payer; first != DeskID {
				t.Errorf("(2) payment %d spends a coin first handed over by %s, not %s", i+1, first, DeskID)
			}
		}
	}
	for _, x := range append(in.TraceReceived(b), in.TraceReceived(c)...) {
		if x.Err != nil || x.Payer != string(a) {
			t.Errorf("trace %s: payer %q, err %v; want %s", x.Ref, x.Payer, x.Err, a)
		}
	}
}

// mustData returns the data of an APDU response.
func mustData(t *testing.T, payload []byte) []byte {
	t.Helper()
	r, err := apdu.ParseResponse(payload)
	if err != nil {
		t.Fatal(err)
	}
	return r.Data
}
