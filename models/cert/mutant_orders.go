package cert

import "github.com/dualoffline/dualoffline/models"

// orderMutants are the mutants of issue 13 that a fixed order of events
// or a one-sided value check let pass: only a generated order (a power
// cycle between two payments, a deposit before the other branch of a
// double spend is uploaded) or an exact comparison kills them.
func orderMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("payee-seen-cache-volatile", "R2", "the SIM keeps the serials of the coins it was paid in a cache that a power cycle clears, so after a restart it accepts a coin it was already paid"),
		m("registry-ignores-settled-upload", "R2", "the registry takes an uploaded record that spends a coin on a branch already deposited for a stale copy and drops it, so a double spend whose other branch was deposited first is not flagged when it is uploaded"),
		m("flag-values-payment", "R2", "the registry values a double spend at what the first conflicting record paid its payee instead of the value of the coin spent twice, leaving the change out of the excess claimed from the culprit"),
	}
}

func init() {
	bankMutations["registry-ignores-settled-upload"] = true
	bankMutations["flag-values-payment"] = true
}

// forgetSeen is payee-seen-cache-volatile at power-on: the serials the
// SIM was paid (seen/…) do not survive the power cycle.
func (se *SIM) forgetSeen() {
	if !se.mutated("payee-seen-cache-volatile") {
		return
	}
	if keys := se.dev.Keys(prefSeen); len(keys) > 0 {
		se.dev.Commit(nil, keys)
	}
}
