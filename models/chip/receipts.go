package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

var _ models.Receipter = (*Instance)(nil)

// Receipts are the payer card's log entries that spend something, each
// the records it signed to the entry's payee, as reconciliation will
// upload them, checked by the registry (kit.Receipts).
func (in *Instance) Receipts(id world.PartyID) ([]models.Receipt, error) {
	return kit.Receipts(id, in.state, in.cb.Registry(), LogEntry.PaidTo, in.Party)
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
