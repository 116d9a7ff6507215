package cert

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
)

// Audit implements models.Instance (kit.Auditor): a wallet's value is held,
// pending in a payer's write-ahead log or a pending deposit, or waiting at
// the bank as mail. In the literal variant a payer's log is history, not
// a write-ahead log, and reconciliation forwards no payment, so a
// payment's value that no wallet holds is Lost. It reads every wallet
// through Device.State, so call it between operations.
func (in *Instance) Audit() models.Audit {
	au := kit.Auditor{CB: in.cb, IDs: &in.ids, LogPending: in.variant == Recovering, Forwardable: in.forwardable}
	return au.Audit(in.Order, kit.ReadBooks[*WalletState, LogEntry](in.state))
}
