package chip

import (
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

var _ models.Receipter = (*Instance)(nil)

// Receipts are the payer card's log entries that spend something, each
// the records it signed to the entry's payee, as reconciliation will
// upload them, checked by the registry (kit.Receipts). A refused entry
// is one too: its coins stay out until reconciliation rules on the
// refusal (refuse.go), and its records are what the ruling reads.
func (in *Instance) Receipts(id world.PartyID) ([]models.Receipt, error) {
	st, err := in.state(id)
	if err != nil {
		return nil, err
	}
	return kit.Receipts(pendingRefusals(st), in.cb.Registry(), LogEntry.PaidTo, in.Party), nil
}

// pendingRefusals returns st with its refused entries read as the
// payments they still are until reconciliation rules on the refusal
// (refuse.go): pending, spending what they logged. kit.LogEntry reads a
// refused entry as spending nothing, which was the card before D4's mend
// (it put the coins back at once). st itself is not changed.
func pendingRefusals(st *CardState) *CardState {
	if st == nil || !slices.ContainsFunc(st.Log, func(e LogEntry) bool { return len(e.Refusal) > 0 }) {
		return st
	}
	held := *st
	held.Log = slices.Clone(st.Log)
	for i := range held.Log {
		held.Log[i].Refusal = nil
	}
	return &held
}

// forgetAcked is payer-forgets-acked-payment: once entry k is
// acknowledged, only its mark stays; the coins and records it spent go,
// and with them the payer's receipt.
func (se *SE) forgetAcked(k string) {
	if se.mutated("payer-forgets-acked-payment") {
		e := *se.out[k]
		e.Holdings, e.Records = nil, nil
		se.Dev.Put(k, kit.MustJSON(e))
		se.out[k] = &e
	}
}
