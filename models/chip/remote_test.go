package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device/devicetest"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// scenario opens an instance with cfg, checks how many external cards it
// has, and runs fund, payments both ways (one losing its last message),
// reconciliations and a deposit through it.
func scenario(t *testing.T, cfg models.Config) devicetest.Outcome {
	t.Helper()
	in := devicetest.Open[*Instance](t, Scheme{}, 42, cfg)
	devicetest.Linked(t, in.Links, cfg)
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
	return devicetest.Observe(in)
}

// The views (Masked: an external card has its own key and challenges, so
// the coins it makes have other ids), the ledger and the audit come out
// the same whether wallet-A (or wallet-B, or every card) is the model's
// own card or an external card served by Host.
func TestExternalCardBehavesLikeTheModelsOwn(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		own := scenario(t, models.Config{Suite: s})
		// The control: a card that forgets a spend across a power cut,
		// which the scenario's cuts reach.
		devicetest.LikeOwn(t, own, func(ext []world.PartyID) devicetest.Outcome {
			return scenario(t, models.Config{Suite: s, External: ext, Dial: loopback.Hosts(NewHost, "")})
		}, func() devicetest.Outcome {
			return scenario(t, models.Config{Suite: s, External: []world.PartyID{"wallet-A"}, Dial: loopback.Hosts(NewHost, "forget-spend-on-crash")})
		})
	})
}
