package chain

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the wallet as its compromised holder would: the
// wallet's own checks are bypassed (its store is written directly, or its
// software presents other identity data in the QR payments it signs),
// nobody else's are. A chain wallet's coin is an output (transaction id,
// index, value); forged coins are outputs of mint transactions the forger
// built (with coins it signed itself, naming AgentID or forge.RogueAgentID) or
// of splits the chain never saw.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	return in.StageCorruption(id, c, func(wl *wallet) error { return in.corrupt(wl, id, c) })
}

// corrupt applies c to wallet id's own wallet wl (Corrupt).
func (in *Instance) corrupt(wl *wallet, id world.PartyID, c models.Corruption) error {
	r := c.Rand(in.w, Name, id)
	switch c.Kind {
	case models.CorruptSelfSignedCert, models.CorruptForeignRootCert, models.CorruptWrongSuiteCert:
		cert, err := forge.BadCert(wl.s, c.Kind, wl.key, wl.cert, in.w.Now(), r)
		if err != nil {
			return err
		}
		wl.present = cert
	case models.CorruptWithholdAck, models.CorruptRefuseAfterStore:
		// The payer shows a one-way QR code and waits for nothing from
		// the payee, so there is nothing to withhold.
	case models.CorruptIdentity:
		o, err := in.certOf(c.Other)
		if err != nil {
			return err
		}
		if o.ID == wl.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot impersonate itself", id)
		}
		wl.claim = o
	case models.CorruptClaimIdentity:
		// The payer's identity in the clear is its address, which the
		// payee checks against the certificate the payment carries.
		o, err := in.certOf(c.Other)
		if err != nil {
			return err
		}
		if o.ID == wl.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot name itself as another payer", id)
		}
		wl.named = o
	case models.CorruptEscrowGarbage:
		// A serial no certificate carries: the escrow names nobody.
		wl.escrow = 1<<62 | r.Uint64()>>2
	case models.CorruptEscrowOther:
		o, err := in.certOf(c.Other)
		if err != nil {
			return err
		}
		if o.ID == wl.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s's escrow is its own", id)
		}
		wl.escrow = o.Serial
	case models.CorruptEscrowWrongKey:
		// The escrow travels inside the sealed transfer: sealing it to
		// the forger's own key seals the whole transfer to that key.
		k, err := wl.s.GenerateKey(r)
		if err != nil {
			return err
		}
		wl.sealTo = k.Public()
	case models.CorruptResignedCoin, models.CorruptBorrowedSignature:
		return spec.Errorf(spec.CodeUnimplemented, "a chain wallet's coin is an output (transaction id, index, value) and carries no issuer signature; the issuer's signature is in the mint transaction the agent's master node submits, which no wallet builds")
	case models.CorruptForgedCoin, models.CorruptUnauthorisedAgent, models.CorruptForgedCoinDeep:
		agent := in.agents[0].ID
		if c.Kind == models.CorruptUnauthorisedAgent {
			agent = forge.RogueAgentID
		}
		hs, err := forge.Coins(wl.s, r, agent, wl.id, c.Value)
		if err != nil {
			return err
		}
		m := &Mint{Version: Version1, Owner: wl.addr, Holdings: hs}
		mid := m.ID(wl.s)
		puts := map[string][]byte{}
		for i, h := range hs {
			op := OutPoint{Tx: mid, Index: uint16(i)}
			if c.Kind == models.CorruptForgedCoinDeep {
				// Moved once more, to the wallet itself, by a transfer
				// the chain never saw whose id commits to the forged
				// mint's output: the forgery one hop down.
				var tid TxID
				copy(tid[:], wl.s.Hash([]byte("dualoffline/chain/forged-hop\x00"), op.bytes()))
				op = OutPoint{Tx: tid}
			}
			puts[pointKey(op)] = mustJSON(walletCoin{Point: op.bytes(), Value: h.Value(), Final: true})
		}
		wl.dev.Commit(puts, nil)
		wl.recover()
	case models.CorruptRedenominated:
		k := wl.smallest()
		if k == "" {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no final coin to re-denominate", id)
		}
		cn := *wl.coins[k]
		cn.Value = c.Value
		wl.dev.Put(k, mustJSON(cn))
		wl.recover()
	case models.CorruptForgedLineage:
		k := wl.smallest()
		if k == "" {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no final coin to split", id)
		}
		parent := *wl.coins[k]
		vals := []int64{parent.Value}
		if c.Value > 0 {
			more, err := coin.MakeChange(c.Value)
			if err != nil {
				return err
			}
			vals = append(vals, more...)
		}
		// A split the chain never saw: its id commits to the parent.
		var tid TxID
		copy(tid[:], wl.s.Hash([]byte("dualoffline/chain/forged-split\x00"), parent.Point))
		puts := map[string][]byte{}
		for i, v := range vals {
			op := OutPoint{Tx: tid, Index: uint16(i)}
			puts[pointKey(op)] = mustJSON(walletCoin{Point: op.bytes(), Value: v, Final: true})
		}
		wl.dev.Commit(puts, []string{k})
		wl.recover()
	case models.CorruptStorage:
		// A raised balance: a coin record naming an output the chain
		// never created (copying a record is pointless here: the store is
		// keyed by outpoint, so a copy is the same coin).
		if c.Value <= 0 {
			return spec.Errorf(spec.CodeValueMismatch, "storage edit of %d fen", c.Value)
		}
		var tid TxID
		copy(tid[:], r.Bytes(len(tid)))
		op := OutPoint{Tx: tid}
		wl.dev.Put(pointKey(op), mustJSON(walletCoin{Point: op.bytes(), Value: c.Value, Final: true}))
		wl.recover()
	case models.CorruptCounter:
		st := wl.st
		st.Counter, st.Spent, st.Payments = 0, 0, 0
		wl.dev.Put(keyState, mustJSON(st))
		wl.recover()
	default:
		return spec.Errorf(spec.CodeUnimplemented, "corruption %q", c.Kind)
	}
	return nil
}

// certOf returns the certificate wallet id presents, as the central bank
// issued it: what another wallet's compromised holder can learn of it.
func (in *Instance) certOf(id world.PartyID) (*devcert.Certificate, error) {
	c := in.bb.dir.byID[in.Names[id]]
	if c == nil {
		return nil, spec.Errorf(spec.CodeMalformed, "no wallet %q", id)
	}
	return c, nil
}

// smallest returns the store key of the wallet's smallest final coin.
func (wl *wallet) smallest() string {
	best := ""
	for _, k := range slices.Sorted(maps.Keys(wl.coins)) {
		if c := wl.coins[k]; c.Final && (best == "" || c.Value < wl.coins[best].Value) {
			best = k
		}
	}
	return best
}

// presented is the certificate the wallet puts in its payments.
func (wl *wallet) presented() *devcert.Certificate {
	if wl.claim != nil {
		return wl.claim
	}
	if wl.present != nil {
		return wl.present
	}
	return wl.cert
}

// payerAddr is the address the wallet names as payer.
func (wl *wallet) payerAddr() Address {
	if wl.claim != nil {
		return addressOfCert(wl.s, wl.claim)
	}
	if wl.named != nil {
		return addressOfCert(wl.s, wl.named)
	}
	return wl.addr
}

// escrowSerial is the certificate serial the wallet seals into its
// transfers as identity escrow.
func (wl *wallet) escrowSerial() uint64 {
	if wl.escrow != 0 {
		return wl.escrow
	}
	return wl.presented().Serial
}

// sealKey is the key the wallet seals its transfers to.
func (wl *wallet) sealKey() suite.PublicKey {
	if wl.sealTo != nil {
		return wl.sealTo
	}
	return wl.chainKey
}
