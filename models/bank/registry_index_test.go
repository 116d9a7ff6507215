package bank

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// entryIDs are the ids of entries, for comparisons.
func entryIDs(es []Entry) map[[32]byte]bool {
	out := map[[32]byte]bool{}
	for _, e := range es {
		out[e.Record.ID()] = true
	}
	return out
}

// EntriesSince lists what joined Entries since a mark, once, in the
// order it did; AddChangesNothing is true exactly for a registered record.
func TestEntriesSinceAndAddChangesNothing(t *testing.T) {
	f := newFixture(t, suite.Default())
	hs := f.withdraw(t, walletA, 300)
	reg := f.cb.Registry()
	_, mark := reg.EntriesSince(0)
	recs := []*transfer.Signed{f.record(t, hs[0], walletA, walletB, statedValue(hs[0]), 10), f.record(t, hs[1], walletA, walletB, statedValue(hs[1]), 11)}
	for i, rec := range recs {
		if reg.AddChangesNothing(rec.ID()) {
			t.Fatalf("record %d, unknown: AddChangesNothing", i)
		}
		f.add(t, hs[i], rec)
		if !reg.AddChangesNothing(rec.ID()) {
			t.Fatalf("record %d, registered: not AddChangesNothing", i)
		}
		var got []Entry
		got, mark = reg.EntriesSince(mark)
		if len(got) != 1 || got[0].Record.ID() != rec.ID() {
			t.Fatalf("after record %d: %d entries since the mark, want it alone", i, len(got))
		}
	}
	if got, _ := reg.EntriesSince(mark); len(got) != 0 {
		t.Errorf("nothing registered, yet %d entries since the mark", len(got))
	}
	all, _ := reg.EntriesSince(0)
	if diff := cmp.Diff(entryIDs(reg.Entries()), entryIDs(all)); diff != "" {
		t.Errorf("everything since the start is not Entries (-want +got):\n%s", diff)
	}
}

// Mail forwards in record-id order whatever order the records were
// registered in: the payee's index is kept sorted (a wallet's mail, and
// so its store and trace, must not depend on upload order).
func TestMailInRecordOrder(t *testing.T) {
	f := newFixture(t, suite.Default())
	hs := f.withdraw(t, walletA, 1885) // several coins, one record each
	if len(hs) < 4 {
		t.Fatalf("withdrawal of 1885 gave %d coins, want at least 4", len(hs))
	}
	reg := f.cb.Registry()
	registered := map[[32]byte]bool{}
	for i, h := range hs {
		rec := f.record(t, h, walletA, walletB, statedValue(h), uint64(20+i))
		f.add(t, h, rec)
		registered[rec.ID()] = true
	}
	mail := reg.Mail(walletB, nil)
	got := map[[32]byte]bool{}
	for i, h := range mail {
		id := InstanceOf(h).Creator
		got[id] = true
		if i > 0 {
			if prev := InstanceOf(mail[i-1]).Creator; bytes.Compare(prev[:], id[:]) > 0 {
				t.Errorf("mail %d comes from record %x, after mail from record %x", i, id[:4], prev[:4])
			}
		}
	}
	if diff := cmp.Diff(registered, got); diff != "" {
		t.Errorf("records mail comes from (-want +got):\n%s", diff)
	}
}
