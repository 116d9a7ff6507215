package chain

import "github.com/dualoffline/dualoffline/models"

// insiderMutants are the mutants of issue 13 that only an insider
// reaches: a payee's check that no honest payer's validly signed payment
// ever trips, so no tampering (which breaks the signature first) reaches
// it either.
func insiderMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("payee-skips-time-window", "R1", "the payee checks a payment's nonce and signature but not that its timestamp is within the window of its own clock, so a payment signed long ago (or dated ahead) is accepted"),
	}
}
