package cert

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
)

func init() {
	scenario := modeltest.InsiderScenario[*Instance]
	mutantScenarios["payee-accepts-off-table"] = scenario(modeltest.InsiderCase{Kind: models.InsiderOffTable, Fund: 500, Amount: 37})
	mutantScenarios["payee-bounds-own-share-only"] = scenario(modeltest.InsiderCase{Kind: models.InsiderInflatedChange, Fund: 500, Amount: 200})
	mutantScenarios["payee-skips-coin-holder"] = scenario(modeltest.InsiderCase{Kind: models.InsiderNotOwned, Fund: 100, Other: 200, Amount: 200})
	mutantScenarios["payee-takes-tx-amount"] = scenario(modeltest.InsiderCase{Kind: models.InsiderWrongAmount, Fund: 500, Amount: 200})
}

// TestInsiderRefused stages every insider payment a TX can carry on the
// reference and on the literal variant (modeltest.HolderInsiderRefused):
// the payee refuses it with the code of the check behind it, stores
// nothing, and the insider keeps its coins.
func TestInsiderRefused(t *testing.T) {
	for _, v := range []Variant{Recovering, Literal} {
		t.Run(Scheme{Variant: v}.Info().Name, func(t *testing.T) {
			modeltest.HolderInsiderRefused(t, func(t *testing.T) models.Instance { return newScheme(t, Scheme{Variant: v}) })
		})
	}
}
