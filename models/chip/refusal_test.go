package chip

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// A payee card that stores a TRANSFER's coins and then sends its signed
// REFUSE (models.CorruptRefuseAfterStore, D3) gains nothing the payer
// does not pay, whichever of the two reaches the registry first: when the
// payer does, the refused record is void and the payee's deposit of its
// coins is seized (the payment undone); when the payee does, the payment
// stands (the payer debited, its change returned, its restored coin
// given up). Until it reconciles the payer card holds the coin it put
// back: it does not spend it (D4). Value is conserved, and the payee is
// named with evidence a third party checks with the root certificate
// alone.
func TestRefuseAfterStore(t *testing.T) {
	const a, b, amount = world.PartyID("wallet-A"), world.PartyID("wallet-B"), int64(230)
	for _, c := range []struct {
		name       string
		first      []func(in *Instance) // before the payer reconciles
		paid       int64                // what the payer ends debited and the payee credited
		verifiable bool                 // the evidence carries the payee's signed spend
	}{
		{name: "payer first", paid: 0, verifiable: true},
		{name: "payee deposits first", paid: amount, verifiable: true,
			first: []func(*Instance){func(in *Instance) { _, _ = in.Deposit(b) }}},
		{name: "payee reconciles first", paid: amount,
			first: []func(*Instance){func(in *Instance) { _ = in.Reconcile(b) }}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := newInstanceSuite(t, 1, suite.Default())
			modeltest.MustFund(t, in, a, 1000)
			if err := in.Corrupt(b, models.Corruption{Kind: models.CorruptRefuseAfterStore}); err != nil {
				t.Fatal(err)
			}
			before := map[world.PartyID]int64{a: total(in, a), b: total(in, b)}
			if _, err := in.Pay(a, b, amount, nil); err != nil {
				t.Fatal(err)
			}
			if got := in.View(a).Offline(); got != 1000 {
				t.Fatalf("the payer card did not roll back on the REFUSE: offline %d, want 1000", got)
			}
			if p, _ := in.Pay(a, "wallet-C", 1, nil); p.Received {
				t.Fatal("the payer card spent the coin a REFUSE put back before reconciling")
			}
			for _, f := range c.first {
				f(in)
			}
			for _, w := range []world.PartyID{a, b, a, b} {
				if err := in.Reconcile(w); err != nil {
					t.Fatalf("reconcile %s: %v", w, err)
				}
			}
			if _, err := in.Deposit(b); err != nil {
				t.Logf("deposit %s: %v", b, err)
			}
			got := map[world.PartyID]int64{a: total(in, a) - before[a], b: total(in, b) - before[b]}
			if d := cmp.Diff(map[world.PartyID]int64{a: -c.paid, b: c.paid}, got); d != "" {
				t.Errorf("worth moved (-want +got):\n%s", d)
			}
			if au := in.Audit(); !au.Balanced() {
				t.Errorf("audit unbalanced: %+v", au)
			}
			frauds := in.Bank().Registry().RefusalFrauds()
			if len(frauds) == 0 {
				t.Fatal("the refusing payee is not named")
			}
			payee := in.View(b).Presents
			for _, ev := range frauds {
				if ev.Payee != payee {
					t.Errorf("named %s, want %s", ev.Payee, payee)
				}
			}
			culprit, err := VerifyRefusalFraud(suite.Default(), in.cb.Root(), frauds[len(frauds)-1])
			if c.verifiable && (err != nil || culprit != payee) {
				t.Errorf("the evidence does not verify: %q, %v", culprit, err)
			}
			if !c.verifiable && err == nil {
				t.Errorf("evidence without the payee's spend verified, naming %q", culprit)
			}
		})
	}
}

// An honest refusal (a payee that knows the payer is revoked stores
// nothing): the payer card rolls back and keeps the refusal,
// reconciliation voids the record, both wallets end as they were, and
// nobody is named.
func TestHonestRefusalNamesNobody(t *testing.T) {
	const a, b = world.PartyID("wallet-A"), world.PartyID("wallet-B")
	in := newInstanceSuite(t, 1, suite.Default())
	modeltest.MustFund(t, in, a, 1000)
	before := map[world.PartyID]int64{a: total(in, a), b: total(in, b)}
	if err := in.Bank().Revoke(string(a)); err != nil {
		t.Fatal(err)
	}
	modeltest.MustReconcile(t, in, b)
	p, _ := in.Pay(a, b, 230, nil)
	if p.Received {
		t.Fatalf("a revoked payer's payment was received: %+v", p.Outcome.Rejections)
	}
	st, err := in.state(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Log) != 1 || len(st.Log[0].Refusal) == 0 || in.View(a).Offline() != 1000 || len(in.View(a).Pending) != 0 {
		t.Fatalf("the payer card after the REFUSE: log %+v, view %+v; want one refused entry, 1000 fen held, nothing pending", st.Log, in.View(a))
	}
	if st.Spent != 230 || st.Payments != 1 {
		t.Errorf("the refused payment left the offline limits' usage before reconciliation: spent %d, payments %d", st.Spent, st.Payments)
	}
	modeltest.MustReconcile(t, in, a)
	modeltest.MustReconcile(t, in, b)
	if st, _ := in.state(a); len(st.Log) != 0 {
		t.Errorf("the refused entry outlived reconciliation: %+v", st.Log)
	}
	// The card spends the coin again (the payee, which knows of the
	// revocation, refuses it once more).
	if p, _ := in.Pay(a, b, 230, nil); len(p.Outcome.Rejections) == 0 || p.Outcome.Rejections[0].Party != b {
		t.Errorf("after reconciling, the payer card does not spend the coin the void payment returned: %+v", p.Outcome.Rejections)
	}
	got := map[world.PartyID]int64{a: total(in, a), b: total(in, b)}
	if d := cmp.Diff(before, got); d != "" {
		t.Errorf("worth (-before +after):\n%s", d)
	}
	if f := in.Bank().Registry().RefusalFrauds(); len(f) != 0 {
		t.Errorf("an honest refusal named %+v", f)
	}
	if au := in.Audit(); !au.Balanced() {
		t.Errorf("audit unbalanced: %+v", au)
	}
}

// A payer holds, until it reconciles, one receipt per payment: the
// records it signed to the payee, which the registry accepts; a payment
// its payee refused leaves none, and reconciliation settles the rest.
func TestReceipts(t *testing.T) {
	const a, b = world.PartyID("wallet-A"), world.PartyID("wallet-B")
	in := newInstanceSuite(t, 1, suite.Default())
	modeltest.MustFund(t, in, a, 1000)
	modeltest.MustPayClean(t, in, a, b, 230, 4)
	got, err := in.Receipts(a)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]models.Receipt{{Payee: b, Amount: 230}}, got); d != "" {
		t.Errorf("receipts after a clean payment (-want +got):\n%s", d)
	}
	if err := in.Corrupt(b, models.Corruption{Kind: models.CorruptRefuseAfterStore}); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Pay(a, b, 100, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := in.Receipts(a); len(got) != 1 {
		t.Errorf("a refused payment left a receipt: %+v", got)
	}
	modeltest.MustReconcile(t, in, a)
	if got, _ := in.Receipts(a); len(got) != 0 {
		t.Errorf("receipts outlived reconciliation: %+v", got)
	}
}
