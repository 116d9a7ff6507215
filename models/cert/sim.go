package cert

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Persistent store of a wallet's trusted hardware (the SIM). Everything
// the wallet knows after a power cut is here; the SIM struct's other
// fields are rebuilt from it by recover.
const (
	keyHSM     = "hsm"       // the agent HSM's coin-string key: key id ‖ key
	keyState   = "state"     // JSON simState
	prefSeen   = "seen/"     // seen/<parent serial>: a spend this wallet accepted
	prefAnswer = "answered/" // answered/<nonce>: a payee request this wallet paid
	prefRecv   = "received/" // received/<nonce>: JSON recvEntry, the offline record the payee registers
)

// simState is the wallet's counters, persisted as one value so they
// change atomically with the coins.
type simState struct {
	Counter  uint64 `json:"counter"`  // monotonic, one per record signed
	Spent    int64  `json:"spent"`    // fen spent offline since the last sync
	Payments int    `json:"payments"` // payments since the last sync
	// Received counts the offline coins credited since the last sync: the
	// patent's "offline digital currency count" the payee increments.
	Received int   `json:"received"`
	SyncUnix int64 `json:"sync"` // world time of the last sync, seconds
}

// outEntry is a payer's record of a payment it sent. In the recovering
// variant it is the write-ahead log entry, committed with the removal of
// the coins before the TX leaves; Acked is set when the payee's DEDUCT
// arrives. In the literal variant it is written at the deduction, acked.
type outEntry struct {
	Payee     string   `json:"payee"`
	PayeeCert []byte   `json:"payee_cert"`
	Nonce     []byte   `json:"nonce"`
	Amount    int64    `json:"amount"`
	Holdings  [][]byte `json:"holdings"`
	Records   [][]byte `json:"records"`
	Digest    []byte   `json:"digest"`
	Acked     bool     `json:"acked"`
	Receipt   []byte   `json:"receipt,omitempty"` // the payee's DEDUCT, as received
}

// recvEntry is the offline transaction record a payee registers when the
// deduct-success notice arrives.
type recvEntry struct {
	Payer   string   `json:"payer"`
	Amount  int64    `json:"amount"`
	Records [][]byte `json:"records"`
	Notice  []byte   `json:"notice"` // the payer's DEDUCTED, as received
}

// SIM is the model of one wallet's trusted hardware (a SIM or eSE in a
// phone, as the ICBC patent suggests): it holds the keys, certificates,
// coins and logs, and runs both roles of the payment. Its volatile fields
// mirror the store and are rebuilt by recover, except the open sessions,
// which a power cut loses.
type SIM struct {
	kit.Core // store, identity, trust anchors, limits, coins, corruptions
	w        *world.World
	variant  Variant
	mutation string // the mutant's name; "" is the reference

	spki []byte // the public key's SubjectPublicKeyInfo, as presented
	hsm  *coin.HSM
	st   simState
	out  map[string]*outEntry
	deps map[string]bool // the keys of the pending deposits (deposit.go)
	log  []LogEntry      // se.out for State, sorted; nil when a write may have changed it

	// volatile: the sessions of the current payment
	payee    *payeeSession            // as payee: at most one open request
	payers   map[string]*payerSession // as payer: by nonce (hex)
	sigCache map[string]bool          // under sim-caches-signatures: signatures it verified
	peer     world.PartyID            // the device the last message to the payee role came from
}

// recover rebuilds the volatile state from the persistent store and drops
// every open session. A SIM whose store does not parse is bricked: that is
// a model bug, so it panics.
func (se *SIM) Recover() {
	se.completeSweep() // nothing in the reference
	se.Load("cert: SIM", se.Recover, se.rewind)
	var err error
	se.spki = se.Priv.Public().SPKI()
	se.hsm, err = coin.NewHSM(se.S, bytes.NewReader(se.Get(keyHSM)))
	se.Must(err)
	se.Must(json.Unmarshal(se.Get(keyState), &se.st))
	se.volatileCounters()
	se.log = nil
	se.deps = map[string]bool{}
	for _, k := range se.Dev.Keys(kit.PrefDep) {
		se.deps[k] = true
	}
	se.out = kit.LoadJSON[outEntry](&se.Core, kit.PrefOut)
	se.payee, se.payers = nil, map[string]*payerSession{}
}

// rewind zeroes the spend counter and the offline-limit counters in the
// store (RewindCounters, then Recover).
func (se *SIM) rewind() {
	st := se.st
	st.Counter, st.Spent, st.Payments = 0, 0, 0
	se.Dev.Put(keyState, kit.MustJSON(st))
}

// commit applies puts and deletes atomically to the store and then to the
// volatile mirrors. coins maps the instance key of every coin put to its
// holding, so nothing is parsed twice; state, if not nil, replaces the
// counters; certs are lineage certificates learnt. A caller that puts an
// out/ entry sets it with setOut, right after.
func (se *SIM) commit(puts map[string][]byte, deletes []string, coins map[string]*transfer.Holding, state *simState, certs map[string]*devcert.Certificate) {
	se.Dev.Commit(puts, deletes)
	for k := range puts {
		if len(k) > len(kit.PrefDep) && k[:len(kit.PrefDep)] == kit.PrefDep {
			se.deps[k] = true
		}
	}
	for _, k := range deletes {
		switch {
		case len(k) > len(kit.PrefCoin) && k[:len(kit.PrefCoin)] == kit.PrefCoin:
			se.DropHeld(k[len(kit.PrefCoin):])
		case len(k) > len(kit.PrefOut) && k[:len(kit.PrefOut)] == kit.PrefOut:
			delete(se.out, k)
			se.log = nil
		case len(k) > len(kit.PrefDep) && k[:len(kit.PrefDep)] == kit.PrefDep:
			delete(se.deps, k)
		}
	}
	for k, h := range coins {
		se.SetHeld(k, h)
	}
	if state != nil {
		se.st = *state
	}
	for id, c := range certs {
		se.Certs[id] = c
	}
}

// setOut sets the log entry under key in se.out and in the sorted copy
// State hands out, which it copies rather than changes: a caller may still
// hold the old one.
func (se *SIM) setOut(key string, e *outEntry) {
	se.out[key] = e
	if se.log == nil {
		return
	}
	le := LogEntry{LogEntry: kit.LogEntry{Key: key, Payee: e.Payee, Holdings: e.Holdings, Records: e.Records, Acked: e.Acked}, Amount: e.Amount}
	i, found := slices.BinarySearchFunc(se.log, key, func(l LogEntry, k string) int { return strings.Compare(l.Key, k) })
	log := make([]LogEntry, 0, len(se.log)+1)
	log = append(log, se.log[:i]...)
	log = append(log, le)
	if found {
		i++
	}
	se.log = append(log, se.log[i:]...)
}

// now is the phone's clock. Every wallet of this scheme has one; a
// clockless device would fall back to the last online sync.
func (se *SIM) now() time.Time {
	if t, ok := se.Dev.Now(); ok {
		return t
	}
	return time.Unix(se.st.SyncUnix, 0).UTC()
}

// checkCert checks a certificate against the root, the SIM's clock and its
// revocation list.
func (se *SIM) checkCert(c *devcert.Certificate) error {
	if se.mutated("accept-expired-cert") {
		return c.Verify(se.Root, c.NotBefore, se.CRL) // validity judged at the certificate's own start
	}
	if now := se.now(); se.mutated("accept-not-yet-valid-cert") && now.Before(c.NotBefore) {
		return c.Verify(se.Root, c.NotBefore, se.CRL) // the start of validity never checked
	}
	return c.Verify(se.Root, se.certClock(), se.CRL)
}

// lookup resolves a device id to a certificate checked against the root,
// the SIM's clock and its revocation list.
func (se *SIM) lookup(extra map[string]*devcert.Certificate) transfer.Certs {
	return models.Lookup(se.checkCert, se.Agents, extra, se.Certs)
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
