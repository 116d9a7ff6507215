package chip

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// scenario runs fund, payments both ways (one losing its last message),
// reconciliations and a deposit through the Instance.
func scenario(t *testing.T, cfg models.Config) (models.Ledger, []models.View, models.Audit) {
	t.Helper()
	w := world.New(42)
	in, err := Scheme{}.New(w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer in.(*Instance).Close()
	if n := len(in.(*Instance).Links); n != len(cfg.External) {
		t.Fatalf("%d external cards, want %d", n, len(cfg.External))
	}
	a, b := in.Wallets()[0], in.Wallets()[1]
	for i, step := range []func() error{
		func() error { return in.Fund(a, 3000) },
		func() error { return in.Fund(b, 1000) },
		func() error { _, err := in.Pay(a, b, 1200, nil); return err },
		func() error { _, err := in.Pay(b, a, 700, nil); return err },
		func() error { _, err := in.Pay(a, b, 500, world.Plan{{Kind: world.FaultDrop, Step: 2}}); return err },
		func() error { return in.Reconcile(a) },
		func() error { return in.Reconcile(b) },
		func() error { return in.Reconcile(a) },
		func() error { _, err := in.Deposit(b); return err },
	} {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	var views []models.View
	for _, id := range in.Wallets() {
		v := in.View(id)
		v.Coins = nil // coin ids differ: the external card has its own key and challenges
		views = append(views, v)
	}
	return in.Ledger(), views, in.Audit()
}

// The ledger, the views and the audit come out the same whether wallet-A
// is the model's own card or an external card served by Host.
func TestExternalCardBehavesLikeTheModelsOwn(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			l1, v1, a1 := scenario(t, models.Config{Suite: s})
			l2, v2, a2 := scenario(t, models.Config{Suite: s, External: []world.PartyID{"wallet-A"}, Dial: loopback.Hosts(NewHost, "")})
			if d := cmp.Diff(v1, v2); d != "" {
				t.Errorf("views (-own +external):\n%s", d)
			}
			if d := cmp.Diff(a1, a2); d != "" {
				t.Errorf("audit (-own +external):\n%s", d)
			}
			if l1.Issued != l2.Issued || l1.Redeemed != l2.Redeemed || l1.Accounts != l2.Accounts {
				t.Errorf("ledger own %+v, external %+v", l1, l2)
			}
			if !a2.Balanced() {
				t.Errorf("audit with an external card does not balance: %+v", a2)
			}
		})
	}
}
