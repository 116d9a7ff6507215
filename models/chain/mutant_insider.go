package chain

import "github.com/dualoffline/dualoffline/models"

// insiderMutants are the mutants of issue 13 that only an insider
// reaches: a payee's check that no honest payer's validly signed payment
// ever trips, so no tampering (which breaks the signature first) reaches
// it either.
func insiderMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-skips-time-window", "R1", "the payee checks a payment's nonce and signature but not that its timestamp is within the window of its own clock, so a payment signed long ago (or dated ahead) is accepted"),
		m("payee-skips-amount-check", "R5", "the payee checks a scanned payment's certificate, addresses, nonce, time and signature but not that its amount is the one the till asked for, so a payment of less closes the sale"),
		m("node-skips-payee-match", "R5", "master nodes pay a payment's amount to the payee its sealed transfer names without checking that it is the clear payee, the one the payee checked and counter-signed, so a payer can pay someone else with a payment its payee accepted"),
		// R5.5-insider-payment-settles-or-names-payer's own mutant.
		m("node-settles-short-payment", "R5", "master nodes pay a payment whose sealed inputs hold less than its amount what the inputs hold, instead of refusing it and naming the payer, so the payee is credited less than it accepted"),
	}
}
