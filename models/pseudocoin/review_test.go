package pseudocoin

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// doubleSpendEvidence has a clone of wallet-A spend the bundle wallet-A
// spends, reconciles both payees and returns the instance and the desk's
// first evidence.
func doubleSpendEvidence(t testing.TB) (*Instance, bank.DoubleSpend) {
	t.Helper()
	in := newInstanceT(t, suite.Default())
	a, b, c := in.Wallets()[0], in.Wallets()[1], in.Wallets()[2]
	modeltest.MustFund(t, in, a, 1000)
	clone, err := in.Clone(a)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := in.Pay(a, b, 1000, nil); err != nil || !p.Received {
		t.Fatalf("payment by the original: %+v %v", p, err)
	}
	if p, err := in.Pay(clone, c, 1000, nil); err != nil || !p.Received {
		t.Fatalf("payment by the clone: %+v %v", p, err)
	}
	modeltest.MustReconcile(t, in, b, c)
	if len(in.desk.doubles) == 0 {
		t.Fatal("a bundle spent twice raised no evidence")
	}
	ev := in.desk.doubles[0]
	if _, err := in.VerifyEvidence(ev); err != nil {
		t.Fatalf("the desk's own evidence does not verify: %v", err)
	}
	return in, ev
}

// A record with one signature for two inputs is refused when parsed, and
// evidence built from one is refused rather than crashing VerifyEvidence
// (review of issue 17, finding 1).
func TestEvidenceRecordMissingSignature(t *testing.T) {
	in, ev := doubleSpendEvidence(t)
	r, err := ParseRecord(ev.RecordB)
	if err != nil {
		t.Fatal(err)
	}
	// Another bundle, spent first, with no signature of its own.
	modeltest.MustFund(t, in, in.Wallets()[1], 1000)
	var other *Holding
	for _, h := range in.elementMust(t, in.Wallets()[1]).holdings() {
		if !bytes.Equal(h.h.Key(), r.Inputs[0].Key()) {
			other = h.h
		}
	}
	r.Inputs = append([]*Holding{other}, r.Inputs...)
	r.raw = nil
	crafted := r.Marshal()
	if _, err := ParseRecord(crafted); !errors.As(err, new(*spec.Error)) {
		t.Fatalf("a record with %d inputs and %d signature parses: %v", len(r.Inputs), len(r.Sigs), err)
	}
	ev.RecordA = crafted
	if _, err := in.VerifyEvidence(ev); err == nil {
		t.Fatal("evidence with an unsigned input verifies")
	}
}
