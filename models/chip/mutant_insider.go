package chip

import "github.com/dualoffline/dualoffline/models"

// insiderMutants are the mutants of issue 13 that only an insider
// reaches: a receiving card's check that no honest payer's validly signed
// record ever trips, so no tampering (which breaks the signature first)
// reaches it either.
func insiderMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-skips-output-sum", "R4", "the payee card checks each record's serials, denominations and holders but not that its outputs sum to the value of the coin it spends, so a payer's own signature can create value"),
		m("payee-checks-stored-serials-only", "R2", "the payee card looks each spent serial up in the serials it stored from earlier payments but not among the other spends of the same TRANSFER, so one coin spent twice in one payment is accepted twice"),
		m("payee-skips-record-challenge", "R1", "the payee card checks that each record names it as payee but not that the record answers the challenge of this payment, so records bound to an earlier session are accepted"),
	}
}
