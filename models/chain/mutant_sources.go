package chain

import "github.com/dualoffline/dualoffline/models"

// sourceMutants are the mutants of issue 15: each undoes one repair that
// brought the model back to its source or made a documented model
// departure pass.
func sourceMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("node-ignores-revocation", "R1", "master nodes check the payer's certificate against the root only, not the revocation list, so a payment a revoked payer made after its revocation settles on its own upload although its payee refused it"),
	}
}
