package cert

import "github.com/dualoffline/dualoffline/models"

// orderMutants are the mutants of issue 13 that a fixed order of events
// let pass: only a generated order (a power cycle between two payments)
// kills them. The bank mutants of the same work are in the chip
// catalogue; the banks are the same code under both schemes.
func orderMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-seen-cache-volatile", "R2", "the SIM keeps the serials of the coins it was paid in a cache that a power cycle clears, so after a restart it accepts a coin it was already paid"),
	}
}

// forgetSeen is payee-seen-cache-volatile at power-on: the serials the
// SIM was paid (seen/…) do not survive the power cycle.
func (se *SIM) forgetSeen() {
	if !se.mutated("payee-seen-cache-volatile") {
		return
	}
	if keys := se.Dev.Keys(prefSeen); len(keys) > 0 {
		se.Dev.Commit(nil, keys)
	}
}
