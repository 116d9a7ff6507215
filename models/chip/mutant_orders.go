package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// orderMutants are the mutants of issue 13 that a fixed order of events
// or a one-sided value check let pass: only a generated order (a power
// cycle between two payments, a deposit before the other branch of a
// double spend is uploaded) or an exact comparison kills them.
func orderMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-seen-cache-volatile", "R2", "the card keeps the serials of the coins it was paid in a cache that a power cycle clears, so after a restart it accepts a coin it was already paid"),
		m("payee-forgets-deposited-serials", "R2", "the card deletes the record that it was paid a coin together with the coin when it deposits it, so after a deposit it accepts the same coin again offline"),
		m("registry-ignores-settled-upload", "R2", "the registry takes an uploaded record that spends a coin on a branch already deposited for a stale copy and drops it, so a double spend whose other branch was deposited first is not flagged when it is uploaded"),
		m("trace-values-spent-coin", "R3", "the central bank's trace of a payment reports the value of the coin the record spent instead of what the record paid the payee, so a payment that made change is traced at more than was paid"),
		m("received-coins-need-sync", "R6", "after a power cycle the card offers the coins it received offline for payment only once it has synchronised online again, so value received offline cannot be paid onward after a restart"),
		m("flag-values-payment", "R2", "the registry values a double spend at what the first conflicting record paid its payee instead of the value of the coin spent twice, leaving the change out of the excess claimed from the culprit"),
	}
}

func init() {
	bankMutations["registry-ignores-settled-upload"] = true
	bankMutations["flag-values-payment"] = true
	// The trace is the central bank's, not the card's.
	bankMutations["trace-values-spent-coin"] = true
}

// forgetSeen is payee-seen-cache-volatile at power-on: the serials the
// card was paid (seen/…) do not survive the power cycle.
func (se *SE) forgetSeen() {
	if !se.mutated("payee-seen-cache-volatile") {
		return
	}
	if keys := se.Dev.Keys(prefSeen); len(keys) > 0 {
		se.Dev.Commit(nil, keys)
	}
}

// keyFrozen marks, under received-coins-need-sync, that the card lost
// power since its last online synchronisation.
const keyFrozen = "frozen"

// freezeReceived is received-coins-need-sync at power-on: from now until
// the next synchronisation the card does not offer coins it received
// offline.
func (se *SE) freezeReceived() {
	if se.mutated("received-coins-need-sync") {
		se.Dev.Put(keyFrozen, []byte{1})
	}
}

// thawReceived is received-coins-need-sync at synchronisation.
func (se *SE) thawReceived() {
	if _, ok := se.Dev.Get(keyFrozen); ok && se.mutated("received-coins-need-sync") {
		se.Dev.Delete(keyFrozen)
	}
}

// frozen reports whether received-coins-need-sync keeps h out of a
// payment: the card lost power since it last synchronised and h came
// from another wallet offline (not from an agent bank, not change).
func (se *SE) frozen(h *transfer.Holding) bool {
	if !se.mutated("received-coins-need-sync") {
		return false
	}
	if _, ok := se.Dev.Get(keyFrozen); !ok || len(h.Chain) == 0 {
		return false
	}
	last := h.Chain[len(h.Chain)-1]
	_, agent := se.Agents[last.Payer]
	return !agent && last.Payer != se.Name
}

// tracedValue is the value the central bank's trace gives a record paying
// payee: what it paid payee, or under trace-values-spent-coin the value
// of the coin it spent.
func (in *Instance) tracedValue(rec *transfer.Signed, payee string) int64 {
	if in.mutated("trace-values-spent-coin") {
		return rec.ParentValue
	}
	return rec.PaidTo(payee)
}

// depositForgets is payee-forgets-deposited-serials: the store keys the
// card deletes with a deposited coin besides the coin itself, the mark
// that it was paid the coin (seen/<serial of the coin the paying record
// spent>).
func (se *SE) depositForgets(h *transfer.Holding) []string {
	if !se.mutated("payee-forgets-deposited-serials") || len(h.Chain) == 0 {
		return nil
	}
	return []string{prefSeen + serialHex(h.Chain[len(h.Chain)-1].Parent)}
}
