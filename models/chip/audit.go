package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
)

// Audit implements models.Instance (kit.Auditor): a card's value is held,
// pending in its log or a pending deposit, or waiting at the bank as
// mail. It reads every card through Device.State, so call it between
// operations.
func (in *Instance) Audit() models.Audit {
	au := kit.Auditor{CB: in.cb, LogPending: true}
	return au.Audit(in.Order, kit.ReadBooks[*CardState, LogEntry](in.state))
}
