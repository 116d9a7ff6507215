package chip

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"

	"github.com/dualoffline/dualoffline/models/forge"
)

// Persistent store layout of a secure element. Everything the card knows
// after a power cut is here; the SE struct's other fields are rebuilt from
// it by recover.
const (
	keyID      = "id"        // certificate id, ASCII
	keyPriv    = "key"       // private scalar
	keyCert    = "cert"      // own certificate, DER
	keyRoot    = "root"      // central bank root certificate, DER
	keyCoinKey = "coin-key"  // issuer public key, SPKI DER
	keyCRL     = "crl"       // revocation list, DER
	keyLimits  = "limits"    // JSON bank.Limits
	keyState   = "state"     // JSON seState: counter, usage, last sync
	prefAgent  = "agent/"    // agent/<id>: agent certificate, DER
	prefCert   = "cert/"     // cert/<id>: certificate of an earlier holder, DER
	prefCoin   = "coin/"     // coin/<instance>: holding, DER
	prefSeen   = "seen/"     // seen/<parent serial>: a spend this card accepted
	prefOut    = "out/"      // out/<counter>: JSON outEntry, a payment sent and not yet settled
	prefAnswer = "answered/" // answered/<challenge>: a payee challenge this card already paid
	prefDep    = "dep/"      // dep/<counter>: JSON depEntry, a deposit signed and not yet credited
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
}

// depEntry is a deposit the card signed and committed (its coins
// removed) but the bank has not yet credited.
type depEntry struct {
	Holdings [][]byte `json:"holdings"`
	Records  [][]byte `json:"records"`
}

func depKey(ctr uint64) string {
	return prefDep + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, ctr))
}

// SE is the model of one secure element (card, eSE, SIM, SD, Bluetooth
// card). Its volatile fields mirror the store and are rebuilt by recover.
type SE struct {
	s   suite.Suite
	w   *world.World
	dev *world.Device

	id      string
	key     suite.PrivateKey
	cert    *devcert.Certificate
	root    *devcert.Certificate
	coinKey suite.PublicKey
	crl     *devcert.RevocationList
	limits  bank.Limits
	st      seState
	coins   map[string]*transfer.Holding // by instance key
	agents  map[string]*devcert.Certificate
	certs   map[string]*devcert.Certificate
	out     map[string]*outEntry

	// payee side, volatile: the open challenge of the current session
	challenge []byte
	amount    int64
	received  bool
	opened    time.Time // when the terminal sent INITIATE (its timer; relayMutants)
	mutation  string    // the mutant's name; "" is the reference

	// Corruptions (corrupt.go): firmware a compromised holder installed.
	// They survive power cycles, like the store.
	fw forge.Firmware
}

func instKey(h *transfer.Holding) string {
	inst := bank.InstanceOf(h)
	return hex.EncodeToString(inst.Creator[:8]) + hex.EncodeToString(inst.Serial[:])
}

func outKey(ctr uint64) string {
	return prefOut + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, ctr))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("chip: " + err.Error())
	}
	return b
}

// recover rebuilds the volatile state from the persistent store. A card
// whose store does not parse is bricked: that is a model bug, so it panics.
func (se *SE) Recover() {
	must := func(err error) {
		if err != nil {
			panic("chip: SE " + string(se.dev.ID()) + " store is corrupt: " + err.Error())
		}
	}
	get := func(k string) []byte {
		v, ok := se.dev.Get(k)
		if !ok {
			panic("chip: SE " + string(se.dev.ID()) + " store lacks " + k)
		}
		return v
	}
	var err error
	se.id = string(get(keyID))
	se.key, err = suite.PrivateKeyFromBytes(se.s, get(keyPriv))
	must(err)
	se.cert, err = devcert.Parse(se.s, get(keyCert))
	must(err)
	se.root, err = devcert.Parse(se.s, get(keyRoot))
	must(err)
	se.coinKey, err = se.s.ParsePublicKey(get(keyCoinKey))
	must(err)
	se.crl, err = devcert.ParseRevocationList(get(keyCRL), se.root)
	must(err)
	must(json.Unmarshal(get(keyLimits), &se.limits))
	must(json.Unmarshal(get(keyState), &se.st))
	se.agents = map[string]*devcert.Certificate{}
	for _, k := range se.dev.Keys(prefAgent) {
		c, err := devcert.Parse(se.s, get(k))
		must(err)
		se.agents[c.ID] = c
	}
	se.certs = map[string]*devcert.Certificate{}
	for _, k := range se.dev.Keys(prefCert) {
		c, err := devcert.Parse(se.s, get(k))
		must(err)
		se.certs[c.ID] = c
	}
	se.coins = map[string]*transfer.Holding{}
	for _, k := range se.dev.Keys(prefCoin) {
		h, err := transfer.ParseHolding(get(k))
		must(err)
		se.coins[k[len(prefCoin):]] = h
	}
	se.out = map[string]*outEntry{}
	for _, k := range se.dev.Keys(prefOut) {
		var e outEntry
		must(json.Unmarshal(get(k), &e))
		se.out[k] = &e
	}
	se.challenge, se.amount, se.received = nil, 0, false
}

// now is the card's notion of time: its clock if it has one, otherwise the
// time of its last online sync (a card cannot tell that a certificate
// expired since then — a documented weakness of clockless cards).
func (se *SE) now() time.Time {
	if t, ok := se.dev.Now(); ok {
		return t
	}
	return time.Unix(se.st.SyncUnix, 0).UTC()
}

// lookup resolves a device id to a certificate checked against the root,
// the card's time and its revocation list: the agents', then the given
// ones, then those the card stored.
func (se *SE) lookup(extra map[string]*devcert.Certificate) transfer.Certs {
	return models.Lookup(se.checkCert, se.agents, extra, se.certs)
}

func (se *SE) checkCert(c *devcert.Certificate) error {
	if se.mutated("skip-revocation-check") {
		return c.Verify(se.root, se.now(), nil)
	}
	return c.Verify(se.root, se.now(), se.crl)
}

// balance returns the value of the coins the card holds.
func (se *SE) balance() int64 {
	var v int64
	for _, h := range se.coins {
		v += h.Value()
	}
	return v
}

// Backing is the card's persistent store (kit.Element).
func (se *SE) Backing() *world.Device { return se.dev }
