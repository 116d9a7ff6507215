package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

// RogueAgentID is the issuing agent a forger's coin names in
// CorruptUnauthorisedAgent: the central bank never authorised it.
const RogueAgentID = "ROGUE-AGENT"

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the card as its compromised holder would
// (models/forge): the card's own checks are bypassed (its store is
// written directly, or its firmware presents other identity data),
// nobody else's are.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	return kit.Corrupt(&in.Table, "chip", AgentID, RogueAgentID, id, c)
}

// payerID is the identity the card names as payer in its records, and
// so as the holder of the change they return to the payer.
func (se *SE) payerID() string { return se.FW.RecordPayer(se.Name) }
