package cert

import (
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec"
)

// TestInsiderStatesAsked stages wrong-amount's second shape on the
// reference and the literal variant: the TX states the 200 fen asked, the
// records pay 199, so the TX's amount check passes and the payee refuses
// on the coins' total, storing nothing.
func TestInsiderStatesAsked(t *testing.T) {
	for _, v := range []Variant{Recovering, Literal} {
		t.Run(Scheme{Variant: v}.Info().Name, func(t *testing.T) {
			in := newScheme(t, Scheme{Variant: v})
			modeltest.MustFund(t, in, "wallet-A", 500)
			if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderWrongAmount, StatesAsked: true}); err != nil {
				t.Fatal(err)
			}
			before := in.View("wallet-B").Offline()
			p, err := in.Pay("wallet-A", "wallet-B", 200, nil)
			if err != nil {
				t.Fatal(err)
			}
			var refusal error
			for _, r := range p.Outcome.Rejections {
				if r.Party == "wallet-B" {
					refusal = r.Err
				}
			}
			if p.Received || in.View("wallet-B").Offline() != before || spec.CodeOf(refusal) != spec.CodeValueMismatch ||
				!strings.Contains(refusal.Error(), "received 199 fen, asked for 200") {
				t.Fatalf("the payee must refuse on the coins' total (value-mismatch) and store nothing: received=%v, offline %d→%d, refusal %v",
					p.Received, before, in.View("wallet-B").Offline(), refusal)
			}
		})
	}
}
