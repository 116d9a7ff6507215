package chain

import (
	"testing"
	"time"
)

// TestRevocationDoesNotUndoHistory: a payment made before its payer's
// revocation settles when uploaded after it; one made after it is refused.
func TestRevocationDoesNotUndoHistory(t *testing.T) {
	in := newScheme(t, Scheme{})
	mustFund(t, in, "wallet-A", 1000)
	if p, err := in.Pay("wallet-A", "wallet-B", 100, nil); err != nil || !p.Received {
		t.Fatalf("pay before revocation: %+v %v", p, err)
	}
	in.w.Advance(time.Minute)
	if err := in.cb.Revoke("wallet-A"); err != nil {
		t.Fatal(err)
	}
	mustReconcile(t, in, "wallet-B")
	in.Reconcile("wallet-A")
	mustReconcile(t, in, "wallet-B")
	if got := in.View("wallet-B").Offline(); got != 100 {
		t.Errorf("payee holds %d fen after the payment made before the revocation settled, want 100", got)
	}
}

// TestRevocationDatedByFirstList: a payer revoked, paying after its
// revocation, then another wallet revoked before anyone uploads: the
// payment is still refused (its payer is dated by the first list naming
// it, not the last).
func TestRevocationDatedByFirstList(t *testing.T) {
	in := newScheme(t, Scheme{})
	mustFund(t, in, "wallet-A", 1000)
	if err := in.cb.Revoke("wallet-A"); err != nil {
		t.Fatal(err)
	}
	in.w.Advance(time.Minute)
	if p, err := in.Pay("wallet-A", "wallet-B", 100, nil); err != nil || !p.Paid {
		t.Fatalf("the revoked payer (which has not synced) pays: %+v %v", p, err)
	}
	in.w.Advance(time.Minute)
	if err := in.cb.Revoke("wallet-C"); err != nil {
		t.Fatal(err)
	}
	in.Reconcile("wallet-A")
	mustReconcile(t, in, "wallet-B")
	if got := in.View("wallet-B").Offline() + in.Awaiting("wallet-B"); got != 0 {
		t.Errorf("payee holds or awaits %d fen of a payment made after its payer's revocation, want 0", got)
	}
	if got := in.View("wallet-A").Offline(); got != 1000 {
		t.Errorf("revoked payer holds %d fen after its refused payment, want its 1000 back", got)
	}
}
