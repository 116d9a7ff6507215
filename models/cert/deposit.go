package cert

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// depositor is the bank side of the wallet's deposits (kit.Depositor).
func (in *Instance) depositor() kit.Depositor[Device, *WalletState] {
	return kit.Depositor[Device, *WalletState]{W: in.w, Agent: in.agent, State: Device.State, ParseCode: spec.CodeInternal,
		Account: func(_ world.PartyID, st *WalletState) string { return st.ID }}
}
