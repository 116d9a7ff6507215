package chip

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The four channels that linked a card's payments for merchant and agent
// bank before the issuance desk (SOURCES.md D2: the card's one
// certificate, the agent bank's hand-over as the first hop of every coin,
// the first payment's record in the lineage of the change the second
// spends, the payer's own upload through its account), each shown closed
// on one withdrawal (two coins) and two payments with a sync between: neither
// TRANSFER carries the card's certificate, the agent bank's hand-over or
// the first payment's record, the two carry no certificate in common,
// and the payer's sync registers nothing the agent bank reads (every
// record of it is sealed) and logs nothing against its account; the
// second payment spends the first one's change (as exchanged at the
// sync). A fifth, the counters (review lesson a): a record of the desk or
// of a pseudonym numbers only its signer's records. Each mutant of the
// desk (mutant_desk.go) opens its channel alone.
func TestLinkingChannelsClosed(t *testing.T) {
	if open := openChannels(t, ""); len(open) > 0 {
		t.Errorf("the reference: %q", open)
	}
	// Each mutant reopens its channel alone (the change is held by the
	// pseudonym that spent its parent, so spending it shows that
	// certificate again: channels 1 and 3 are one there; a pseudonym the
	// desk reuses is handed its second coin under number 2: channels 1
	// and 5 are one there).
	for m, want := range map[string]string{
		"desk-reuses-pseudonym":    "15",
		"pseudonyms-sent-unsealed": "4",
		"sync-uploads-in-clear":    "4",
		"sync-skips-exchange":      "13",
		"desk-counts-handovers":    "5",
		"records-count-card-wide":  "5",
	} {
		open := openChannels(t, m)
		if got := channelsOf(open); got != want {
			t.Errorf("mutant %s opens channels %q, want %q: %q", m, got, want, open)
		}
	}
}

// channelsOf returns the channel numbers open names, "(n) …" each, sorted
// and once each.
func channelsOf(open []string) string {
	seen := map[byte]bool{}
	for _, o := range open {
		if len(o) > 1 && o[0] == '(' {
			seen[o[1]] = true
		}
	}
	var out []byte
	for c := byte('1'); c <= '9'; c++ {
		if seen[c] {
			out = append(out, c)
		}
	}
	return string(out)
}

// openChannels plays the scenario on the scheme with mutation and names
// the channels it finds open.
func openChannels(t *testing.T, mutation string) []string {
	w := world.New(7)
	inst, err := Scheme{mutation: mutation}.New(w, models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	in := inst.(*Instance)
	a, b, c := world.PartyID("wallet-A"), world.PartyID("wallet-B"), world.PartyID("wallet-C")
	card := in.Own[a].OwnCert
	reg := in.Bank().Registry()
	modeltest.MustFund(t, in, a, 20000)
	var handovers [][]byte
	for _, e := range reg.Entries() {
		if e.Record.Payer == AgentID && e.Record.Payee == card.ID {
			handovers = append(handovers, e.Record.Marshal())
		}
	}
	if len(handovers) == 0 {
		t.Fatalf("%s: no hand-over record from %s to %s after the withdrawal", mutation, AgentID, card.ID)
	}
	var open []string
	// What the agent bank reads of the payer before it pays: the registry
	// and its log against the account.
	known := [][]byte{}
	learn := func() {
		for _, e := range reg.Entries() {
			known = append(known, e.Record.Marshal())
		}
		for _, o := range in.AgentView(a) {
			known = append(known, o.Bytes)
		}
	}
	learn()
	modeltest.MustReconcile(t, in, a)
	learn()
	t1 := modeltest.PaidPayload(t, in.w, in, a, b, 300, MsgTransfer)
	modeltest.MustReconcile(t, in, b)
	var rec1 *transfer.Signed
	for _, e := range reg.AllEntries() {
		if e.Record.Payee == in.Names[b] && in.cb.HolderOf(e.Record.Payer) == string(a) {
			rec1 = e.Record
		}
	}
	if rec1 == nil {
		t.Fatalf("%s: the merchant's reconciliation registered (sealed or not) no record of the payment from %s", mutation, a)
	}
	before := len(reg.Entries())
	modeltest.MustReconcile(t, in, a)
	if n := len(reg.Entries()); n != before {
		open = append(open, fmt.Sprintf("(4) the payer's sync registered %d records in the clear", n-before))
	}
	if v := in.AgentView(a); len(v) != 0 {
		open = append(open, fmt.Sprintf("(4) the agent bank logged %d items of the payer's syncs", len(v)))
	}
	t2 := modeltest.PaidPayload(t, in.w, in, a, c, 15000, MsgTransfer) // more than the untouched coin: it spends change
	for _, ch := range []struct {
		name    string
		payload []byte
		b       []byte
	}{
		{"(1) the card's certificate in the first TRANSFER", t1, card.Raw},
		{"(1) the card's certificate in the second TRANSFER", t2, card.Raw},
		{"(3) the first payment's record in the second TRANSFER (its change)", t2, rec1.Marshal()},
	} {
		if bytes.Contains(ch.payload, ch.b) {
			open = append(open, ch.name)
		}
	}
	for _, h := range handovers {
		if bytes.Contains(t1, h) || bytes.Contains(t2, h) {
			open = append(open, "(2) the agent bank's hand-over is in a TRANSFER")
		}
	}
	// (1) once more: a certificate both TRANSFERs carry.
	m1, err1 := ParseTransfer(in.cb.Suite, t1[:len(t1)-2])
	m2, err2 := ParseTransfer(in.cb.Suite, t2[:len(t2)-2])
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: the TRANSFERs do not parse: %v, %v", mutation, err1, err2)
	}
	ids := map[string]bool{m1.Cert.ID: true}
	for _, c := range m1.ChainCerts {
		ids[c.ID] = true
	}
	for _, c := range append(m2.ChainCerts, m2.Cert) {
		if ids[c.ID] {
			open = append(open, "(1) both TRANSFERs carry the certificate of "+c.ID)
		}
	}
	// (5) Counters: a record signed by the desk or by a per-coin pseudonym
	// numbers only that signer's records, so its counter is at most how
	// many records of that signer the lineage carries (a desk sequence or
	// a card-wide counter tells the order of hand-overs or payments).
	for _, m := range []*Transfer{m1, m2} {
		for _, sp := range m.Spends {
			chain := append(append([]*transfer.Signed(nil), sp.Holding.Chain...), sp.Record)
			count := map[string]uint64{}
			for _, r := range chain {
				count[r.Payer]++
				if (r.Payer == DeskID || r.Payer != card.ID && r.Payer != AgentID) && r.Counter > count[r.Payer] {
					open = append(open, fmt.Sprintf("(5) %s's record numbered %d, after %d of its records", r.Payer, r.Counter, count[r.Payer]-1))
				}
			}
		}
	}
	// What the agent bank read before the second payment, in it.
	for _, k := range known {
		for i := 0; i+32 <= len(k); i += 16 {
			if bytes.Contains(t2, k[i:i+32]) {
				open = append(open, "(4) the second TRANSFER carries bytes the agent bank read before")
				return open
			}
		}
	}
	return open
}
