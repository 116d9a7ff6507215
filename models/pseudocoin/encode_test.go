package pseudocoin

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestParsedEncodingsOnce: a parsed record and bundle keep their
// encodings, and what they keep is what encoding them anew gives; a copy
// of the struct, edited, encodes its edit, not the original's bytes.
func TestParsedEncodingsOnce(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	if err := in.Fund(a, 60000); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Pay(a, b, 1234, nil); err != nil {
		t.Fatal(err)
	}
	var rec *Record
	for _, h := range in.elementMust(t, b).holdings() {
		if h.h.Record != nil && !h.h.Change {
			rec = h.h.Record
		}
	}
	if rec == nil || rec.encoded() == nil {
		t.Fatal("the payee holds no parsed record")
	}
	fresh := func(r *Record) (core, tbs, der []byte, id [32]byte) {
		c := *r // a copy encodes anew
		return c.Core(), c.TBS(), c.Marshal(), idOf(c.TBS())
	}
	for range 2 { // the second round reads what the first kept
		core, tbs, der, id := fresh(rec)
		if !bytes.Equal(rec.Core(), core) || !bytes.Equal(rec.TBS(), tbs) || !bytes.Equal(rec.Marshal(), der) || rec.ID() != id {
			t.Fatal("a parsed record's kept encodings differ from encoding it anew")
		}
	}
	bu := rec.Inputs[0].Bundle
	if bu == nil || bu.encoded() == nil {
		t.Fatal("the record's input is no parsed bundle")
	}
	for range 2 {
		c := *bu
		if !bytes.Equal(bu.Marshal(), c.Marshal()) || !bytes.Equal(bu.TBS(), c.TBS()) || bu.id() != idOf(c.Marshal()) {
			t.Fatal("a parsed bundle's kept encodings differ from encoding it anew")
		}
	}

	edited := *rec
	edited.Amount++
	if bytes.Equal(edited.TBS(), rec.TBS()) || bytes.Equal(edited.Marshal(), rec.Marshal()) || bytes.Equal(edited.Core(), rec.Core()) || edited.ID() == rec.ID() {
		t.Error("a copy of a parsed record, its amount edited, encodes as the original")
	}
	eb := *bu
	eb.Coins = append([]int64(nil), bu.Coins...)
	eb.Coins[0]++
	if bytes.Equal(eb.Marshal(), bu.Marshal()) || bytes.Equal(eb.TBS(), bu.TBS()) || eb.id() == bu.id() {
		t.Error("a copy of a parsed bundle, a coin edited, encodes as the original")
	}
}
