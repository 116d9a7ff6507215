package cert

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// RogueAgentID is the issuing agent a forger's coin names in
// CorruptUnauthorisedAgent: the central bank never authorised it.
const RogueAgentID = "ROGUE-AGENT"

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the SIM as its compromised holder would: the
// SIM's own checks are bypassed (its store is written directly, or its
// firmware presents other identity data), nobody else's are. Certificate
// and identity corruptions change what the card presents from then on;
// coin and storage corruptions edit its store.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	se, err := in.sim(id)
	if err != nil {
		return err
	}
	r := in.w.Rand("cert/corrupt/" + string(id) + "/" + string(c.Kind))
	switch c.Kind {
	case models.CorruptSelfSignedCert, models.CorruptForeignRootCert, models.CorruptWrongSuiteCert:
		cert, err := forge.BadCert(se.s, c.Kind, se.key, se.cert, in.w.Now(), r)
		if err != nil {
			return err
		}
		se.present, se.presentSPKI = cert, cert.PublicKey.SPKI()
	case models.CorruptWithholdAck:
		se.withhold = true
	case models.CorruptIdentity:
		o, err := in.sim(c.Other)
		if err != nil {
			return err
		}
		if o.id == se.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot impersonate itself", id)
		}
		se.claim = o.cert
	case models.CorruptClaimIdentity:
		o, err := in.sim(c.Other)
		if err != nil {
			return err
		}
		if o.id == se.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot name itself as another payer", id)
		}
		se.named = o.id
	case models.CorruptEscrowGarbage, models.CorruptEscrowOther, models.CorruptEscrowWrongKey:
		return spec.Errorf(spec.CodeUnimplemented, "the cert scheme has no identity escrow: its records name the payer in the clear (%s stages the substitution of that identity)", models.CorruptClaimIdentity)
	case models.CorruptResignedCoin, models.CorruptBorrowedSignature:
		h := se.fresh()
		if h == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no freshly withdrawn coin to re-sign", id)
		}
		var sig []byte
		if c.Kind == models.CorruptResignedCoin {
			k, err := se.s.GenerateKey(r)
			if err != nil {
				return err
			}
			if sig, err = k.Sign(h.Root.TBS()); err != nil {
				return err
			}
		} else {
			donor := se
			if c.Other != "" {
				if donor, err = in.sim(c.Other); err != nil {
					return err
				}
			}
			d := donor.otherCoin(h.Root.Serial)
			if d == nil {
				return spec.Errorf(spec.CodeInsufficient, "%s holds no other coin whose signature %s could carry", donor.id, id)
			}
			sig = d.Root.Signature
		}
		resigned, err := forge.Resign(h, sig)
		if err != nil {
			return err
		}
		se.store([]*transfer.Holding{resigned}, nil)
	case models.CorruptForgedCoin, models.CorruptUnauthorisedAgent:
		agent := AgentID
		if c.Kind == models.CorruptUnauthorisedAgent {
			agent = RogueAgentID
		}
		hs, err := forge.Coins(se.s, r, agent, se.id, c.Value)
		if err != nil {
			return err
		}
		se.store(hs, nil)
	case models.CorruptRedenominated:
		h := se.fresh()
		if h == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no freshly withdrawn coin to re-denominate", id)
		}
		forged, err := forge.Redenominate(h, c.Value)
		if err != nil {
			return err
		}
		se.store([]*transfer.Holding{forged}, []string{prefCoin + instKey(h)})
	case models.CorruptForgedLineage:
		h := se.fresh()
		if h == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no coin to split", id)
		}
		kids, err := forge.Children(se.key, h, se.id, AgentID, c.Value)
		if err != nil {
			return err
		}
		se.store(kids, []string{prefCoin + instKey(h)})
	case models.CorruptStorage:
		// Copy coin records under new keys until the copies are worth
		// at least c.Value.
		puts := map[string][]byte{}
		var copied int64
		keys := slices.Sorted(maps.Keys(se.coins))
		for n := 0; copied < max(c.Value, 1) && len(keys) > 0; n++ {
			k := keys[n%len(keys)]
			puts[prefCoin+fmt.Sprintf("%s~copy%d", k, n)] = se.coins[k].Marshal()
			copied += se.coins[k].Value()
		}
		if len(puts) == 0 {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no coin to copy", id)
		}
		se.dev.Commit(puts, nil)
		se.recover()
	case models.CorruptCounter:
		st := se.st
		st.Counter, st.Spent, st.Payments = 0, 0, 0
		se.dev.Put(keyState, mustJSON(st))
		se.recover()
	default:
		return spec.Errorf(spec.CodeUnimplemented, "corruption %q", c.Kind)
	}
	in.w.Trace().Note(id, "corrupted: %s (value %d, other %q)", c.Kind, c.Value, c.Other)
	return nil
}

// store writes holdings to the card's store directly, deleting keys.
func (se *SIM) store(hs []*transfer.Holding, deletes []string) {
	puts := map[string][]byte{}
	for _, h := range hs {
		puts[prefCoin+instKey(h)] = h.Marshal()
	}
	se.dev.Commit(puts, deletes)
	se.recover()
}

// fresh returns a coin the card holds straight from its agent (one hop),
// the smallest first, or nil.
func (se *SIM) fresh() *transfer.Holding {
	var best *transfer.Holding
	for _, k := range slices.Sorted(maps.Keys(se.coins)) {
		h := se.coins[k]
		if len(h.Chain) == 1 && (best == nil || h.Value() < best.Value()) {
			best = h
		}
	}
	return best
}

// otherCoin returns a coin the card holds whose root is not serial (the
// smallest first), or nil.
func (se *SIM) otherCoin(serial coin.Serial) *transfer.Holding {
	var best *transfer.Holding
	for _, k := range slices.Sorted(maps.Keys(se.coins)) {
		h := se.coins[k]
		if h.Root.Serial != serial && (best == nil || h.Value() < best.Value()) {
			best = h
		}
	}
	return best
}

// presented is the certificate the card shows: its own unless a
// corruption substituted another.
func (se *SIM) presented(asPayer bool) *devcert.Certificate {
	if asPayer && se.claim != nil {
		return se.claim
	}
	if se.present != nil {
		return se.present
	}
	return se.cert
}

// presentedKey is the public key the SIM shows with its certificate.
func (se *SIM) presentedKey(asPayer bool) []byte {
	if asPayer && se.claim != nil {
		return se.claim.PublicKey.SPKI()
	}
	if se.presentSPKI != nil {
		return se.presentSPKI
	}
	return se.spki
}

// payerID is the identity the card names as payer in its messages.
func (se *SIM) payerID() string {
	if se.claim != nil {
		return se.claim.ID
	}
	return se.id
}

// recordPayer is the identity the card names as payer in its records,
// and so as the holder of the change they return to the payer.
func (se *SIM) recordPayer() string {
	if se.named != "" {
		return se.named
	}
	return se.payerID()
}
