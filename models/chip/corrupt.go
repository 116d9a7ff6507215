package chip

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// RogueAgentID is the issuing agent a forger's coin names in
// CorruptUnauthorisedAgent: the central bank never authorised it.
const RogueAgentID = "ROGUE-AGENT"

var _ models.Corrupter = (*Instance)(nil)

// Corrupt stages c on the card as its compromised holder would: the
// card's own checks are bypassed (its store is written directly, or its
// firmware presents other identity data), nobody else's are. Certificate
// and identity corruptions change what the card presents from then on;
// coin and storage corruptions edit its store.
func (in *Instance) Corrupt(id world.PartyID, c models.Corruption) error {
	se, err := in.se(id)
	if err != nil {
		return err
	}
	r := in.w.Rand("chip/corrupt/" + string(id) + "/" + string(c.Kind))
	switch c.Kind {
	case models.CorruptSelfSignedCert, models.CorruptForeignRootCert, models.CorruptWrongSuiteCert:
		cert, err := badCert(se.s, c.Kind, se.key, se.cert, in.w.Now(), r)
		if err != nil {
			return err
		}
		se.present = cert
	case models.CorruptWithholdAck:
		se.withhold = true
	case models.CorruptIdentity:
		o, err := in.se(c.Other)
		if err != nil {
			return err
		}
		if o.id == se.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot impersonate itself", id)
		}
		se.claim = o.cert
	case models.CorruptClaimIdentity:
		o, err := in.se(c.Other)
		if err != nil {
			return err
		}
		if o.id == se.id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot name itself as another payer", id)
		}
		se.named = o.id
	case models.CorruptEscrowGarbage, models.CorruptEscrowOther, models.CorruptEscrowWrongKey:
		return spec.Errorf(spec.CodeUnimplemented, "the chip scheme has no identity escrow: its records name the payer in the clear (%s stages the substitution of that identity)", models.CorruptClaimIdentity)
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
				if donor, err = in.se(c.Other); err != nil {
					return err
				}
			}
			d := donor.otherCoin(h.Root.Serial)
			if d == nil {
				return spec.Errorf(spec.CodeInsufficient, "%s holds no other coin whose signature %s could carry", donor.id, id)
			}
			sig = d.Root.Signature
		}
		resigned, err := resign(h, sig)
		if err != nil {
			return err
		}
		se.store([]*transfer.Holding{resigned}, nil)
	case models.CorruptForgedCoin, models.CorruptUnauthorisedAgent:
		agent := AgentID
		if c.Kind == models.CorruptUnauthorisedAgent {
			agent = RogueAgentID
		}
		hs, err := forgeCoins(se.s, r, agent, se.id, c.Value)
		if err != nil {
			return err
		}
		se.store(hs, nil)
	case models.CorruptRedenominated:
		h := se.fresh()
		if h == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no freshly withdrawn coin to re-denominate", id)
		}
		forged, err := redenominate(h, c.Value)
		if err != nil {
			return err
		}
		se.store([]*transfer.Holding{forged}, []string{prefCoin + instKey(h)})
	case models.CorruptForgedLineage:
		h := se.fresh()
		if h == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no coin to split", id)
		}
		kids, err := forgeChildren(se.key, h, se.id, AgentID, c.Value)
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
func (se *SE) store(hs []*transfer.Holding, deletes []string) {
	puts := map[string][]byte{}
	for _, h := range hs {
		puts[prefCoin+instKey(h)] = h.Marshal()
	}
	se.dev.Commit(puts, deletes)
	se.recover()
}

// fresh returns a coin the card holds straight from its agent (one hop),
// the smallest first, or nil.
func (se *SE) fresh() *transfer.Holding {
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
func (se *SE) otherCoin(serial coin.Serial) *transfer.Holding {
	var best *transfer.Holding
	for _, k := range slices.Sorted(maps.Keys(se.coins)) {
		h := se.coins[k]
		if h.Root.Serial != serial && (best == nil || h.Value() < best.Value()) {
			best = h
		}
	}
	return best
}

// resign returns a copy of h whose root coin carries sig instead of the
// issuer's signature; every other field and the lineage are unchanged.
func resign(h *transfer.Holding, sig []byte) (*transfer.Holding, error) {
	c, err := transfer.ParseHolding(h.Marshal())
	if err != nil {
		return nil, err
	}
	c.Root.Signature = append([]byte(nil), sig...)
	return c, nil
}

// presented is the certificate the card shows: its own unless a
// corruption substituted another.
func (se *SE) presented(asPayer bool) *devcert.Certificate {
	if asPayer && se.claim != nil {
		return se.claim
	}
	if se.present != nil {
		return se.present
	}
	return se.cert
}

// payerID is the identity the card names as payer in its records, and
// so as the holder of the change they return to the payer.
func (se *SE) payerID() string {
	if se.claim != nil {
		return se.claim.ID
	}
	if se.named != "" {
		return se.named
	}
	return se.id
}

// badCert makes a certificate for own's id that does not chain to the
// central bank's root: self-signed with the device key, issued by a
// forger's CA calling itself the central bank, or of the other suite.
func badCert(s suite.Suite, kind models.CorruptionKind, key suite.PrivateKey, own *devcert.Certificate, now time.Time, r *detrand.Source) (*devcert.Certificate, error) {
	tmpl := devcert.Template{Serial: own.Serial, ID: own.ID, Role: devcert.RoleWallet, PublicKey: key.Public(), NotBefore: now, NotAfter: now.Add(bank.CertValidity)}
	var ca *devcert.Authority
	var err error
	switch kind {
	case models.CorruptSelfSignedCert:
		ca, err = devcert.NewRoot(s, key, own.ID, own.Serial, now, now.Add(bank.CertValidity))
	case models.CorruptForeignRootCert:
		k, kerr := s.GenerateKey(r)
		if kerr != nil {
			return nil, kerr
		}
		ca, err = devcert.NewRoot(s, k, bank.CentralBankID, 1, now, now.Add(10*bank.CertValidity))
	case models.CorruptWrongSuiteCert:
		var other suite.Suite
		for _, o := range suite.All() {
			if o.ID() != s.ID() {
				other = o
			}
		}
		if other == nil {
			return nil, spec.Errorf(spec.CodeUnimplemented, "no other crypto suite")
		}
		k, kerr := other.GenerateKey(r)
		if kerr != nil {
			return nil, kerr
		}
		if ca, err = devcert.NewRoot(other, k, bank.CentralBankID, 1, now, now.Add(10*bank.CertValidity)); err != nil {
			return nil, err
		}
		dk, kerr := other.GenerateKey(r)
		if kerr != nil {
			return nil, kerr
		}
		tmpl.PublicKey = dk.Public()
	}
	if err != nil {
		return nil, err
	}
	return ca.Issue(tmpl)
}

// forgeCoins makes coins worth value that a forger signs with its own
// key, naming agent as issuer and handing them to holder.
func forgeCoins(s suite.Suite, r *detrand.Source, agent, holder string, value int64) ([]*transfer.Holding, error) {
	if value <= 0 {
		return nil, spec.Errorf(spec.CodeValueMismatch, "forged value %d", value)
	}
	denoms, err := coin.MakeChange(value)
	if err != nil {
		return nil, err
	}
	k, err := s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	var out []*transfer.Holding
	for i, d := range denoms {
		var serial coin.Serial
		copy(serial[:], r.Bytes(coin.SerialSize))
		root, err := coin.Sign(k, coin.New(serial, d, coin.Serial{}, agent))
		if err != nil {
			return nil, err
		}
		child := transfer.ChildSerial(serial, 0)
		rec, err := transfer.Sign(k, transfer.Record{
			Version: transfer.Version1, Parent: serial, ParentValue: d,
			Outputs: []transfer.Output{{Serial: child, Value: d, Holder: holder}},
			Payer:   agent, Payee: holder, Counter: uint64(i + 1),
		})
		if err != nil {
			return nil, err
		}
		out = append(out, (&transfer.Holding{Root: root, Serial: serial}).Extend(rec, child))
	}
	return out, nil
}

// redenominate returns a copy of a one-hop holding whose coin and hand-over
// record state value instead: the issuer's and agent's signatures no
// longer match.
func redenominate(h *transfer.Holding, value int64) (*transfer.Holding, error) {
	c, err := transfer.ParseHolding(h.Marshal())
	if err != nil {
		return nil, err
	}
	c.Root.Denomination, c.Root.Unit = value, coin.UnitFor(value)
	rec := c.Chain[0]
	rec.ParentValue = value
	for i := range rec.Outputs {
		if rec.Outputs[i].Serial == c.Serial {
			rec.Outputs[i].Value = value
		}
	}
	return c, nil
}

// forgeChildren splits h, signed with the holder's own key, into children
// worth extra more than h, all held by holder.
func forgeChildren(key suite.PrivateKey, h *transfer.Holding, holder, payee string, extra int64) ([]*transfer.Holding, error) {
	vals := []int64{h.Value()}
	if extra > 0 {
		more, err := coin.MakeChange(extra)
		if err != nil {
			return nil, err
		}
		vals = append(vals, more...)
	}
	if len(vals) > transfer.MaxOutputs {
		vals = vals[:transfer.MaxOutputs]
	}
	rec := transfer.Record{Version: transfer.Version1, Parent: h.Serial, ParentValue: h.Value(), Payer: holder, Payee: payee, Counter: 1 << 40}
	for i, v := range vals {
		rec.Outputs = append(rec.Outputs, transfer.Output{Serial: transfer.ChildSerial(h.Serial, i), Value: v, Holder: holder})
	}
	sig, err := key.Sign(rec.TBS())
	if err != nil {
		return nil, err
	}
	signed := &transfer.Signed{Record: rec, Signature: sig}
	var out []*transfer.Holding
	for _, o := range rec.Outputs {
		out = append(out, h.Extend(signed, o.Serial))
	}
	return out, nil
}

// culpritDeposit refuses a deposit by holder of coins descending from a
// coin holder itself spent twice: the double spend flagged at the
// registry, or two of the deposited coins whose lineages spend one coin
// by different records. The honest holders of both branches keep their
// value (models/bank); the culprit's own change from either branch is
// the excess it created and is never credited to it.
func culpritDeposit(reg *bank.Registry, holder string, items []bank.DepositItem) error {
	flagged := map[bank.Instance]bool{}
	for _, d := range reg.DoubleSpends() {
		if d.Culprit == holder {
			flagged[d.Coin] = true
		}
	}
	spentBy := map[bank.Instance][32]byte{}
	for _, it := range items {
		h := it.Holding
		for i, r := range h.Chain {
			anc := bank.InstanceOf(&transfer.Holding{Root: h.Root, Chain: h.Chain[:i], Serial: r.Parent})
			if flagged[anc] {
				return spec.Errorf(spec.CodeDoubleSpend, "coin %s descends from %s, which %s spent twice", h.Serial, r.Parent, holder)
			}
			if r.Payer != holder {
				continue
			}
			id := r.ID()
			if prev, ok := spentBy[anc]; ok && prev != id {
				return spec.Errorf(spec.CodeDoubleSpend, "two deposited coins descend from two spends of %s by %s", r.Parent, holder)
			}
			spentBy[anc] = id
		}
	}
	return nil
}
