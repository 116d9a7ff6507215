package forge

import (
	"maps"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Firmware is what a compromised holder's firmware changes in what its
// device presents and does. The zero value is honest firmware; it
// survives power cycles, like the store.
type Firmware struct {
	Present  *devcert.Certificate // certificate shown instead of the device's own
	Claim    *devcert.Certificate // identity (and certificate) named as payer instead of its own
	Named    string               // id named as payer in records, own certificate kept
	Withhold bool                 // as payee, keep verified coins and never complete the payer's side
	Insider  *InsiderState        // as payer, build payments as an insider (forge/insider.go)
	// Unchecked: as payer, count every coin stored as spendable, whoever
	// paid it before (a forger's firmware pays the coins it made under a
	// rogue agent, which an honest card or SIM would not count:
	// chip-holder-certs, cert-payer-holder-certs).
	Unchecked bool
	Answered  []byte // the challenge of the device's last payment as payer
}

// Presented is the certificate the device shows: own, unless a
// corruption substituted another (as payer, a claimed identity's).
func (f *Firmware) Presented(own *devcert.Certificate, asPayer bool) *devcert.Certificate {
	if asPayer && f.Claim != nil {
		return f.Claim
	}
	if f.Present != nil {
		return f.Present
	}
	return own
}

// PayerID is the identity the device names as payer in its messages.
func (f *Firmware) PayerID(own string) string {
	if f.Claim != nil {
		return f.Claim.ID
	}
	return own
}

// RecordPayer is the identity the device names as payer in the records it
// signs, and so as the holder of the change they return to the payer.
func (f *Firmware) RecordPayer(own string) string {
	if f.Named != "" {
		return f.Named
	}
	return f.PayerID(own)
}

// Holder is a wallet device of a coin-holding scheme (a chip SE, a cert
// SIM) as the corruptions see it. Store, CopyCoins and RewindCounters
// write the device's store directly, bypassing its own checks, and
// reload it.
type Holder interface {
	Firmware() *Firmware
	ID() string
	Suite() suite.Suite
	Key() suite.PrivateKey
	Cert() *devcert.Certificate
	Coins() map[string]*transfer.Holding
	// Store writes hs and drops replaced (when not nil).
	Store(hs []*transfer.Holding, replaced *transfer.Holding)
	// CopyCoins copies held coin records under new keys until the copies
	// are worth at least value.
	CopyCoins(value int64) error
	// RewindCounters zeroes the spend counter and the offline-limit
	// counters.
	RewindCounters()
}

// RogueAgentID is the issuing agent a forger's coin names in
// CorruptUnauthorisedAgent (Setting.RogueAgent of every scheme): the
// central bank never authorised it.
const RogueAgentID = "ROGUE-AGENT"

// Setting is what a corruption needs from the scheme around the device.
type Setting struct {
	Scheme     string // for messages: "chip"
	Agent      string // the authorised agent coins name
	RogueAgent string // an agent the central bank never authorised
	Now        time.Time
	Lookup     func(world.PartyID) (Holder, error)
}

// Corrupt stages c on h (the device of id) as its compromised holder
// would. Kinds a coin-holding scheme without an identity escrow cannot
// express are refused with unimplemented.
func Corrupt(st Setting, h Holder, id world.PartyID, c models.Corruption, r *detrand.Source) error {
	fw := h.Firmware()
	switch c.Kind {
	case models.CorruptSelfSignedCert, models.CorruptForeignRootCert, models.CorruptWrongSuiteCert:
		cert, err := BadCert(h.Suite(), c.Kind, h.Key(), h.Cert(), st.Now, r)
		if err != nil {
			return err
		}
		fw.Present = cert
	case models.CorruptWithholdAck:
		fw.Withhold = true
	case models.CorruptIdentity, models.CorruptClaimIdentity:
		o, err := st.Lookup(c.Other)
		if err != nil {
			return err
		}
		if o.ID() == h.ID() {
			return spec.Errorf(spec.CodeWrongRecipient, "%s cannot name itself as another payer", id)
		}
		if c.Kind == models.CorruptIdentity {
			fw.Claim = o.Cert()
		} else {
			fw.Named = o.ID()
		}
	case models.CorruptEscrowGarbage, models.CorruptEscrowOther, models.CorruptEscrowWrongKey:
		return spec.Errorf(spec.CodeUnimplemented, "the %s scheme has no identity escrow: its records name the payer in the clear (%s stages the substitution of that identity)", st.Scheme, models.CorruptClaimIdentity)
	case models.CorruptResignedCoin, models.CorruptBorrowedSignature:
		fresh := Fresh(h)
		if fresh == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no freshly withdrawn coin to re-sign", id)
		}
		var sig []byte
		if c.Kind == models.CorruptResignedCoin {
			k, err := h.Suite().GenerateKey(r)
			if err != nil {
				return err
			}
			if sig, err = k.Sign(fresh.Root.TBS()); err != nil {
				return err
			}
		} else {
			donor := h
			if c.Other != "" {
				var err error
				if donor, err = st.Lookup(c.Other); err != nil {
					return err
				}
			}
			d := OtherCoin(donor, fresh.Root.Serial)
			if d == nil {
				return spec.Errorf(spec.CodeInsufficient, "%s holds no other coin whose signature %s could carry", donor.ID(), id)
			}
			sig = d.Root.Signature
		}
		resigned, err := Resign(fresh, sig)
		if err != nil {
			return err
		}
		h.Store([]*transfer.Holding{resigned}, nil)
	case models.CorruptForgedCoin, models.CorruptUnauthorisedAgent:
		agent := st.Agent
		if c.Kind == models.CorruptUnauthorisedAgent {
			agent = st.RogueAgent
			fw.Unchecked = true
		}
		hs, err := Coins(h.Suite(), r, agent, h.ID(), c.Value)
		if err != nil {
			return err
		}
		h.Store(hs, nil)
	case models.CorruptForgedCoinDeep:
		// Forged coins, each then paid by the device to itself: the
		// forged signature one hop below the top of the lineage.
		hs, err := Coins(h.Suite(), r, st.Agent, h.ID(), c.Value)
		if err != nil {
			return err
		}
		var moved []*transfer.Holding
		for _, f := range hs {
			kids, err := Children(h.Key(), f, h.ID(), h.ID(), 0)
			if err != nil {
				return err
			}
			moved = append(moved, kids...)
		}
		h.Store(moved, nil)
	case models.CorruptRedenominated:
		fresh := Fresh(h)
		if fresh == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no freshly withdrawn coin to re-denominate", id)
		}
		forged, err := Redenominate(fresh, c.Value)
		if err != nil {
			return err
		}
		h.Store([]*transfer.Holding{forged}, fresh)
	case models.CorruptForgedLineage:
		fresh := Fresh(h)
		if fresh == nil {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no coin to split", id)
		}
		key, holder := spender(h, fresh)
		kids, err := Children(key, fresh, holder, st.Agent, c.Value)
		if err != nil {
			return err
		}
		h.Store(kids, fresh)
	case models.CorruptStorage:
		return h.CopyCoins(c.Value)
	case models.CorruptCounter:
		h.RewindCounters()
	default:
		return spec.Errorf(spec.CodeUnimplemented, "corruption %q", c.Kind)
	}
	return nil
}

// spender returns the key and id that spend c, a coin of h: those of c's
// holder where h holds coins under other ids (KeyOf: chip's per-coin
// pseudonyms), else h's own.
func spender(h Holder, c *transfer.Holding) (suite.PrivateKey, string) {
	if k, ok := h.(interface {
		KeyOf(holder string) (suite.PrivateKey, bool)
	}); ok {
		if key, ok := k.KeyOf(c.Claimed().Holder); ok {
			return key, c.Claimed().Holder
		}
	}
	return h.Key(), h.ID()
}

// Fresh returns a coin h holds straight from its agent (one hop), the
// smallest first, or nil.
func Fresh(h Holder) *transfer.Holding {
	return smallest(h, func(c *transfer.Holding) bool { return len(c.Chain) == 1 })
}

// OtherCoin returns a coin h holds whose root is not serial (the smallest
// first), or nil.
func OtherCoin(h Holder, serial coin.Serial) *transfer.Holding {
	return smallest(h, func(c *transfer.Holding) bool { return c.Root.Serial != serial })
}

func smallest(h Holder, ok func(*transfer.Holding) bool) *transfer.Holding {
	coins := h.Coins()
	var best *transfer.Holding
	for _, k := range slices.Sorted(maps.Keys(coins)) {
		c := coins[k]
		if ok(c) && (best == nil || c.Value() < best.Value()) {
			best = c
		}
	}
	return best
}
