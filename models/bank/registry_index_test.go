package bank

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
)

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
