package pseudocoin

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Corrupt stages c on wallet p's element as its compromised holder would:
// the element's own checks are bypassed (its store is written directly,
// its keys used as it likes), every other party's are not. The payer
// names nobody in the clear, so the identity corruptions other than the
// escrow's, and coins naming an agent, cannot be expressed.
func (in *Instance) Corrupt(p world.PartyID, c models.Corruption) error {
	e, err := in.element(p)
	if err != nil {
		return err
	}
	r := c.Rand(in.w, Name, p)
	switch c.Kind {
	case models.CorruptEscrowGarbage, models.CorruptEscrowOther, models.CorruptEscrowWrongKey, models.CorruptWithholdAck, models.CorruptRefuseAfterStore:
		if c.Kind == models.CorruptEscrowOther {
			// Only its name goes in the escrow: an external element
			// may be the one impersonated.
			if _, err := in.device(c.Other); err != nil {
				return err
			}
		}
		if in.corrupted == nil {
			in.corrupted = map[world.PartyID]models.Corruption{}
		}
		in.corrupted[p] = c
		return nil
	case models.CorruptCounter:
		e.dev.Commit(map[string][]byte{keyLimits: mustJSON(limitsState{})}, nil)
		return nil
	case models.CorruptSelfSignedCert, models.CorruptForeignRootCert, models.CorruptWrongSuiteCert:
		return in.corruptCert(e, c.Kind)
	case models.CorruptForgedCoin, models.CorruptUnauthorisedAgent, models.CorruptForgedCoinDeep:
		// A bundle no desk minted: signed by a forger's key, or by a
		// minter the central bank never authorised (the only minter is
		// its desk).
		forger, err := in.s.GenerateKey(r)
		if err != nil {
			return err
		}
		if c.Kind == models.CorruptForgedCoinDeep {
			return in.forgedDeep(e, c.Value, forger)
		}
		return in.addForged(e, c.Value, forger, nil)
	}
	switch c.Kind {
	case models.CorruptRedenominated, models.CorruptStorage, models.CorruptResignedCoin, models.CorruptBorrowedSignature, models.CorruptForgedLineage:
	default:
		return spec.Errorf(spec.CodeUnimplemented, "pseudocoin cannot stage %s: a payment names no payer in the clear; only the escrow carries an identity", c.Kind)
	}
	hs := e.holdings()
	var target *held
	for i := range hs {
		if hs[i].h.Bundle != nil && (target == nil || hs[i].h.Value() < target.h.Value()) {
			target = &hs[i]
		}
	}
	if target == nil {
		return spec.Errorf(spec.CodeInsufficient, "%s holds no bundle to corrupt", p)
	}
	b := *target.h.Bundle
	b.Coins = append([]int64(nil), b.Coins...)
	switch c.Kind {
	case models.CorruptRedenominated:
		b.Coins[0] = c.Value
	case models.CorruptStorage:
		extra, err := coin.MakeChange(c.Value)
		if err != nil {
			return err
		}
		b.Coins = append(b.Coins, extra...)
	case models.CorruptResignedCoin:
		k, err := in.s.GenerateKey(r)
		if err != nil {
			return err
		}
		if b.Sig, err = k.Sign(b.TBS()); err != nil {
			return err
		}
	case models.CorruptBorrowedSignature:
		src := e
		if c.Other != "" {
			if src, err = in.element(c.Other); err != nil {
				return err
			}
		}
		found := false
		for _, h := range src.holdings() {
			if h.h.Bundle != nil && h.name != target.name {
				b.Sig, found = h.h.Bundle.Sig, true
				break
			}
		}
		if !found {
			return spec.Errorf(spec.CodeInsufficient, "no other bundle to borrow a signature from")
		}
	case models.CorruptForgedLineage:
		k, err := target.key()
		if err != nil {
			return err
		}
		return in.addForged(e, target.h.Value()+c.Value, k, target)
	}
	e.dev.Commit(map[string][]byte{prefHold + target.name: storeHolding(target.priv, b.Marshal())}, nil)
	return nil
}

// addForged stores a forged holding of value fen: a bundle signed by
// signer (forged-coin), or, with parent set, a record in which the
// parent's key pays a fresh key of the element more than the parent is
// worth (forged lineage).
func (in *Instance) addForged(e *element, value int64, signer suite.PrivateKey, parent *held) error {
	r := in.w.Rand("pseudocoin/forge/" + string(e.dev.ID()))
	k, err := in.s.GenerateKey(r)
	if err != nil {
		return err
	}
	coins, err := coin.MakeChange(value)
	if err != nil {
		return err
	}
	var h *Holding
	if parent == nil {
		b := &Bundle{Key: k.Public().SPKI(), Coins: coins}
		if b.Sig, err = signer.Sign(b.TBS()); err != nil {
			return err
		}
		h = &Holding{Bundle: b}
	} else {
		ck, err := in.s.GenerateKey(r)
		if err != nil {
			return err
		}
		rec := &Record{Inputs: []*Holding{parent.h}, Payee: k.Public().SPKI(), Amount: value, Outputs: coins, ChangeKey: ck.Public().SPKI(), Challenge: make([]byte, ChallengeLen)}
		if rec.Escrow, err = in.escrow(e, rec, &Invoice{Key: rec.Payee}); err != nil {
			return err
		}
		sig, err := signer.Sign(rec.TBS())
		if err != nil {
			return err
		}
		rec.Sigs = [][]byte{sig}
		h = &Holding{Record: rec}
	}
	puts := map[string][]byte{prefHold + keyName(h.Key()): storeHolding(k.Bytes(), h.Marshal())}
	var dels []string
	if parent != nil {
		dels = append(dels, prefHold+parent.name)
	}
	e.dev.Commit(puts, dels)
	return nil
}

// corruptCert gives the element a device certificate that does not chain
// to the central bank's root: self-signed, from another CA of the suite,
// or of the other suite.
func (in *Instance) corruptCert(e *element, kind models.CorruptionKind) error {
	r := in.w.Rand("pseudocoin/cert/" + string(e.dev.ID()) + string(kind))
	s := in.s
	if kind == models.CorruptWrongSuiteCert {
		for _, o := range suite.All() {
			if o.ID() != in.s.ID() {
				s = o
			}
		}
	}
	dk, err := e.deviceKey()
	if err != nil {
		return err
	}
	key := dk
	if s.ID() != in.s.ID() {
		if key, err = s.GenerateKey(r); err != nil {
			return err
		}
	}
	now := in.w.Now()
	var cert *devcert.Certificate
	if kind == models.CorruptSelfSignedCert {
		a, err := devcert.NewRoot(s, key, e.identity(), 7, now.Add(-time.Hour), now.Add(365*24*time.Hour))
		if err != nil {
			return err
		}
		cert = a.Cert
	} else {
		rk, err := s.GenerateKey(r)
		if err != nil {
			return err
		}
		a, err := devcert.NewRoot(s, rk, bankRootID, 1, now.Add(-time.Hour), now.Add(365*24*time.Hour))
		if err != nil {
			return err
		}
		if cert, err = a.Issue(devcert.Template{Serial: 9, ID: e.identity(), Role: devcert.RoleWallet, PublicKey: key.Public(), NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour)}); err != nil {
			return err
		}
	}
	e.dev.Commit(map[string][]byte{keyCert: cert.Raw, keyDevice: key.Bytes()}, nil)
	return nil
}

// bankRootID is the name a foreign CA takes: the central bank's own.
const bankRootID = "PBOC"
