package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// corruptRefuse stages models.CorruptRefuseAfterStore on wallet id's card:
// as payee, its firmware stores a TRANSFER's coins as an honest card does,
// sends no CONFIRM, and answers with the REFUSE an honest card sends for a
// TRANSFER it did not store: the same bytes, signed with the card's key
// over the session's challenge. The firmware survives power cycles.
func (in *Instance) corruptRefuse(id world.PartyID, c models.Corruption) error {
	return in.StageCorruption(id, c, func(se *SE) error {
		se.FW.Withhold = true
		se.refuseStored = true
		return nil
	})
}

// refuseAfterStore is what the corrupted payee sends once it stored the
// coins of the TRANSFER that answered challenge (nil for any other card).
func (se *SE) refuseAfterStore(to world.PartyID, challenge []byte) []world.Message {
	if !se.refuseStored {
		return nil
	}
	return se.refusal(to, challenge)
}
