package kit

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// DepositEntry is a deposit a wallet signed and committed (its coins
// removed) but the bank has not yet answered.
type DepositEntry struct {
	Key      string
	Holdings [][]byte
	Records  [][]byte
}

// Spent is the entry's holdings and records (Spends).
func (e DepositEntry) Spent() (holdings, records [][]byte) { return e.Holdings, e.Records }

// DepositDevice is what a deposit needs of a wallet's device.
type DepositDevice interface {
	Device
	// SignDeposit and FinishDeposit, in one write each.
	device.Depositor
}

// Wallet is a wallet read out, as a deposit and the ledger need it.
type Wallet interface {
	Presents() string                       // the certificate id it presents
	Holdings() map[string]*transfer.Holding // spendable coins by coin key
	PendingDeposits() []DepositEntry
}

// Depositor is the bank side of a deposit, written ahead like a payment:
// the wallet signs a deposit record for each coin and commits, in one
// write, their removal with a pending-deposit entry before presenting
// them, so a power cut can neither lose them nor leave them spendable
// after the bank redeemed them; every pending entry is then presented.
type Depositor[D DepositDevice, S Wallet] struct {
	W       *world.World
	Agent   *bank.Agent
	State   func(D) (S, error)                  // reads the wallet out
	Account func(id world.PartyID, st S) string // the account the agent credits
	// ParseCode is the error code of a pending deposit that does not parse.
	ParseCode spec.Code
	// NoReplyRestores is the bug of taking a deposit's coins back when the
	// bank did not answer (it may have credited them).
	NoReplyRestores bool
	// Held, if set, names the coins All leaves on the wallet: coins the
	// wallet holds but may not spend until it reconciles (chip: what a
	// REFUSE put back).
	Held func(S) map[string]bool
	// BySigner: the wallet holds coins under several holder ids (chip's
	// per-coin pseudonyms, Core.KeyFor), each bound to the account at the
	// agent (bank.Agent.Bind). Deposit signs one pending deposit per
	// holder, and Settle presents each as its signer's (Account unused).
	BySigner bool
	// AgentOf, if set, returns the agent a pending deposit's records pay
	// (their payee), to which Settle presents it: a wallet that deposits
	// at more than one agent (chip: the agent bank and the desk). Unset,
	// every deposit is Agent's.
	AgentOf func(id string) (*bank.Agent, bool)
}

// All returns every coin in wallet id to the holder's account but those
// Held names: it first settles the deposits a power cut interrupted (an
// error there: nothing counts as deposited), then deposits the rest.
func (dp Depositor[D, S]) All(id world.PartyID, d D) (int64, error) {
	v, err := dp.Settle(id, d)
	if err != nil {
		return 0, err
	}
	st, err := dp.State(d)
	if err != nil {
		return 0, err
	}
	keys := slices.Sorted(maps.Keys(st.Holdings()))
	if dp.Held != nil {
		held := dp.Held(st)
		keys = slices.DeleteFunc(keys, func(k string) bool { return held[k] })
	}
	w, err := dp.Deposit(id, d, keys)
	return v + w, err
}

// Deposit returns the coins under keys to the agent: the wallet signs and
// commits (DepositDevice.SignDeposit), then Settle presents the entry.
func (dp Depositor[D, S]) Deposit(id world.PartyID, d D, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	groups := [][]string{keys}
	if dp.BySigner {
		st, err := dp.State(d)
		if err != nil {
			return 0, err
		}
		groups = byHolder(st.Holdings(), keys)
	}
	for _, g := range groups {
		if err := d.SignDeposit(dp.Agent.ID, g); err != nil {
			return 0, err
		}
	}
	return dp.Settle(id, d)
}

// byHolder splits keys by the holder of their coin in held, in the order
// each holder first occurs; a key held names no holder ("").
func byHolder(held map[string]*transfer.Holding, keys []string) [][]string {
	var order []string
	groups := map[string][]string{}
	for _, k := range keys {
		holder := ""
		if h := held[k]; h != nil {
			holder = h.Claimed().Holder
		}
		if _, ok := groups[holder]; !ok {
			order = append(order, holder)
		}
		groups[holder] = append(groups[holder], k)
	}
	out := make([][]string, len(order))
	for i, h := range order {
		out[i] = groups[h]
	}
	return out
}

// Settle presents every pending deposit. An accepted one is credited; a
// refused one (never the case for an honest wallet) puts its coins back;
// either way the entry goes. One the bank did not answer stays pending.
func (dp Depositor[D, S]) Settle(id world.PartyID, d D) (int64, error) {
	st, err := dp.State(d)
	if err != nil {
		return 0, err
	}
	account := dp.Account(id, st)
	var total int64
	for _, e := range st.PendingDeposits() {
		var items []bank.DepositItem
		for i := range e.Records {
			if i >= len(e.Holdings) {
				return total, spec.Errorf(spec.CodeMalformed, "pending deposit %s has %d records for %d holdings", e.Key, len(e.Records), len(e.Holdings))
			}
			h, err1 := transfer.ParseHolding(e.Holdings[i])
			r, err2 := transfer.Parse(e.Records[i])
			if err1 != nil || err2 != nil {
				return total, spec.Errorf(dp.ParseCode, "pending deposit %s does not parse", e.Key)
			}
			items = append(items, bank.DepositItem{Holding: h, Record: r})
		}
		depositor, agent := account, dp.Agent
		if dp.BySigner && len(items) > 0 {
			depositor = items[0].Record.Payer
		}
		if dp.AgentOf != nil && len(items) > 0 {
			if a, ok := dp.AgentOf(items[0].Record.Payee); ok {
				agent = a
			}
		}
		v, err := agent.Deposit(depositor, items)
		if bank.NoReply(err) && !dp.NoReplyRestores {
			// The bank may have credited it: present it again later,
			// never take the coins back.
			return total, err
		}
		if err != nil {
			dp.W.Trace().Note(id, "deposit refused, coins restored: %v", err)
			if ferr := d.FinishDeposit(e.Key, false); ferr != nil {
				return total, ferr
			}
			return total, err
		}
		if err := d.FinishDeposit(e.Key, true); err != nil {
			return total, err
		}
		total += v
		dp.W.Trace().State(id, "deposited %d fen (account %d)", v, agent.Balance(depositor))
	}
	return total, nil
}

// PrefDep holds deposits an element signed and committed (their coins
// removed) that the bank has not yet answered: dep/<counter>: JSON
// PendingStore.
const PrefDep = "dep/"

// PendingStore is a pending deposit as an element stores it.
type PendingStore struct {
	Holdings [][]byte `json:"holdings"`
	Records  [][]byte `json:"records"`
}

// DepKey is the store key of the pending deposit of counter ctr.
func DepKey(ctr uint64) string {
	return PrefDep + hex.EncodeToString(binary.BigEndian.AppendUint64(nil, ctr))
}

// Entry is a payer's log entry: what it spent and whether the payee's
// acknowledgement arrived.
type Entry interface {
	Spends
	Acknowledged() bool
}

// LogEntry is one payment a payer element committed (write-ahead), as
// its state reads it out: the payee's certificate id, the holdings it
// spent and the records spending them (DER, one per holding), and
// whether the payee's acknowledgement arrived. It is an Entry; a scheme
// whose entries say more embeds it.
//
// Refusal, when not empty, is the payee's signed refusal of the payment
// (chip's REFUSE data): the element rolled the payment back and keeps
// the entry only as evidence for reconciliation to upload, so the entry
// spends nothing (Spent is empty) and is not pending.
type LogEntry struct {
	Key      string
	Payee    string
	Holdings [][]byte
	Records  [][]byte
	Acked    bool
	Refusal  []byte
}

// Spent and Acknowledged read the entry out (Entry). A refused entry
// spends nothing.
func (e LogEntry) Spent() (holdings, records [][]byte) {
	if len(e.Refusal) > 0 {
		return nil, nil
	}
	return e.Holdings, e.Records
}
func (e LogEntry) Acknowledged() bool { return e.Acked }

// PaidTo names the entry's payee (State.View's payee).
func (e LogEntry) PaidTo() string { return e.Payee }

// Base is the entry itself, also through a scheme's entry that embeds
// it (Upload).
func (e LogEntry) Base() LogEntry { return e }

// State is an element read out: what reconciliation uploads and what the
// suites observe. The maps and slices are the caller's to read, not to
// change; a local element's Coins is its Held, which changes as the
// element does (read a state again after the element changed). A
// scheme's state type is it, or embeds it.
type State[L Entry] struct {
	ID       string                       // certificate id the element presents
	Spent    int64                        // fen spent offline since the last sync
	Payments int                          // payments made since the last sync
	Coins    map[string]*transfer.Holding // spendable holdings by coin key
	Log      []L                          // payments sent and not yet settled, by key
	Deposits []DepositEntry               // deposits signed and not yet credited, by key

	// When kept (KeptBy): the value of Coins and the Core that keeps
	// them (Coins is its Held).
	kept  bool
	value int64
	core  *Core
}

// Presents, Holdings, PayerLog and PendingDeposits read the state out
// (Wallet, Logged).
func (s *State[L]) Presents() string                       { return s.ID }
func (s *State[L]) Holdings() map[string]*transfer.Holding { return s.Coins }
func (s *State[L]) PayerLog() []L                          { return s.Log }
func (s *State[L]) PendingDeposits() []DepositEntry        { return s.Deposits }

// Balance is the value of the coins: the total the element keeps
// (KeptBy), else their values summed.
func (s *State[L]) Balance() int64 {
	if s.kept {
		return s.value
	}
	var v int64
	for _, h := range s.Coins {
		v += h.Value()
	}
	return v
}

// KeptBy states that Coins is c.Held, so that the reads of every coin
// (Balance, View, UploadHeld, Mail, StaleOf) take what c keeps as its
// coins change (its running total, its key order, its instances, its
// unconfirmed and long-lineage coins) instead of reading each coin again:
// reading them all at every payment grew with the coins held. Coins, and
// so View, UploadHeld, Mail and StaleOf, read the element as it is when
// they run; Balance as it was at KeptBy.
func (s *State[L]) KeptBy(c *Core) {
	s.kept, s.value, s.core = true, c.Balance(), c
}

// keptBy returns the Core that keeps the state's coins (KeptBy), or nil.
func (s *State[L]) keptBy() *Core { return s.core }

// Acked counts the log entries whose acknowledgement arrived.
func (s *State[L]) Acked() int {
	n := 0
	for _, e := range s.Log {
		if e.Acknowledged() {
			n++
		}
	}
	return n
}

// SignDeposits signs a deposit record to agent for each coin of keys
// (with its holder's key, Core.KeyFor, where the element has one),
// numbering them from counter+1: it returns the pending deposit, the store
// keys to delete (each coin's, and what forget, when not nil, adds for
// it) and the last counter used. A key the element does not hold, or one
// named twice (a coin deposited twice is a coin spent twice), is a
// CodeMalformed error.
func (c *Core) SignDeposits(agent string, keys []string, counter uint64, forget func(*transfer.Holding) []string) (PendingStore, []string, uint64, error) {
	var e PendingStore
	var deletes []string
	for _, k := range keys {
		h := c.Held[k]
		if h == nil || slices.Contains(deletes, PrefCoin+k) {
			return e, nil, counter, spec.Errorf(spec.CodeMalformed, "no coin %q", k)
		}
		counter++
		key, holder := c.signerOf(h, c.Priv, c.Name)
		rec, err := bank.DepositRecord(key, holder, agent, h, h.Value(), c.recordCounter(h, holder, counter))
		if err != nil {
			return e, nil, counter, err
		}
		e.Holdings = append(e.Holdings, h.Marshal())
		e.Records = append(e.Records, rec.Marshal())
		deletes = append(deletes, PrefCoin+k)
		if forget != nil {
			deletes = append(deletes, forget(h)...)
		}
	}
	return e, deletes, counter, nil
}

// DepositWith is a holder element's SignDeposit: nothing for no keys;
// otherwise the pending deposit SignDeposits signs, numbered after
// *counter, which it advances, handed to commit as the store's puts (the
// deposit under DepKey; commit adds the element's own state) and deletes,
// to write in one write. A refusal changes nothing.
func (c *Core) DepositWith(agent string, keys []string, counter *uint64, forget func(*transfer.Holding) []string, commit func(puts map[string][]byte, deletes []string)) error {
	if len(keys) == 0 {
		return nil
	}
	e, deletes, n, err := c.SignDeposits(agent, keys, *counter, forget)
	if err != nil {
		return err
	}
	*counter = n
	commit(map[string][]byte{DepKey(n): MustJSON(e)}, deletes)
	return nil
}

// FinishPending removes the pending deposit under key that the bank
// answered (Device.FinishDeposit): accepted, or refused, in which case its
// coins come back. apply writes the change: the entry's key to delete
// and, when refused, the coins' store entries and holdings by coin key. A
// key naming no pending deposit is a CodeMalformed error; one that does
// not parse (looked at only when refused) CodeInternal.
func (c *Core) FinishPending(key string, accepted bool, apply func(puts map[string][]byte, coins map[string]*transfer.Holding)) error {
	raw, ok := c.Dev.Get(key)
	if !ok || len(key) <= len(PrefDep) || key[:len(PrefDep)] != PrefDep {
		return spec.Errorf(spec.CodeMalformed, "no pending deposit %q", key)
	}
	if accepted {
		apply(nil, nil)
		return nil
	}
	var e PendingStore
	if err := json.Unmarshal(raw, &e); err != nil {
		return spec.Errorf(spec.CodeInternal, "pending deposit %s: %v", key, err)
	}
	puts := map[string][]byte{}
	coins := map[string]*transfer.Holding{}
	for _, b := range e.Holdings {
		h, err := transfer.ParseHolding(b)
		if err != nil {
			return spec.Errorf(spec.CodeInternal, "pending deposit %s does not parse", key)
		}
		puts[PrefCoin+CoinKey(h)] = b
		coins[CoinKey(h)] = h
	}
	apply(puts, coins)
	return nil
}
