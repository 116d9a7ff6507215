package chip

import "github.com/dualoffline/dualoffline/models"

// anonMutants are the mutants of the card's pseudonymous certificate
// (issue 15, Build 3): each puts the holder's identity back where the
// merchant and the agent bank read it.
func anonMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("card-cert-names-holder", "R3", "personalisation certifies the card key under the holder's registered wallet id instead of a pseudonym, so every certificate and record the card presents names its holder"),
	}
}
