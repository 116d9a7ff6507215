package chip

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

func init() { offCardMutations["bank-skips-chip-repeated-counter"] = true }

// reuploadedBy reports whether reconciliation skips log record r that
// device id uploads, under bank-skips-chip-repeated-counter: the same
// device uploaded a record of its card and counter before (which an
// honest card only does for the same record again).
func (in *Instance) reuploadedBy(id world.PartyID, r *transfer.Signed) bool {
	return in.skipsRepeated("bank-skips-chip-repeated-counter", &in.chipCounters, string(id), r)
}
