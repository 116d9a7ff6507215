package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// kinds2Mutants are issue 13's mutants that tell a rolled-back card from
// a cloned one: one device going back against two devices going
// forward. The bank sees which physical card uploads (a chip's hardware
// id, the device; a clone is another chip with the same identity).
func kinds2Mutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		// rollback: the same chip uploads a second record for a counter.
		m("bank-skips-chip-repeated-counter", "R2", "reconciliation takes a log record whose card and counter the same physical card (the uploading chip) already uploaded as that card uploading the same payment again and skips it, so a card rolled back to before a spend it had uploaded uploads the spend that reuses the counter unchecked; a clone, another chip, is checked"),
	}
}

func init() { offCardMutations["bank-skips-chip-repeated-counter"] = true }

// reuploadedBy reports whether reconciliation skips log record r that
// device id uploads, under bank-skips-chip-repeated-counter: the same
// device uploaded a record of its card and counter before (which an
// honest card only does for the same record again).
func (in *Instance) reuploadedBy(id world.PartyID, r *transfer.Signed) bool {
	return in.skipsRepeated("bank-skips-chip-repeated-counter", &in.chipCounters, string(id), r)
}
