package cert

import "github.com/dualoffline/dualoffline/models"

// kinds3Mutants are issue 13's mutants for the insider's terms (R5.5):
// a payee check no honest payer's TX ever trips, reached only by an
// insider that signs a TX for other terms than the payee requested.
func kinds3Mutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-takes-tx-amount", "R5", "the payee takes a TX's amount from the TX itself: it checks the sealed coins against the amount the payer states, not against the amount its request asked for, so a TX for less closes the sale"),
		m("payee-skips-coin-total", "R5", "the payee trusts the signed TX's amount and never adds up the coins it opens: a TX stating the amount asked, whose records pay this wallet less, closes the sale"),
	}
}
