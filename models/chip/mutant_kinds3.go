package chip

import "github.com/dualoffline/dualoffline/models"

// kinds3Mutants are issue 13's mutants for the insider's terms (R5.5):
// a payee check no honest payer's records ever trip, reached only by an
// insider that signs records for other terms than the payee asked.
func kinds3Mutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-skips-amount-check", "R5", "the payee card checks every record of a TRANSFER (coin, holder, payee, challenge, arithmetic, signature) and stores the outputs paid to it, but not that together they pay the amount its INITIATE asked for, so a payment of less closes the sale"),
	}
}
