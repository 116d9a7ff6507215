package pseudocoin

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The secure element's store. Everything the element knows is here; it
// keeps no volatile state, so a power cut loses exactly what was not
// committed.
const (
	keyIdentity = "se/identity"
	keyDevice   = "se/key"
	keyCert     = "se/cert"
	keyCounter  = "se/ctr"
	keyLimits   = "se/limits"
	keySync     = "se/sync" // a reconciliation in progress
	keyMint     = "se/mint" // a mint request in progress
	keyWithdraw = "se/wd"   // a withdrawal request in progress
	prefHold    = "h/"      // held holdings, by key name
	prefLog     = "log/"    // records signed as payer, not yet uploaded
	prefInv     = "inv/"    // receiving keys given out, not yet paid on
	prefSeen    = "seen/"   // the one-time keys this element was last paid with
	prefPaid    = "paid/"   // the receiving keys this element last paid, each to the counter it paid at (an invoice replayed is refused)
)

// The payee remembers the last maxSeen one-time keys it was paid with, by
// the first seenLen bytes of their SHA-256: a repeat among them is
// refused offline; an older repeat is refused by the desk at the payee's
// reconciliation (and flagged as the double spend it is).
const (
	maxSeen = 256
	seenLen = 8
)

func seenName(spki []byte) []byte {
	h := sha256.Sum256(spki)
	return h[:seenLen]
}

// A held holding is stored as its 32-byte one-time private scalar
// followed by the holding's DER.
func storeHolding(priv, der []byte) []byte { return append(append([]byte(nil), priv...), der...) }

func splitHolding(b []byte) (priv, der []byte, ok bool) {
	if len(b) <= 32 {
		return nil, nil, false
	}
	return b[:32], b[32:], true
}

type logEntry struct {
	R     []byte // record DER
	Acked bool
}

type invoiceEntry struct {
	K         []byte // receiving private scalar
	Key       []byte // its SPKI
	Challenge []byte
	Amount    int64
}

type limitsState struct {
	Spent int64
	Count int
}

type syncState struct {
	Request string
	Sealed  []byte // the sealed upload, presented again on a retry
	Spent   []string
	Recv    []string
	Void    []string
	Deposit bool
}

type mintState struct {
	Request string
	Keys    [][]byte // private scalars, one per bundle asked
	AEAD    []byte   // the AEAD key the sealed request carries; the reply comes back under it
	Sealed  []byte   // the sealed MintRequest, presented again on a retry
	Deposit bool
}

type withdrawState struct {
	Request string
	Amount  int64
}

// element is a wallet's secure element read from its device.
type element struct {
	in  *Instance
	dev *world.Device
}

func (in *Instance) element(p world.PartyID) (*element, error) {
	if in.ext[p] != nil {
		return nil, spec.Errorf(spec.CodeUnimplemented, "%s is an external wallet: the harness cannot reach inside it", p)
	}
	d := in.w.Device(p)
	if d == nil {
		return nil, spec.Errorf(spec.CodeWrongRecipient, "no device %s", p)
	}
	return &element{in: in, dev: d}, nil
}

func (e *element) get(k string) []byte { b, _ := e.dev.Get(k); return b }

func (e *element) identity() string { return string(e.get(keyIdentity)) }

func (e *element) deviceKey() (suite.PrivateKey, error) {
	return suite.PrivateKeyFromBytes(e.in.s, e.get(keyDevice))
}

func (e *element) counter() uint64 {
	n, _ := strconv.ParseUint(string(e.get(keyCounter)), 10, 64)
	return n
}

func readJSON[T any](e *element, k string) (T, bool) {
	var v T
	b, ok := e.dev.Get(k)
	if !ok {
		return v, false
	}
	if err := json.Unmarshal(b, &v); err != nil {
		panic(fmt.Sprintf("pseudocoin: %s's store entry %s does not load: %v", e.dev.ID(), k, err))
	}
	return v, true
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func (e *element) limits() limitsState {
	l, _ := readJSON[limitsState](e, keyLimits)
	return l
}

// held is one holding the element can spend.
type held struct {
	name string
	h    *Holding
	priv []byte
	s    suite.Suite
}

// key is the holding's one-time private key.
func (h held) key() (suite.PrivateKey, error) { return suite.PrivateKeyFromBytes(h.s, h.priv) }

// holdings returns the element's holdings in store order. A holding that
// does not parse (a corrupted store) is skipped: it is worth nothing.
func (e *element) holdings() []held {
	ix := e.index()
	return ix.holdings(ix.heldKeys)
}

// exchanged returns, in store order, the holdings a reconciliation
// upload gives back to the desk: those received and the minted bundle
// smaller than the full size (merged with the change into fresh
// bundles), or, for a deposit, all. A merchant keeps the full bundles it
// is minted, so this is what is new since its last reconciliation, not
// everything it was ever paid.
func (e *element) exchanged(deposit bool) []held {
	ix := e.index()
	if deposit {
		return ix.holdings(ix.heldKeys)
	}
	return ix.holdings(ix.exchange)
}

// storeIndex is what the element's code derives from its device's store:
// the parsed holdings, and the receiving keys it paid and one-time keys it
// was paid with that it remembers. It is brought up to date by the keys
// that changed since it was last read (world.Device.ChangedSince), and
// built anew from the store when the device cannot tell (a rollback, a
// clone): a merchant in the anonymity game holds thousands of bundles,
// and listing, copying and comparing them at every step was most of a
// reconciliation's cost.
type storeIndex struct {
	dev     *world.Device
	version uint64
	// held are the holdings by store key (one that does not parse is
	// absent); heldKeys their keys, sorted; exchange the keys of those
	// that are not a full-size minted bundle, sorted.
	held     map[string]held
	heldKeys []string
	exchange []string
	paid     map[string]string // prefPaid key → the payment counter stored
	// paidAge are paid's keys, oldest first (by the counter stored, then
	// by key).
	paidAge  []paidAt
	seen     map[string]string // prefSeen key → the key name stored
	seenKeys []string          // seen's keys, sorted
	seenN    map[string]int    // seen's key names, each with how many keys hold it
}

type paidAt struct{ at, key string }

func cmpPaidAt(a, b paidAt) int {
	if c := strings.Compare(a.at, b.at); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

func (e *element) index() *storeIndex {
	ix := e.in.stores[e.dev.ID()]
	if ix != nil && ix.dev == e.dev {
		if keys, ok := e.dev.ChangedSince(ix.version); ok {
			for _, k := range keys {
				ix.refresh(e, k)
			}
			ix.version = e.dev.Version()
			return ix
		}
	}
	ix = &storeIndex{dev: e.dev, version: e.dev.Version(), held: map[string]held{}, paid: map[string]string{}, seen: map[string]string{}, seenN: map[string]int{}}
	for _, p := range []string{prefHold, prefPaid, prefSeen} {
		for _, k := range e.dev.Keys(p) {
			ix.refresh(e, k)
		}
	}
	if e.in.stores == nil {
		e.in.stores = map[world.PartyID]*storeIndex{}
	}
	e.in.stores[e.dev.ID()] = ix
	return ix
}

// refresh brings the index up to date with the store's entry k.
func (ix *storeIndex) refresh(e *element, k string) {
	v, ok := e.dev.Get(k)
	switch {
	case strings.HasPrefix(k, prefHold):
		if _, had := ix.held[k]; had {
			delete(ix.held, k)
			ix.heldKeys = removeSorted(ix.heldKeys, k)
			ix.exchange = removeSorted(ix.exchange, k)
		}
		if !ok {
			return
		}
		priv, der, ok := splitHolding(v)
		if !ok {
			return
		}
		h, err := e.in.parse(der)
		if err != nil {
			return
		}
		ix.held[k] = held{name: strings.TrimPrefix(k, prefHold), h: h, priv: priv, s: e.in.s}
		ix.heldKeys = insertSorted(ix.heldKeys, k)
		if h.Bundle == nil || h.Value() != bundleSize {
			ix.exchange = insertSorted(ix.exchange, k)
		}
	case strings.HasPrefix(k, prefPaid):
		if at, had := ix.paid[k]; had {
			if i, found := slices.BinarySearchFunc(ix.paidAge, paidAt{at, k}, cmpPaidAt); found {
				ix.paidAge = slices.Delete(ix.paidAge, i, i+1)
			}
			delete(ix.paid, k)
		}
		if ok {
			ix.paid[k] = string(v)
			i, _ := slices.BinarySearchFunc(ix.paidAge, paidAt{string(v), k}, cmpPaidAt)
			ix.paidAge = slices.Insert(ix.paidAge, i, paidAt{string(v), k})
		}
	case strings.HasPrefix(k, prefSeen):
		if old, had := ix.seen[k]; had {
			if ix.seenN[old]--; ix.seenN[old] == 0 {
				delete(ix.seenN, old)
			}
			delete(ix.seen, k)
			ix.seenKeys = removeSorted(ix.seenKeys, k)
		}
		if ok {
			ix.seen[k] = string(v)
			ix.seenN[string(v)]++
			ix.seenKeys = insertSorted(ix.seenKeys, k)
		}
	}
}

// holdings returns the holdings stored under keys.
func (ix *storeIndex) holdings(keys []string) []held {
	out := make([]held, len(keys))
	for i, k := range keys {
		out[i] = ix.held[k]
	}
	return out
}

func insertSorted(s []string, k string) []string {
	i, found := slices.BinarySearch(s, k)
	if found {
		return s
	}
	return slices.Insert(s, i, k)
}

func removeSorted(s []string, k string) []string {
	i, found := slices.BinarySearch(s, k)
	if !found {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// parse parses a holding, through a cache of what was parsed before
// (holdings are immutable once stored).
func (in *Instance) parse(der []byte) (*Holding, error) {
	h, err := in.parseCached(der)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// parseRecord is ParseRecord through the cache parse keeps: one record's
// bytes are parsed by its payee, by its payee's element reading its store,
// by the desk from both uploads and by its payer reading its log, and a
// parsed record keeps its encodings, so each is made once.
func (in *Instance) parseRecord(der []byte) (*Record, error) {
	if len(der) == 0 || casn1.Tag(der[0]) != tagRecord {
		return ParseRecord(der) // and its error
	}
	h, err := in.parseCached(der)
	if err != nil {
		return nil, err
	}
	return h.Record, nil
}

func (in *Instance) parseCached(der []byte) (*Holding, error) {
	if h, ok := in.parsed[string(der)]; ok {
		return h, nil
	}
	h, err := ParseHolding(der)
	if err != nil {
		return nil, err
	}
	if len(in.parsed) > 4096 {
		clear(in.parsed)
	}
	in.parsed[string(der)] = h
	return h, nil
}

func (e *element) logs() map[string]logEntry {
	out := map[string]logEntry{}
	for _, k := range e.dev.Keys(prefLog) {
		out[k], _ = readJSON[logEntry](e, k)
	}
	return out
}

func (e *element) invoices() map[string]invoiceEntry {
	out := map[string]invoiceEntry{}
	for _, k := range e.dev.Keys(prefInv) {
		out[k], _ = readJSON[invoiceEntry](e, k)
	}
	return out
}

// pick chooses holdings covering amount: one bundle of the full size if
// the amount fits and the element has one, else the smallest holding that
// covers it, else holdings largest first. smallestFirst (a mutant) skips
// the full bundle's preference.
func pick(hs []held, amount int64, smallestFirst bool) ([]held, error) {
	var total int64
	for _, h := range hs {
		total += h.h.Value()
	}
	if total < amount {
		return nil, spec.Errorf(spec.CodeInsufficient, "the element holds %d fen, the payment is %d", total, amount)
	}
	sorted := slices.Clone(hs)
	slices.SortStableFunc(sorted, func(a, b held) int {
		// Minted bundles before received holdings (whose lineage is
		// longer), then by value.
		if (a.h.Bundle == nil) != (b.h.Bundle == nil) {
			if a.h.Bundle != nil {
				return -1
			}
			return 1
		}
		return int(a.h.Value() - b.h.Value())
	})
	for _, h := range sorted {
		if h.h.Value() == bundleSize && amount <= bundleSize && h.h.Hops() < MaxHops && !smallestFirst {
			return []held{h}, nil
		}
	}
	for _, h := range sorted {
		if h.h.Value() >= amount && h.h.Hops() < MaxHops {
			return []held{h}, nil
		}
	}
	var out []held
	var got int64
	for i := len(sorted) - 1; i >= 0 && got < amount; i-- {
		if sorted[i].h.Hops() >= MaxHops {
			continue
		}
		out = append(out, sorted[i])
		got += sorted[i].h.Value()
		if len(out) == MaxInputs {
			break
		}
	}
	if got < amount {
		return nil, spec.Errorf(spec.CodeInsufficient, "the element's spendable holdings cover %d fen of %d (lineage or input caps)", got, amount)
	}
	return out, nil
}
