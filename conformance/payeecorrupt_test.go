package conformance

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
)

// payerAfter runs the payment of paymentAmount from the first wallet of a
// fresh instance of sch (funded with fundAmount) to the second, whose
// device is corrupted with kind first ("" for none), and returns the
// payer's and the payee's views right after it, before anyone reconciles.
func payerAfter(t *testing.T, sch models.Scheme, kind models.CorruptionKind) [2]models.View {
	t.Helper()
	in, a, b := fundedPair(t, sch, world.New(1))
	if kind != "" {
		if err := in.(models.Corrupter).Corrupt(b, models.Corruption{Kind: kind}); err != nil {
			t.Fatalf("%s: corrupt with %s: %v", sch.Info().Name, kind, err)
		}
	}
	if _, err := in.Pay(a, b, paymentAmount, nil); err != nil {
		t.Fatalf("%s: pay: %v", sch.Info().Name, err)
	}
	return [2]models.View{in.View(a), in.View(b)}
}

// TestPayeeCorruptionsChangeWhatThePayerSees: the payee corruptions R5.4
// stages are not no-ops. Withholding leaves the payer's side other than
// an honest payee does, in every scheme whose payer waits for the payee;
// refusing after storing does too, and in chip (the one scheme with a
// refusal message) it also leaves the payer other than withholding does.
// In a scheme whose payer waits for nothing (chain's one-way QR code)
// both kinds change nothing, as models.CorruptRefuseAfterStore documents.
func TestPayeeCorruptionsChangeWhatThePayerSees(t *testing.T) {
	waitsForNothing := map[string]bool{"chain": true, "chain-literal": true}
	hasRefusal := map[string]bool{"chip": true}
	for _, sch := range all.Schemes() {
		name := sch.Info().Name
		t.Run(name, func(t *testing.T) {
			honest := payerAfter(t, sch, "")
			withheld := payerAfter(t, sch, models.CorruptWithholdAck)
			refused := payerAfter(t, sch, models.CorruptRefuseAfterStore)
			if waitsForNothing[name] {
				if d := cmp.Diff(honest, refused); d != "" {
					t.Errorf("refuse-after-store changed a payment whose payer waits for nothing (-honest +refused):\n%s", d)
				}
				return
			}
			if cmp.Equal(honest[0], withheld[0]) {
				t.Errorf("withhold-ack left the payer as an honest payee does: %+v", honest[0])
			}
			if cmp.Equal(honest[0], refused[0]) {
				t.Errorf("refuse-after-store left the payer as an honest payee does: %+v", honest[0])
			}
			if hasRefusal[name] == cmp.Equal(withheld[0], refused[0]) {
				t.Errorf("refuse-after-store and withhold-ack leave the payer alike: %v, want %v (-withheld +refused):\n%s", cmp.Equal(withheld[0], refused[0]), !hasRefusal[name], cmp.Diff(withheld[0], refused[0]))
			}
			if refused[1].Offline()+refused[1].Account <= honest[1].Offline()+honest[1].Account-paymentAmount {
				t.Errorf("the refusing payee did not keep what it verified: worth %d, an honest payee's %d", refused[1].Offline()+refused[1].Account, honest[1].Offline()+honest[1].Account)
			}
		})
	}
}
