package kit

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The store layout every secure element of a certificate-and-coin scheme
// shares; a scheme adds its own keys beside them.
const (
	KeyID      = "id"       // certificate id, ASCII
	KeyPriv    = "key"      // private scalar
	KeyCert    = "cert"     // own certificate, DER
	KeyRoot    = "root"     // central bank root certificate, DER
	KeyCoinKey = "coin-key" // issuer public key, SPKI DER
	KeyCRL     = "crl"      // revocation list, DER
	KeyLimits  = "limits"   // JSON bank.Limits
	PrefAgent  = "agent/"   // agent/<id>: agent certificate, DER
	PrefCert   = "cert/"    // cert/<id>: certificate of an earlier holder, DER
	PrefCoin   = "coin/"    // coin/<instance>: holding, DER
	PrefOut    = "out/"     // out/<counter>: JSON, a payment sent and not yet settled
)

// CoinKey is the store key (after PrefCoin) of holding h: its instance.
func CoinKey(h *transfer.Holding) string {
	inst := bank.InstanceOf(h)
	return hex.EncodeToString(inst.Creator[:8]) + hex.EncodeToString(inst.Serial[:])
}

// OutKey is the store key of the out/ entry of counter ctr.
func OutKey(ctr uint64) string {
	return PrefOut + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, ctr))
}

// MustJSON marshals v, which the caller knows marshals.
func MustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("kit: " + err.Error())
	}
	return b
}

// Core is the part of a secure element every certificate-and-coin scheme
// keeps the same way: its store, identity, trust anchors, limits, coins
// and the firmware a compromised holder installed. A scheme's element
// embeds it, which makes the element a forge.Holder and a kit.Element
// but for Recover, which the scheme writes: it calls Load first, then
// rebuilds its own fields.
//
// Contract: the fields other than Dev, S and FW mirror the store and are
// rebuilt by Load; FW survives power cycles (it is not in the store).
type Core struct {
	S   suite.Suite
	Dev *world.Device
	FW  forge.Firmware // corruptions (models/forge)

	Name    string // the certificate id
	Priv    suite.PrivateKey
	OwnCert *devcert.Certificate
	Root    *devcert.Certificate
	CoinKey suite.PublicKey
	CRL     *devcert.RevocationList
	Limits  bank.Limits
	// Held is by CoinKey; changed only by Load, SetHeld and DropHeld,
	// which keep what Core keeps of it (Balance, Pick's order, the key order,
	// Holds, Unconfirmed, LongLineage). Load changes it in place by the
	// keys that changed; a Held changed behind Core's back is read whole
	// again only when its size differs from the store's.
	Held   map[string]*transfer.Holding
	Agents map[string]*devcert.Certificate // by id
	Certs  map[string]*devcert.Certificate // earlier holders, by id

	// KeyFor, if set, returns the key of a holder other than Name that
	// the element holds coins under (chip's per-coin pseudonyms): a coin
	// held by such a holder is spent and deposited by records that holder
	// signs and names as payer, its change held by it. Unset, or for
	// any other holder, the element's own key and id sign.
	KeyFor func(holder string) (suite.PrivateKey, bool)
	// CountsCardWide is the bug of numbering a KeyFor holder's records by
	// the element's own counter (recordCounter), set by the element.
	CountsCardWide bool

	parsed Parsed // what the last Load parsed, by store key (a cache of a pure function of the bytes)
	// What the last Load read (the same cache): at store version loaded
	// of device loadedDev, the holdings by coin key and the certificates.
	loaded        uint64
	loadedDev     *world.Device
	heldAll       map[string]*transfer.Holding
	heldAllValue  int64                 // the value of heldAll
	heldAllOrder  byValue               // the coins of heldAll in Pick's order
	heldAllKeys   byKey                 // the coins of heldAll in key order
	value         int64                 // the value of Held (Balance)
	order         byValue               // the coins of Held in Pick's order
	keys          byKey                 // the coins of Held in key order (State.View reads it)
	touched       []string              // coin keys SetHeld and DropHeld changed since the last Load
	instances     map[bank.Instance]int // how many coins of Held stand for each instance (Holds)
	unconfirmed   map[string]bool       // coin keys of Held whose last hop confirmedBy was not seen to hold (Unconfirmed)
	confirmedBy   *bank.Registry
	removals      uint64          // Removals
	removedBase   uint64          // Removals when Held was last read whole
	long          map[string]bool // coin keys of Held whose lineage has bank.ExchangeHops hops or more
	own           map[string]bool // coin keys of Held whose last hop is their holder's own (OwnHop)
	holders       map[string]int  // how many coins of Held each holder holds (HoldsAny)
	removed       []bank.Instance // the instances Held stopped holding since (RemovedSince)
	agents, certs certIndex
	pending       map[string]pendingDecoded // what the last PendingDeposits decoded, by store key (the same)
	label         string                    // "scheme: element id", for the panics of a store that does not load
	reload        func()                    // the element's Recover
	rewind        func()                    // zeroes the element's usage counters in its store
}

// KeyOf is KeyFor, if set (forge stages a corruption of a coin with its
// holder's key).
func (c *Core) KeyOf(holder string) (suite.PrivateKey, bool) {
	if c.KeyFor == nil {
		return nil, false
	}
	return c.KeyFor(holder)
}

// signerOf returns the key that signs a record spending h and the payer
// it names: h's holder's (KeyFor; the payer stays as given when it is not
// the element's own id, a corruption naming another payer), or key and
// payer as given.
func (c *Core) signerOf(h *transfer.Holding, key suite.PrivateKey, payer string) (suite.PrivateKey, string) {
	if c.KeyFor == nil {
		return key, payer
	}
	holder := h.Claimed().Holder
	if k, ok := c.KeyFor(holder); ok {
		if payer == c.Name { // not a corruption's other payer (forge.Firmware.Named)
			payer = holder
		}
		return k, payer
	}
	return key, payer
}

// Load binds the element's hooks (label names it in panics, recover is
// its Recover, rewind zeroes its usage counters in the store) and
// rebuilds the shared fields from the store. A store that does not load
// is a model bug: it panics.
func (c *Core) Load(label string, recover, rewind func()) {
	c.label, c.reload, c.rewind = label+" "+string(c.Dev.ID()), recover, rewind
	var err error
	c.Name = string(c.Get(KeyID))
	c.Priv, err = suite.PrivateKeyFromBytes(c.S, c.Get(KeyPriv))
	c.Must(err)
	c.OwnCert, err = devcert.Parse(c.S, c.Get(KeyCert))
	c.Must(err)
	c.Root, err = devcert.Parse(c.S, c.Get(KeyRoot))
	c.Must(err)
	c.CoinKey, err = c.S.ParsePublicKey(c.Get(KeyCoinKey))
	c.Must(err)
	// The list was checked before it was stored (CheckCRL); parse it again
	// only if it changed (a cache of a pure function of the bytes).
	if crl := c.Get(KeyCRL); c.CRL == nil || !bytes.Equal(c.CRL.Raw, crl) {
		c.CRL, err = devcert.ParseRevocationList(crl, c.Root)
		c.Must(err)
	}
	c.Must(json.Unmarshal(c.Get(KeyLimits), &c.Limits))
	// The certificates and holdings, from what the last Load read where
	// the store's change log says which keys changed since (a cache of a
	// pure function of the store: the certificate maps handed out are
	// copies, which the element may change; Held is brought up to date
	// by the keys that changed, syncHeld).
	changed, since := c.changedSince()
	c.Agents = c.agents.handOut(c.Agents, c.agents.load(c, PrefAgent, changed, since))
	c.Certs = c.certs.handOut(c.Certs, c.certs.load(c, PrefCert, changed, since))
	all, whole := c.held(changed, since)
	c.syncHeld(all, whole, changed)
	if !spec.Dropping() {
		c.loaded, c.loadedDev = c.Dev.Version(), c.Dev
	} else {
		c.loadedDev = nil
	}
}

// changedSince returns the store keys changed since the last Load,
// sorted, each once, and whether the store's change log could tell (the
// same device, no Restore since, the log reaching back, no check
// switched off).
func (c *Core) changedSince() ([]string, bool) {
	if c.loadedDev != c.Dev || c.Dev == nil || spec.Dropping() {
		return nil, false
	}
	keys, ok := c.Dev.ChangedSince(c.loaded)
	if !ok {
		return nil, false
	}
	slices.Sort(keys)
	return slices.Compact(keys), true
}

// syncHeld makes Held, Balance and the orders what the store holds (all,
// which held returned, read whole or not): when Held was read before and
// all was not read whole, by the coin keys that changed in the store or
// through SetHeld and DropHeld since, else (or when Held then differs in
// size from all: the element changed the map it was handed) by copies of
// all's. Copying every coin held at every Load grew with the coins held.
func (c *Core) syncHeld(all map[string]*transfer.Holding, whole bool, changed []string) {
	touched := c.touched
	c.touched = nil
	if !whole && c.Held != nil {
		for _, k := range changed {
			if strings.HasPrefix(k, PrefCoin) {
				c.syncKey(k[len(PrefCoin):], all)
			}
		}
		for _, k := range touched {
			c.syncKey(k, all)
		}
		if len(c.Held) == len(all) {
			return
		}
	}
	c.Held = maps.Clone(all)
	c.value, c.order = c.heldAllValue, c.heldAllOrder.clone()
	c.keys = c.heldAllKeys.clone()
	c.instances, c.unconfirmed, c.confirmedBy = make(map[bank.Instance]int, c.keys.len()), make(map[string]bool, c.keys.len()), nil
	c.removals++
	c.removedBase, c.removed, c.long, c.own, c.holders = c.removals, nil, map[string]bool{}, map[string]bool{}, map[string]int{}
	for e := range c.keys.all() {
		c.instances[e.Instance]++
		c.holders[e.Holder]++
		c.unconfirmed[e.Key] = true
		if e.Hops >= bank.ExchangeHops {
			c.long[e.Key] = true
		}
		if e.Own {
			c.own[e.Key] = true
		}
	}
}

// syncKey makes what Held holds under coin key k what all holds.
func (c *Core) syncKey(k string, all map[string]*transfer.Holding) {
	h := all[k]
	old, had := c.Held[k]
	if had && old == h {
		return
	}
	if had {
		c.value -= old.Value()
		c.order.remove(k, old.Value())
		delete(c.Held, k)
		if h == nil {
			c.keyRemove(k)
		}
	}
	if h != nil {
		c.Held[k] = h
		c.value += h.Value()
		e := c.heldAllKeys.get(k)
		c.order.add(e)
		c.keySet(e)
	}
}

// held returns the holdings stored under PrefCoin, by the key after the
// prefix, and whether it read them whole: the last Load's when no coin
// key changed, else the store's (Parsed re-parses only the bytes that
// changed).
func (c *Core) held(changed []string, since bool) (map[string]*transfer.Holding, bool) {
	if since && c.heldAll != nil && !anyPrefixed(changed, PrefCoin) {
		return c.heldAll, false
	}
	if since && c.heldAll != nil {
		// Only the changed coin keys are read again, in place (heldAll
		// is Core's own: Held is another map, synced by syncHeld).
		next := c.heldAll
		for _, k := range changed {
			if !strings.HasPrefix(k, PrefCoin) {
				continue
			}
			ck := k[len(PrefCoin):]
			if old := next[ck]; old != nil {
				c.heldAllValue -= old.Value()
				c.heldAllOrder.remove(ck, old.Value())
				c.heldAllKeys.remove(ck)
				delete(next, ck)
			}
			if raw, ok := c.Dev.Get(k); ok {
				h, err := transfer.ParseHolding(raw)
				c.Must(err)
				next[ck] = h
				c.heldAllValue += h.Value()
				c.heldAllOrder.add(c.heldAllKeys.set(ck, h))
			}
		}
		return next, false
	}
	held, err := c.parsed.HoldingsOf(c.Dev, c.Dev.Keys(PrefCoin))
	c.Must(err)
	out := make(map[string]*transfer.Holding, len(held))
	var value int64
	for k, h := range held {
		out[k[len(PrefCoin):]] = h
		value += h.Value()
	}
	c.heldAll, c.heldAllValue, c.heldAllKeys = out, value, byKeyOf(out)
	c.heldAllOrder = byValueOf(c.heldAllKeys)
	if spec.Dropping() {
		c.heldAll = nil
	}
	return out, true
}

func anyPrefixed(keys []string, prefix string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// certIndex is what the last Load parsed of the certificates under one
// prefix, by certificate id.
type certIndex struct {
	byID map[string]*devcert.Certificate
	// irregular: a key holds a certificate of another id (an element
	// personalised from Material, whose Puts names the agents' keys
	// agent/a, agent/b, …, or a corrupted store); which of two keys of
	// one id wins is then their order, so every Load reads them all.
	irregular bool
	// What handOut needs: the ids load added in place since the last
	// handOut, whether load read the store whole since, and the size of
	// the map handed out then.
	delta     []string
	full      bool
	handedLen int
}

// load returns the certificates stored under prefix, by id: the last
// Load's, brought up to date by the changed keys when every changed key
// under prefix is put and holds a certificate of the id it is named by
// (the certificates' own layout), else read whole.
// handOut returns the map Load hands the element for loaded, what load
// returned: cur, the map handed out last time, brought up to date by the
// certificates load added since (delta), when load read no more than that
// and cur then has as many entries as loaded; else a copy of loaded (the
// element may change what it is handed). An element adds a certificate it
// holds in RAM only, which Load must drop; it never deletes one, and it
// replaces one only by what it commits under that id (chip's payee holds
// the lineage's certificates in RAM and then stores them). So cur holds
// every id handed out and every id of delta, and with as many entries as
// loaded it holds loaded's ids and no other: a certificate held in RAM and
// then committed costs no copy. A copy at every Load grew with the
// certificates of every earlier holder a merchant was paid coins of, and
// a copy at every Load after a payment received was most of it.
func (x *certIndex) handOut(cur, loaded map[string]*devcert.Certificate) map[string]*devcert.Certificate {
	defer func() { x.delta, x.full = nil, false }()
	if cur != nil && !x.full && len(cur) >= x.handedLen {
		for _, id := range x.delta {
			cur[id] = loaded[id]
		}
		if len(cur) == len(loaded) {
			x.handedLen = len(cur)
			return cur
		}
	}
	out := maps.Clone(loaded)
	if out == nil {
		out = map[string]*devcert.Certificate{}
	}
	x.handedLen = len(out)
	return out
}

func (x *certIndex) load(c *Core, prefix string, changed []string, since bool) map[string]*devcert.Certificate {
	if since && x.byID != nil && !x.irregular {
		ok := true
		for _, k := range changed {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			raw, present := c.Dev.Get(k)
			if !present {
				ok = false
				break
			}
			cert, err := devcert.Parse(c.S, raw)
			c.Must(err)
			if cert.ID != k[len(prefix):] {
				ok = false
				break
			}
			// In place: the index is Core's own (handOut hands copies).
			x.byID[cert.ID] = cert
			x.delta = append(x.delta, cert.ID)
		}
		if ok {
			return x.byID
		}
	}
	x.full = true
	x.byID, x.irregular = map[string]*devcert.Certificate{}, false
	for _, k := range c.Dev.Keys(prefix) {
		cert, err := devcert.Parse(c.S, c.Get(k))
		c.Must(err)
		x.byID[cert.ID] = cert
		x.irregular = x.irregular || cert.ID != k[len(prefix):]
	}
	out := x.byID
	if spec.Dropping() {
		x.byID = nil
	}
	return out
}

// Get reads key k from the store; a missing key panics (see Load).
func (c *Core) Get(k string) []byte {
	v, ok := c.Dev.Get(k)
	if !ok {
		panic(c.label + " store lacks " + k)
	}
	return v
}

// Must panics on err: the store does not load (see Load).
func (c *Core) Must(err error) {
	if err != nil {
		panic(c.label + " store is corrupt: " + err.Error())
	}
}

// LoadJSON decodes every store entry under prefix, by store key.
func LoadJSON[T any](c *Core, prefix string) map[string]*T {
	out := map[string]*T{}
	for _, k := range c.Dev.Keys(prefix) {
		var e T
		c.Must(json.Unmarshal(c.Get(k), &e))
		out[k] = &e
	}
	return out
}

// Balance returns the value of the coins the element holds: a total
// Load, SetHeld and DropHeld keep (trace lines print it after every
// payment, and reading every coin held for it grew with the coins held).
func (c *Core) Balance() int64 { return c.value }

// SetHeld holds h under coin key k in Held (replacing what k held),
// keeping Balance: what an element does to mirror a commit without a Load.
func (c *Core) SetHeld(k string, h *transfer.Holding) {
	if old := c.Held[k]; old != nil {
		c.value -= old.Value()
		c.order.remove(k, old.Value())
	}
	c.Held[k] = h
	c.value += h.Value()
	e := heldCoin(k, h)
	c.order.add(e)
	c.keySet(e)
	c.touched = append(c.touched, k)
}

// DropHeld removes coin key k from Held, keeping Balance.
func (c *Core) DropHeld(k string) {
	if old, ok := c.Held[k]; ok {
		c.value -= old.Value()
		c.order.remove(k, old.Value())
		c.keyRemove(k)
		delete(c.Held, k)
		c.touched = append(c.touched, k)
	}
}

// keySet puts e in the key order, replacing what its key held, counting
// its instance (a coin replaced by one of the same instance is no
// removal: Removals), as a coin no registry confirmed yet (UploadHeld).
func (c *Core) keySet(e *HeldCoin) {
	old := c.keys.put(e)
	if c.instances == nil {
		c.instances, c.unconfirmed, c.long, c.own, c.holders = map[bank.Instance]int{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]int{}
	}
	c.instances[e.Instance]++
	c.holders[e.Holder]++
	c.unconfirmed[e.Key] = true
	if e.Hops >= bank.ExchangeHops {
		c.long[e.Key] = true
	} else {
		delete(c.long, e.Key)
	}
	if e.Own {
		c.own[e.Key] = true
	} else {
		delete(c.own, e.Key)
	}
	if old != nil {
		c.dropInstance(old.Instance)
		c.dropHolder(old.Holder)
	}
}

// dropHolder uncounts a coin of holder.
func (c *Core) dropHolder(holder string) {
	if c.holders[holder]--; c.holders[holder] <= 0 {
		delete(c.holders, holder)
	}
}

// keyRemove takes coin key k, which holds a coin, out of the key order.
func (c *Core) keyRemove(k string) {
	e := c.keys.get(k)
	c.keys.remove(k)
	c.dropInstance(e.Instance)
	c.dropHolder(e.Holder)
	delete(c.unconfirmed, k)
	delete(c.long, k)
	delete(c.own, k)
}

// dropInstance uncounts a coin of instance i; the last one gone is a
// removal.
func (c *Core) dropInstance(i bank.Instance) {
	if c.instances[i]--; c.instances[i] == 0 {
		delete(c.instances, i)
		c.removals++
		c.removed = append(c.removed, i)
		if len(c.removed) > removedKept {
			// The oldest half is forgotten: RemovedSince cannot tell
			// about it any more (its reader then reads whole).
			half := len(c.removed) / 2
			c.removed = slices.Clone(c.removed[half:])
			c.removedBase += uint64(half)
		}
	}
}

// removedKept bounds the instances RemovedSince remembers.
const removedKept = 1 << 12

// LongLineage is bank.LongLineage(c.Held, nil) from the coins Core keeps
// aside as they arrive: the keys, sorted, of the coins whose lineage is
// long enough to exchange.
func (c *Core) LongLineage() []string {
	return slices.Sorted(maps.Keys(c.long))
}

// Exchangeable returns, sorted, the keys of the coins of Held Core keeps
// aside as ones an exchange may take: those whose lineage is long
// (LongLineage) and those whose last hop is their holder's own (OwnHop:
// hand-overs and change). A coin received from another wallet with a
// short lineage is never among them, so a merchant's sync reads only
// what it may exchange, not every coin it was paid.
func (c *Core) Exchangeable() []string {
	keys := slices.Collect(maps.Keys(c.own))
	for k := range c.long {
		if !c.own[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// HoldsAny reports whether a coin of Held names holder (Holding.Claimed):
// a count Core keeps, so that asking it for each of an element's holder
// ids (chip's pseudonyms) does not read every coin held.
func (c *Core) HoldsAny(holder string) bool { return c.holders[holder] > 0 }

// Holds reports whether a coin of Held stands for instance i.
func (c *Core) Holds(i bank.Instance) bool { return c.instances[i] > 0 }

// Removals counts the times Held stopped holding an instance (or was read
// whole): while it stays, Held only gained instances (bank.HeldSet).
func (c *Core) Removals() uint64 { return c.removals }

// RemovedSince returns the instances Held stopped holding since Removals
// was n, and whether it can tell (Held was not read whole since, and n is
// among the last few thousand removals).
func (c *Core) RemovedSince(n uint64) ([]bank.Instance, bool) {
	if n < c.removedBase || n > c.removals {
		return nil, false
	}
	return c.removed[n-c.removedBase:], true
}

// Unconfirmed returns, in key order, the keys of the coins of Held whose
// last hop reg has not been seen to hold, and forgets those it holds
// (has reports it, by the hop's id): the coins a reconciliation's upload
// must offer (UploadHeld). A registry only gains records, so a coin seen
// registered stays so; asked for another registry, every coin counts as
// unconfirmed again. A cache of the registry's answers kept beside the
// coins (a coin reads as unconfirmed again when it changes), not state of
// the element.
func (c *Core) Unconfirmed(reg *bank.Registry, has func(id [32]byte) bool) []string {
	if c.confirmedBy != reg {
		c.confirmedBy = reg
		for e := range c.keys.all() {
			c.unconfirmed[e.Key] = true
		}
	}
	var out []string
	for k := range c.unconfirmed {
		if e := c.keys.get(k); e.Hops == 0 || has(e.Instance.Creator) {
			delete(c.unconfirmed, k)
		} else {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Presented is the certificate the element shows: its own unless a
// corruption substituted another.
func (c *Core) Presented(asPayer bool) *devcert.Certificate {
	return c.FW.Presented(c.OwnCert, asPayer)
}

// The element as a forge.Holder and a kit.Element.

func (c *Core) Backing() *world.Device              { return c.Dev }
func (c *Core) Firmware() *forge.Firmware           { return &c.FW }
func (c *Core) ID() string                          { return c.Name }
func (c *Core) Suite() suite.Suite                  { return c.S }
func (c *Core) Key() suite.PrivateKey               { return c.Priv }
func (c *Core) Cert() *devcert.Certificate          { return c.OwnCert }
func (c *Core) Coins() map[string]*transfer.Holding { return c.Held }

// Store writes holdings to the store directly, dropping replaced.
func (c *Core) Store(hs []*transfer.Holding, replaced *transfer.Holding) {
	puts := map[string][]byte{}
	for _, h := range hs {
		puts[PrefCoin+CoinKey(h)] = h.Marshal()
	}
	var deletes []string
	if replaced != nil {
		deletes = []string{PrefCoin + CoinKey(replaced)}
	}
	c.Dev.Commit(puts, deletes)
	c.reload()
}

// CopyCoins copies coin records under new keys until the copies are
// worth at least value.
func (c *Core) CopyCoins(value int64) error {
	puts := map[string][]byte{}
	var copied int64
	keys := slices.Sorted(maps.Keys(c.Held))
	for n := 0; copied < max(value, 1) && len(keys) > 0; n++ {
		k := keys[n%len(keys)]
		puts[PrefCoin+fmt.Sprintf("%s~copy%d", k, n)] = c.Held[k].Marshal()
		copied += c.Held[k].Value()
	}
	if len(puts) == 0 {
		return spec.Errorf(spec.CodeInsufficient, "%s holds no coin to copy", c.Name)
	}
	c.Dev.Commit(puts, nil)
	c.reload()
	return nil
}

// RewindCounters zeroes the spend counter and the offline-limit counters.
func (c *Core) RewindCounters() {
	c.rewind()
	c.reload()
}

// CheckCRL parses and checks crl, a revocation list about to be stored,
// against the root: the list to keep in CRL once the write is done (nil
// when it is the list already held), or the typed error that must stop
// the write, so that Load never meets a list it cannot use.
func (c *Core) CheckCRL(crl []byte) (*devcert.RevocationList, error) {
	if c.CRL != nil && bytes.Equal(c.CRL.Raw, crl) {
		return nil, nil
	}
	return devcert.ParseRevocationList(crl, c.Root)
}
