package cert

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

// RogueAgentID is the issuing agent a forger's coin names in
// CorruptUnauthorisedAgent: the central bank never authorised it.
const RogueAgentID = "ROGUE-AGENT"

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the SIM as its compromised holder would
// (models/forge): the SIM's own checks are bypassed (its store is
// written directly, or its firmware presents other identity data),
// nobody else's are.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	return kit.Corrupt(&in.Table, "cert", AgentID, RogueAgentID, id, c)
}

// presentedKey is the public key the SIM shows with its certificate.
func (se *SIM) presentedKey(asPayer bool) []byte {
	if c := se.FW.Presented(nil, asPayer); c != nil {
		return c.PublicKey.SPKI()
	}
	return se.spki
}

// payerID is the identity the card names as payer in its messages.
func (se *SIM) payerID() string { return se.FW.PayerID(se.Name) }

// recordPayer is the identity the card names as payer in its records,
// and so as the holder of the change they return to the payer.
func (se *SIM) recordPayer() string { return se.FW.RecordPayer(se.Name) }
