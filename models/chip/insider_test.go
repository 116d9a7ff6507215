package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
)

func init() {
	scenario := modeltest.InsiderScenario[*Instance]
	mutantScenarios["payee-skips-output-sum"] = scenario(modeltest.InsiderCase{Kind: models.InsiderWrongSum, Fund: 100, Amount: 200})
	mutantScenarios["payee-checks-stored-serials-only"] = scenario(modeltest.InsiderCase{Kind: models.InsiderDuplicateInput, Fund: 100, Amount: 200})
	mutantScenarios["payee-skips-record-challenge"] = scenario(modeltest.InsiderCase{Kind: models.InsiderReusedChallenge, Fund: 1000, First: 100, Amount: 200})
	mutantScenarios["payee-skips-amount-check"] = scenario(modeltest.InsiderCase{Kind: models.InsiderWrongAmount, Fund: 500, Amount: 200})
}

// TestInsiderRefused stages every insider payment a card can carry on the
// reference (modeltest.HolderInsiderRefused): the payee refuses it with
// the code of the check behind it, stores nothing, and the insider keeps
// its coins.
func TestInsiderRefused(t *testing.T) {
	modeltest.HolderInsiderRefused(t, func(t *testing.T) models.Instance { return newScheme(t, Scheme{}) })
}
