package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Tampering with any field of any message of a payment (and bit flips,
// truncation, extension, replay from an earlier session, redirection)
// never creates or destroys value: after both cards reconcile, both are
// in the pre-state or both in the post-state, and every refusal is typed.
func TestTamperEveryField(t *testing.T) {
	setup := func() *Instance {
		in := newInstanceSuite(t, 3, suite.Default())
		for _, w := range []world.PartyID{"wallet-A", "wallet-C"} {
			modeltest.MustFund(t, in, w, 1000)
		}
		// An earlier session for the replay pool.
		if _, err := in.Pay("wallet-C", "wallet-A", 50, nil); err != nil {
			t.Fatal(err)
		}
		return in
	}
	clean, err := setup().Pay("wallet-A", "wallet-B", 230, nil)
	if err != nil || !clean.Received {
		t.Fatalf("the clean payment: %+v %v", clean, err)
	}
	modeltest.TamperEveryField(t, func(*testing.T) models.Instance { return setup() },
		func(in models.Instance, w world.PartyID) int64 { return total(in.(*Instance), w) }, modeltest.TamperFaults(clean.Outcome.Steps, 12, 0))
}

// Garbage on the wire is refused with a typed error by both roles, and
// changes neither card.
func TestGarbageRefused(t *testing.T) {
	in := newInstanceSuite(t, 3, suite.Default())
	in.Fund("wallet-A", 1000)
	a := in.Own["wallet-A"]
	b := in.Own["wallet-B"]
	before := in.Audit()
	for i, junk := range [][]byte{nil, {0x80}, {0x80, 0x50, 0, 0}, {0x80, 0x50, 0, 0, 3, 0xDF, 0x01, 0x09}, {0x00, 0xA4, 0x04, 0x00}, make([]byte, 5000)} {
		_, err := a.payerEndpoint(world.Message{From: "wallet-B", To: "wallet-A", Payload: junk})
		if c := spec.CodeOf(err); c == "" || c == spec.CodeInternal {
			t.Errorf("payer, junk %d: error %v", i, err)
		}
		b.challenge = []byte("0123456789abcdef")
		b.amount = 10
		_, err = b.payeeEndpoint(world.Message{From: "wallet-A", To: "wallet-B", Payload: junk})
		if c := spec.CodeOf(err); c == "" || c == spec.CodeInternal {
			t.Errorf("payee, junk %d: error %v", i, err)
		}
	}
	if after := in.Audit(); after != before {
		t.Fatalf("garbage changed the books: %+v → %+v", before, after)
	}
}

// R6.6: the offline limits (count and amount) are enforced by the card
// and reset when it goes online.
func TestLimits(t *testing.T) {
	in := newInstanceSuite(t, 3, suite.Default())
	modeltest.MustFund(t, in, "wallet-A", 60000)
	p, _ := in.Pay("wallet-A", "wallet-B", 50001, nil)
	if p.Received || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeLimitExceeded {
		t.Fatalf("a payment over ¥500: %+v", p.Outcome.Rejections)
	}
	modeltest.CountLimit(t, in)
	modeltest.MustReconcile(t, in, "wallet-A")
	if p, _ := in.Pay("wallet-A", "wallet-B", 100, nil); !p.Received {
		t.Fatalf("limits not reset online: %v", p.Outcome.Rejections)
	}
}

// R1.4: a revoked card is refused by a card that has the new list, in
// either role.
func TestRevokedCardRefused(t *testing.T) {
	in := newInstanceSuite(t, 3, suite.Default())
	modeltest.RevokedRefused(t, in, in.Bank().Revoke)
}

func TestNoSelfPayment(t *testing.T) {
	in := newInstanceSuite(t, 3, suite.Default())
	if _, err := in.Pay("wallet-A", "wallet-A", 1, nil); spec.CodeOf(err) != spec.CodeWrongRecipient {
		t.Fatalf("self payment: %v", err)
	}
	if _, err := in.Pay("wallet-A", "nobody", 1, nil); err == nil {
		t.Fatal("payment to an unknown wallet")
	}
}

// A power cut at any write of a deposit (or of a reconciliation that
// refreshes coins) neither loses value nor leaves redeemed coins on the
// card: after the card goes online again its card + account total is
// unchanged and nothing is flagged.
//
// The cut points are the writes the operation makes on a run without a
// cut (counted first), every one of them is tried, and each case checks
// that the power cut it staged happened.
func TestDepositCrashSafe(t *testing.T) {
	for _, op := range []string{"deposit", "refresh"} {
		modeltest.OnlineCrashSafe(t, modeltest.OnlineCrash{
			Name: op, Run: modeltest.Operation(op), Refresh: op == "refresh", Deposit: op == "deposit",
			Total: func(in models.Instance, w world.PartyID) int64 { return total(in.(*Instance), w) },
			Setup: func(t *testing.T) models.Instance {
				in := newInstanceSuite(t, 5, suite.Default())
				in.Fund("wallet-A", 1000)
				if op == "refresh" {
					// Give A coins with long lineages: A→B→A→B… offline.
					in.Fund("wallet-B", 1000)
					for i := 0; i < 4; i++ {
						in.Pay("wallet-A", "wallet-B", 100, nil)
						in.Pay("wallet-B", "wallet-A", 100, nil)
					}
				}
				return in
			},
		})
	}
}

// A payer (a modified card) that hands on a coin whose lineage is full is
// refused before the payee commits anything; the reference card never
// offers such a coin.
func TestFullLineageRefused(t *testing.T) {
	in := newInstanceSuite(t, 8, suite.Default())
	in.Fund("wallet-A", 100)
	for i := 0; i < 4; i++ { // the 100-fen coin hops A→B→A… seven times
		in.Pay("wallet-A", "wallet-B", 100, nil)
		if i < 3 {
			in.Pay("wallet-B", "wallet-A", 100, nil)
		}
	}
	b := in.Own["wallet-B"]
	var full *transfer.Holding
	for _, h := range b.Held {
		if len(h.Chain) == transfer.MaxHops {
			full = h
		}
	}
	if full == nil {
		t.Fatal("no coin with a full lineage was built")
	}
	c := in.Own["wallet-C"]
	start, err := c.StartPayee("wallet-B", full.Value())
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := transfer.Split(full.Serial, full.Value(), full.Value(), b.Name, c.Name)
	var ch [transfer.ChallengeSize]byte
	copy(ch[:], c.challenge)
	rec, err := transfer.Sign(b.Priv, transfer.Record{Version: 1, Parent: full.Serial, ParentValue: full.Value(), Outputs: outs, Payer: b.Name, Payee: c.Name, Challenge: ch, Counter: 999})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := encodeTransfer(b.OwnCert, []spend{{holding: full, record: rec}}, b.lineageCerts(b.Name, []spend{{holding: full}}))
	if err != nil {
		t.Fatal(err)
	}
	_ = start // INITIATE is not delivered: B's response is forged directly
	before := in.View("wallet-C")
	_, err = c.payeeEndpoint(world.Message{From: "wallet-B", To: "wallet-C", Payload: resp})
	if spec.CodeOf(err) != spec.CodeLimitExceeded {
		t.Fatalf("full lineage: %v, want limit-exceeded", err)
	}
	if after := in.View("wallet-C"); after.Offline() != before.Offline() {
		t.Fatal("the payee committed a refused coin")
	}
}
