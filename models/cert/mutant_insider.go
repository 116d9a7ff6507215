package cert

import "github.com/dualoffline/dualoffline/models"

// insiderMutants are the mutants of issue 13 that only an insider
// reaches: a receiving SIM's check that no honest payer's validly signed
// record ever trips, so no tampering (which breaks the signature first)
// reaches it either.
func insiderMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-accepts-off-table", "R6", "the payee checks that each record's outputs sum to the coin it spends but not that each output is a table denomination, so a payer's own split creates coins of any value"),
		m("payee-bounds-own-share-only", "R4", "the payee checks that a record pays it no more than the coin it spends is worth but leaves the payer's change unchecked, so a payer's own split can hand itself change created from nothing"),
		m("payee-skips-coin-holder", "R1", "the payee verifies each coin's lineage and the payer's signature on the new record but not that the lineage ends at the payer, so a wallet can pay with a coin another wallet holds"),
	}
}
