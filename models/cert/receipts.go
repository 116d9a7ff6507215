package cert

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

var _ models.Receipter = (*Instance)(nil)

// Receipts are the payer SIM's log entries, each the records it signed
// to the entry's payee, as reconciliation will upload them, checked by
// the registry (kit.Receipts).
func (in *Instance) Receipts(id world.PartyID) ([]models.Receipt, error) {
	return kit.Receipts(id, in.state, in.cb.Registry(), LogEntry.PaidTo, in.Party)
}
