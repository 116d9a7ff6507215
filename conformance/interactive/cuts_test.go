package interactive_test

import (
	"io"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/conformance/interactive"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// On an external wallet the harness counts no writes, so the power cuts a
// payment can give it are crash-before and crash-after only: the clean
// payment's crash points name no crash-at for it, and finishing the
// session adds no crash-end point (its writes outside the steps are
// none). This is why those two kinds stay scheduled (spec/requirements.md,
// the crash profile; examples/vendor's -wallet-bug wallets are caught by
// them alone).
func TestExternalWalletCuts(t *testing.T) {
	for _, h := range schemes {
		t.Run(h.scheme.Info().Name, func(t *testing.T) {
			// The control: the scheme's own wallets, whose writes the
			// harness counts, do have crash-at points.
			if kinds := crashKinds(t, h.scheme); !slices.Contains(kinds, world.FaultCrashAt) {
				t.Errorf("the model's own payment has crash points of kinds %v only: the check below shows nothing", kinds)
			}
			w := world.New(1)
			in, err := interactive.Target(h.scheme, interactive.Wallet, h.dial("")).New(w, models.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if c, ok := in.(io.Closer); ok {
				defer c.Close()
			}
			ws := in.Wallets()
			if err := in.Fund(ws[0], 1000); err != nil {
				t.Fatal(err)
			}
			before := map[world.PartyID]int{}
			for _, id := range ws {
				before[id] = w.Device(id).Writes()
			}
			p, err := in.Pay(ws[0], ws[1], 230, nil)
			if err != nil || !p.Received {
				t.Fatalf("clean payment: received %v, %v", p.Received, err)
			}
			var kinds []world.FaultKind
			for _, f := range world.CrashPoints(p.Outcome) {
				if !slices.Contains(kinds, f.Kind) {
					kinds = append(kinds, f.Kind)
				}
			}
			if want := []world.FaultKind{world.FaultCrashBefore, world.FaultCrashAfter}; !slices.Equal(kinds, want) {
				t.Errorf("crash points of a payment between external wallets are of kinds %v, want %v", kinds, want)
			}
			for _, id := range ws {
				if n := w.Device(id).Writes() - before[id]; n != 0 {
					t.Errorf("the harness counted %d writes of external wallet %s: crash-at and crash-end would reach it", n, id)
				}
			}
		})
	}
}

// crashKinds are the kinds of the crash points of a clean payment of sch
// between its first two wallets.
func crashKinds(t *testing.T, sch models.Scheme) []world.FaultKind {
	t.Helper()
	in, err := sch.New(world.New(1), models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ws := in.Wallets()
	if err := in.Fund(ws[0], 1000); err != nil {
		t.Fatal(err)
	}
	p, err := in.Pay(ws[0], ws[1], 230, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []world.FaultKind
	for _, f := range world.CrashPoints(p.Outcome) {
		if !slices.Contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	return kinds
}
