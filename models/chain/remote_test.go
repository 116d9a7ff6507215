package chain

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/device/devicetest"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func external(s suite.Suite, wallets ...world.PartyID) models.Config {
	return externalMutant(s, "", wallets...)
}

// externalMutant is external with the wallets served by mutation's host.
func externalMutant(s suite.Suite, mutation string, wallets ...world.PartyID) models.Config {
	return models.Config{Suite: s, External: wallets, Dial: loopback.Hosts(NewHost, mutation)}
}

// run builds an instance with cfg, checks how many external wallets it
// has, and runs steps.
func run(t *testing.T, cfg models.Config, steps func(in *Instance) error) devicetest.Outcome {
	t.Helper()
	in := devicetest.Open[*Instance](t, Scheme{}, 42, cfg)
	devicetest.Linked(t, in.Links, cfg)
	if err := steps(in); err != nil {
		t.Fatal(err)
	}
	return devicetest.Observe(in)
}

func sequence(steps ...func() error) error {
	for i, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
	}
	return nil
}

// scenario funds, pays both ways (one QR code lost, one refused for want
// of funds, one payer and one payee losing power), reconciles and
// deposits.
func scenario(in *Instance) error {
	a, b := in.Wallets()[0], in.Wallets()[1]
	var refused models.Payment
	err := sequence(
		func() error { return in.Fund(a, 3000) },
		func() error { return in.Fund(b, 1000) },
		func() error { _, err := in.Pay(a, b, 1200, nil); return err },
		func() error { _, err := in.Pay(b, a, 700, nil); return err },
		func() error { _, err := in.Pay(a, b, 500, world.Plan{{Kind: world.FaultDrop, Step: 2}}); return err },
		func() error { var err error; refused, err = in.Pay(b, a, 5000, nil); return err },
		func() error {
			_, err := in.Pay(a, b, 200, world.Plan{{Kind: world.FaultCrashAfter, Step: 1}})
			return err
		},
		func() error {
			_, err := in.Pay(b, a, 100, world.Plan{{Kind: world.FaultCrashBefore, Step: 2}})
			return err
		},
		func() error { in.Restart(a); in.Restart(b); return nil },
		func() error { return in.Reconcile(a) },
		func() error { return in.Reconcile(b) },
		func() error { return in.Reconcile(a) },
		func() error { _, err := in.Deposit(b); return err },
		func() error { _, err := in.Pay(a, b, 300, nil); return err },
	)
	if err != nil {
		return err
	}
	if len(refused.Outcome.Rejections) != 1 || spec.CodeOf(refused.Outcome.Rejections[0].Err) != spec.CodeLimitExceeded && spec.CodeOf(refused.Outcome.Rejections[0].Err) != spec.CodeInsufficient {
		return errors.New("the payment beyond the payer's means was not refused with a typed error")
	}
	return nil
}

// The ledger, the views and the audit come out the same whether wallet-A
// (or wallet-B, or every wallet) is the model's own wallet or an
// external wallet served by Host.
func TestExternalWalletBehavesLikeTheModelsOwn(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		own := run(t, models.Config{Suite: s}, scenario)
		// The control: a wallet without its write-ahead log, which the
		// scenario's power cuts reach.
		devicetest.LikeOwn(t, own, func(ext []world.PartyID) devicetest.Outcome { return run(t, external(s, ext...), scenario) },
			func() devicetest.Outcome {
				return run(t, externalMutant(s, "no-write-ahead-log", "wallet-A"), scenario)
			})
	})
}

// A clone of an external wallet (Link.Fork) and a rollback of one
// (Link.Save, Link.Load) double spend exactly as the model's own wallet
// does: both conflicting payments are accepted offline, the chain keeps
// one final and flags the culprit.
func TestExternalWalletCloneAndRollback(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		steps := func(in *Instance) error {
			a, b, c := in.Wallets()[0], in.Wallets()[1], in.Wallets()[2]
			if err := in.Fund(a, 1000); err != nil {
				return err
			}
			snap := in.Snapshot(a)
			clone, err := in.Clone(a)
			if err != nil {
				return err
			}
			for _, p := range []struct {
				from, to world.PartyID
				amount   int64
			}{{a, b, 600}, {clone, c, 600}} {
				pay, err := in.Pay(p.from, p.to, p.amount, nil)
				if err != nil {
					return err
				}
				if !pay.Paid || !pay.Received {
					return errors.New("a payment of the clone pair did not go through offline")
				}
			}
			for _, w := range []world.PartyID{a, clone, b, c} {
				if err := in.Reconcile(w); err != nil {
					return err
				}
			}
			if got := in.View(b).Offline() + in.View(c).Offline(); got != 600 {
				return errors.New("the payees hold other than one payment's value")
			}
			in.Restore(a, snap)
			if pay, err := in.Pay(a, c, 300, nil); err != nil || !pay.Received {
				return errors.Join(errors.New("the rolled-back wallet's payment did not go through offline"), err)
			}
			for _, w := range []world.PartyID{a, c} {
				if err := in.Reconcile(w); err != nil {
					return err
				}
			}
			return nil
		}
		own := run(t, models.Config{Suite: s}, steps)
		got := run(t, external(s, "wallet-A"), steps)
		if d := cmp.Diff(own, got); d != "" {
			t.Errorf("(-own +external):\n%s", d)
		}
		if len(got.Culprit) == 0 || got.Culprit[0] != "wallet-A" {
			t.Errorf("double spends flagged: %v, want wallet-A's", got.Culprit)
		}
		if !got.Audit.Balanced() {
			t.Errorf("the audit does not balance: %+v", got.Audit)
		}
	})
}

// What must reach inside a wallet refuses an external one, naming it.
func TestExternalWalletCannotBeReachedInto(t *testing.T) {
	in := devicetest.Open[*Instance](t, Scheme{}, 1, external(nil, "wallet-A"))
	for name, err := range map[string]error{
		"corrupt": in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptCounter}),
		"inject":  in.Inject("wallet-A", false, 0, []byte{1}),
	} {
		if spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s of an external wallet: %v, want unimplemented", name, err)
		}
	}
	// Another wallet may still name it.
	if err := in.Corrupt("wallet-B", models.Corruption{Kind: models.CorruptIdentity, Other: "wallet-A"}); err != nil {
		t.Errorf("an own wallet impersonating the external one: %v", err)
	}
}

// The host refuses params with unknown members, and a refused operation
// changes nothing (what every model's host does on a device not yet made
// is models/device's test).
func TestHostRefusesUnknownParams(t *testing.T) {
	if _, err := NewHost(nil, "flag-only-later-id"); err == nil {
		t.Error("a host took a node mutant")
	}

	// A provisioned wallet, through the instance.
	in, l, st := devicetest.Funded[*Instance](t, Scheme{}, 3, external(nil, "wallet-A"), "wallet-A", 1000, OpState, func(s WireState) int { return len(s.Coins) })
	devicetest.Refusals(t, l, "wallet", map[string]devicetest.Call{
		"state with a member":      {Op: OpState, Params: map[string]any{"x": 1}},
		"sync with a member":       {Op: OpSync, Params: map[string]any{"drop": []string{}, "put": []any{}, "remove": []string{}, "crl": "", "blacklist": []string{}, "extra": true}},
		"sync dropping nothing":    {Op: OpSync, Params: SyncParams{Drop: []models.Hex{bytes.Repeat([]byte{7}, IDSize)}, CRL: in.cb.CRL().Raw}},
		"sync removing a stranger": {Op: OpSync, Params: SyncParams{Remove: []models.Hex{bytes.Repeat([]byte{7}, IDSize+2)}, CRL: in.cb.CRL().Raw}},
		"sync with a bad CRL":      {Op: OpSync, Params: SyncParams{Reset: true, CRL: []byte{0x30, 0}}},
		"redeem a stranger":        {Op: OpRedeem, Params: RedeemParams{Redemptions: []WireRedemption{{Payee: make([]byte, AddrSize), Nonce: make([]byte, NonceSize), Coins: []models.Hex{bytes.Repeat([]byte{7}, IDSize+2)}}}}},
		"redeem with a short id":   {Op: OpRedeem, Params: RedeemParams{Redemptions: []WireRedemption{{Payee: make([]byte, AddrSize), Nonce: make([]byte, NonceSize), Coins: []models.Hex{st.Coins[0].Point[:IDSize]}}}}},
		"start-payee of nothing":   {Op: OpStartPayee, Params: device.AmountParams{Amount: 0}},
		"provision again":          {Op: OpProvision, Params: Provisioning{}},
		"unknown operation":        {Op: "chain.mint", Params: struct{}{}},
	})
	// The wallet still works.
	modeltest.MustReconcile(t, in, "wallet-A")
	if v := in.View("wallet-A"); v.Offline() != 1000 {
		t.Errorf("after the refusals the wallet holds %d, want 1000", v.Offline())
	}
}

// A refusal of a scanned QR code comes back inside the deliver result
// with a canonical code, and the session records it as the payee's.
func TestExternalPayeeRefusalIsTyped(t *testing.T) {
	in := devicetest.Open[*Instance](t, Scheme{}, 5, external(nil, "wallet-B"))
	modeltest.MustFund(t, in, "wallet-A", 1000)
	// A bit flip in the signed part of the QR code.
	p, err := in.Pay("wallet-A", "wallet-B", 100, world.Plan{{Kind: world.FaultBitFlip, Step: 2, Arg: 8 * 40}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Received || len(p.Outcome.Rejections) != 1 || p.Outcome.Rejections[0].Party != "wallet-B" || !spec.CodeOf(p.Outcome.Rejections[0].Err).Known() {
		t.Fatalf("payment %+v: want one typed refusal by wallet-B", p)
	}
}
