package chip

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Persistent store layout of a secure element. Everything the card knows
// after a power cut is here; the SE struct's other fields are rebuilt from
// it by recover.
const (
	keyState   = "state"     // JSON seState: counter, usage, last sync
	prefSeen   = "seen/"     // seen/<parent serial>: a spend this card accepted
	prefAnswer = "answered/" // answered/<challenge>: a payee challenge this card already paid
)

// seState is the card's counters, persisted as one value so they change
// atomically with the coins.
type seState struct {
	Counter  uint64 `json:"counter"`  // monotonic, one per record signed
	Spent    int64  `json:"spent"`    // fen spent offline since the last sync
	Payments int    `json:"payments"` // payments since the last sync
	SyncUnix int64  `json:"sync"`     // world time of the last sync, seconds
}

// outEntry is the write-ahead record of a payment: written in the same
// commit that removes the spent coins, before the TRANSFER leaves.
type outEntry struct {
	Payee     string   `json:"payee"`
	PayeeCert []byte   `json:"payee_cert"`
	Challenge []byte   `json:"challenge"`
	Holdings  [][]byte `json:"holdings"`
	Records   [][]byte `json:"records"`
	Acked     bool     `json:"acked"`
	// Refusal is the REFUSE data (challenge and the payee's signature)
	// of a payment the card rolled back (refuse.go): the entry stays,
	// and the coins that returned are held, until reconciliation lodges
	// it; it spends nothing.
	Refusal []byte `json:"refusal,omitempty"`
}

// SE is the model of one secure element (card, eSE, SIM, SD, Bluetooth
// card). Its volatile fields mirror the store and are rebuilt by recover.
type SE struct {
	kit.Core // store, identity, trust anchors, limits, coins, corruptions
	w        *world.World
	st       seState
	out      map[string]*outEntry

	// payee side, volatile: the open challenge of the current session
	challenge []byte
	amount    int64
	received  bool
	opened    time.Time         // when the terminal sent INITIATE (its timer; relayMutants)
	mutation  string            // the mutant's name; "" is the reference
	deferred  map[string][]byte // payee-commits-on-done: what the payee will write at DONE

	// refuseStored: firmware of a compromised payee (corrupt.go), kept
	// across power cycles like kit.Core.FW.
	refuseStored bool

	// per-coin pseudonyms (desk.go), rebuilt from the store by Recover
	pkeys   map[string]suite.PrivateKey
	pcerts  map[string]*devcert.Certificate
	coinKey suite.PrivateKey // a pseudonym's key generated, its certificate not yet stored (volatile)
}

// recover rebuilds the volatile state from the persistent store. A card
// whose store does not parse is bricked: that is a model bug, so it panics.
func (se *SE) Recover() {
	se.Load("chip: SE", se.Recover, se.rewind)
	se.Must(json.Unmarshal(se.Get(keyState), &se.st))
	if se.mutated("record-counter-volatile") {
		se.st.Counter = 0 // kept in RAM: a power cycle restarts it
	}
	se.out = kit.LoadJSON[outEntry](&se.Core, kit.PrefOut)
	se.challenge, se.amount, se.received, se.deferred = nil, 0, false, nil
	se.loadPseudonyms()
	se.CountsCardWide = se.mutated("records-count-card-wide")
}

// loadPseudonyms rebuilds the pseudonyms from the store, parsing only
// those it does not have yet (a cache of a pure function of the bytes).
func (se *SE) loadPseudonyms() {
	names := se.Dev.Keys(prefPCert)
	if len(names) == len(se.pcerts) && len(se.pkeys) == len(se.pcerts) && se.KeyFor != nil && !slices.ContainsFunc(names, func(k string) bool { return se.pcerts[k[len(prefPCert):]] == nil }) {
		return // the same pseudonyms: nothing to parse or rebuild
	}
	keys, certs := map[string]suite.PrivateKey{}, map[string]*devcert.Certificate{}
	for _, k := range names {
		name := k[len(prefPCert):]
		if c, ok := se.pcerts[name]; ok && se.pkeys[name] != nil {
			keys[name], certs[name] = se.pkeys[name], c
			continue
		}
		c, err := devcert.Parse(se.S, se.Get(k))
		se.Must(err)
		pk, err := suite.PrivateKeyFromBytes(se.S, se.Get(prefPKey+name))
		se.Must(err)
		keys[name], certs[name] = pk, c
	}
	se.pkeys, se.pcerts = keys, certs
	se.KeyFor = func(holder string) (suite.PrivateKey, bool) {
		k, ok := se.pkeys[holder]
		return k, ok
	}
}

// coinKeygen generates the key pair of a per-coin pseudonym and keeps it,
// in RAM only, until storeCoinCert stores it with its certificate
// (Device.Pseudonym; a power cut between them loses it, and the
// certificate names a pseudonym nobody holds coins under).
func (se *SE) coinKeygen() (suite.PublicKey, error) {
	key, err := se.S.GenerateKey(se.w.Rand("chip/coin-key/" + se.Name))
	if err != nil {
		return nil, err
	}
	se.coinKey = key
	return key.Public(), nil
}

// storeCoinCert stores the key coinKeygen generated with its certificate
// raw, in one write: a wallet certificate of the root, not expired, for
// that key, under a name the card does not hold yet.
func (se *SE) storeCoinCert(raw []byte) error {
	cert, err := devcert.Parse(se.S, raw)
	if err != nil {
		return err
	}
	switch {
	case se.coinKey == nil:
		return spec.Errorf(spec.CodeMalformed, "no pseudonym key awaits a certificate")
	case !bytes.Equal(cert.PublicKey.SPKI(), se.coinKey.Public().SPKI()):
		return spec.Errorf(spec.CodeWrongRecipient, "the certificate of %s is for another key", cert.ID)
	case cert.Role != devcert.RoleWallet:
		return spec.Errorf(spec.CodeUntrustedIssuer, "pseudonym certificate has role %q", cert.Role)
	case se.pcerts[cert.ID] != nil || cert.ID == se.Name:
		return spec.Errorf(spec.CodeMalformed, "the card holds pseudonym %s already", cert.ID)
	}
	if err := se.checkCert(cert); err != nil {
		return err
	}
	key := se.coinKey
	se.coinKey = nil
	se.Dev.Commit(map[string][]byte{prefPKey + cert.ID: key.Bytes(), prefPCert + cert.ID: cert.Raw}, nil)
	se.pkeys[cert.ID], se.pcerts[cert.ID] = key, cert
	return nil
}

// holderCert is the certificate a payment presents for coin h: its
// pseudonym's, or the card's own.
func (se *SE) holderCert(h *transfer.Holding) *devcert.Certificate {
	if c := se.pcerts[h.Claimed().Holder]; c != nil {
		return c
	}
	return se.OwnCert
}

// rewind zeroes the spend counter and the offline-limit counters in the
// store (RewindCounters, then Recover).
func (se *SE) rewind() {
	st := se.st
	st.Counter, st.Spent, st.Payments = 0, 0, 0
	se.Dev.Put(keyState, kit.MustJSON(st))
}

// now is the card's notion of time: its clock if it has one, otherwise the
// time of its last online sync (a card cannot tell that a certificate
// expired since then — a documented weakness of clockless cards).
func (se *SE) now() time.Time {
	if t, ok := se.Dev.Now(); ok {
		return t
	}
	return time.Unix(se.st.SyncUnix, 0).UTC()
}

// lookup resolves a device id to a certificate checked against the root,
// the card's time and its revocation list: the agents', then the given
// ones, then those the card stored.
func (se *SE) lookup(extra map[string]*devcert.Certificate) transfer.Certs {
	return models.Lookup(se.checkCert, se.Agents, extra, se.Certs)
}

func (se *SE) checkCert(c *devcert.Certificate) error {
	if se.mutated("skip-revocation-check") {
		return c.Verify(se.Root, se.now(), nil)
	}
	return c.Verify(se.Root, se.now(), se.CRL)
}

// payerID is the identity the card names as payer in its records, and
// so as the holder of the change they return to the payer.
func (se *SE) payerID() string { return se.FW.RecordPayer(se.Name) }
