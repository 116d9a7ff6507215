package chip

import (
	"github.com/dualoffline/dualoffline/spec/transfer"
)

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
