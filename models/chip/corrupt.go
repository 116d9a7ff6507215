package chip

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
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
	se, err := in.Inside(id)
	if err != nil {
		return err
	}
	st := forge.Setting{
		Scheme: "chip", Agent: AgentID, RogueAgent: RogueAgentID, Now: in.w.Now(),
		Lookup: func(p world.PartyID) (forge.Holder, error) {
			o, err := in.Inside(p)
			if err != nil {
				return nil, err
			}
			return o, nil
		},
	}
	r := in.w.Rand("chip/corrupt/" + string(id) + "/" + string(c.Kind))
	if err := forge.Corrupt(st, se, id, c, r); err != nil {
		return err
	}
	in.w.Trace().Note(id, "corrupted: %s (value %d, other %q)", c.Kind, c.Value, c.Other)
	return nil
}

// The SE as a forge.Holder.

func (se *SE) Firmware() *forge.Firmware           { return &se.fw }
func (se *SE) ID() string                          { return se.id }
func (se *SE) Suite() suite.Suite                  { return se.s }
func (se *SE) Key() suite.PrivateKey               { return se.key }
func (se *SE) Cert() *devcert.Certificate          { return se.cert }
func (se *SE) Coins() map[string]*transfer.Holding { return se.coins }

// Store writes holdings to the card's store directly, dropping replaced.
func (se *SE) Store(hs []*transfer.Holding, replaced *transfer.Holding) {
	puts := map[string][]byte{}
	for _, h := range hs {
		puts[prefCoin+instKey(h)] = h.Marshal()
	}
	var deletes []string
	if replaced != nil {
		deletes = []string{prefCoin + instKey(replaced)}
	}
	se.dev.Commit(puts, deletes)
	se.Recover()
}

// CopyCoins copies coin records under new keys until the copies are
// worth at least value.
func (se *SE) CopyCoins(value int64) error {
	puts := map[string][]byte{}
	var copied int64
	keys := slices.Sorted(maps.Keys(se.coins))
	for n := 0; copied < max(value, 1) && len(keys) > 0; n++ {
		k := keys[n%len(keys)]
		puts[prefCoin+fmt.Sprintf("%s~copy%d", k, n)] = se.coins[k].Marshal()
		copied += se.coins[k].Value()
	}
	if len(puts) == 0 {
		return spec.Errorf(spec.CodeInsufficient, "%s holds no coin to copy", se.id)
	}
	se.dev.Commit(puts, nil)
	se.Recover()
	return nil
}

// RewindCounters zeroes the spend counter and the offline-limit counters.
func (se *SE) RewindCounters() {
	st := se.st
	st.Counter, st.Spent, st.Payments = 0, 0, 0
	se.dev.Put(keyState, mustJSON(st))
	se.Recover()
}

// presented is the certificate the card shows: its own unless a
// corruption substituted another.
func (se *SE) presented(asPayer bool) *devcert.Certificate {
	return se.fw.Presented(se.cert, asPayer)
}

// payerID is the identity the card names as payer in its records, and
// so as the holder of the change they return to the payer.
func (se *SE) payerID() string { return se.fw.RecordPayer(se.id) }
