package chip

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// A card's certificate names a pseudonym, never its holder; the central
// bank's register links the two, so View, the trace and revocation by the
// holder's identity still reach the card (SOURCES.md C7).
func TestCardCertificateIsPseudonymous(t *testing.T) {
	in := newInstance(t, 5)
	modeltest.MustFund(t, in, "wallet-A", 500)
	p, err := in.Pay("wallet-A", "wallet-B", 300, nil)
	if err != nil || !p.Received {
		t.Fatalf("pay: %+v %v", p, err)
	}
	for _, w := range []world.PartyID{"wallet-A", "wallet-B"} {
		modeltest.MustReconcile(t, in, w)
	}
	se := in.Own["wallet-A"]
	if cn := se.OwnCert.ID; cn == "wallet-A" || !strings.HasPrefix(cn, "card-") {
		t.Errorf("card certificate CN %q: want a pseudonym card-…", cn)
	}
	if bytes.Contains(se.OwnCert.Raw, []byte("wallet-A")) {
		t.Error("the card certificate carries the holder's id")
	}
	if got := in.View("wallet-A").Identity; got != "wallet-A" {
		t.Errorf("View identity %q, want the registered holder wallet-A", got)
	}
	tr := in.TraceReceived("wallet-B")
	if len(tr) == 0 {
		t.Fatal("no trace of the payment")
	}
	for _, x := range tr {
		if x.Err != nil || x.Payer != "wallet-A" {
			t.Errorf("trace %s: payer %q, err %v; want wallet-A", x.Ref, x.Payer, x.Err)
		}
	}
	if err := in.Bank().Revoke("wallet-A"); err != nil {
		t.Fatalf("revoke by holder: %v", err)
	}
	if !in.Bank().CRL().Revoked(se.OwnCert.Serial) {
		t.Error("revoking the holder did not revoke its card's certificate")
	}
}
