package cert

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
)

// insider stages an insider's payment (modeltest.InsiderScenario): the
// mutant scenarios of the insider's mutants (mutant_test.go).
var insider = modeltest.InsiderScenario[*Instance]

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
