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
