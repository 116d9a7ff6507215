package bank

import (
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// JournalKey is the key of a wallet device's store under which its
// client keeps the withdrawal it asked for and has not finished: the
// request id the agent knows it by, and the amount.
const JournalKey = "client/withdrawal"

// ExchangeKey is the key of a wallet device's store under which its
// client keeps an exchange (a refresh) it started and has not finished.
const ExchangeKey = "client/exchange"

// Withdrawal is a journalled withdrawal request.
type Withdrawal struct {
	Request string `json:"request"`
	Amount  int64  `json:"amount"`
}

// Client is a wallet's client for withdrawals that survive power cuts of
// the wallet and of the bank: it persists a request id on the wallet's
// device before asking the agent (WithdrawRequest), and clears it once
// the coins are credited. A retry after any cut presents the same id, so
// the agent debits once and the coins are credited again (a no-op if the
// cut came after the credit). The client retries before the wallet pays
// again: a payment between a cut after the credit and the retry would
// spend coins the retry credits again.
type Client struct {
	Agent  *Agent
	Dev    *world.Device // nil: a device the model cannot write (external), no journal
	Holder string
	// Credit stores coins on the wallet; storing coins it holds already
	// changes nothing.
	Credit func([]*transfer.Holding) error
	// LateJournal is the mutant withdraw-journals-after-credit: the
	// request id is persisted only once the coins are credited.
	LateJournal bool
	// FreshRetry is the mutant withdraw-retry-new-request: the client
	// journals the withdrawal but presents a journalled one again under a
	// request id it draws anew, so the agent takes the retry for a new
	// withdrawal.
	FreshRetry bool
	// Unjournalled is the mutant refresh-without-journal: Exchange hands
	// the coins in and withdraws their value without journalling the
	// exchange first.
	Unjournalled bool
}

// Exchange is a journalled exchange: the coins handed in (their keys on
// the wallet) and the withdrawal of their value that replaces them.
type Exchange struct {
	Withdrawal
	Coins []string `json:"coins"`
}

// Pending returns the journalled withdrawal, if any.
func (c Client) Pending() (Withdrawal, bool) {
	if c.Dev == nil {
		return Withdrawal{}, false
	}
	raw, ok := c.Dev.Get(JournalKey)
	if !ok {
		return Withdrawal{}, false
	}
	var w Withdrawal
	if json.Unmarshal(raw, &w) != nil || w.Request == "" || w.Amount <= 0 {
		return Withdrawal{}, false
	}
	return w, true
}

// Finish completes a journalled withdrawal: presents its request again,
// clears the journal and credits the coins. A refusal other than a cut is
// final and clears the journal too. It reports the withdrawal it
// finished, if there was one.
func (c Client) Finish() (Withdrawal, bool, error) {
	p, ok := c.Pending()
	if !ok {
		return Withdrawal{}, false, nil
	}
	if c.FreshRetry {
		p.Request = c.newRequest()
	}
	return p, true, c.present(p)
}

// Withdraw withdraws amount as a new request: a journalled withdrawal is
// finished first (a cut one is never taken for this call), then the new
// request is journalled and presented.
func (c Client) Withdraw(amount int64) error {
	if _, _, err := c.Finish(); err != nil {
		return err
	}
	w := Withdrawal{Request: c.newRequest(), Amount: amount}
	if c.Dev != nil && !c.LateJournal {
		c.Dev.Put(JournalKey, mustJSON(w))
	}
	return c.present(w)
}

// present asks the agent for w and credits the coins; the journal (if the
// client keeps one) is cleared once they are credited or on a final
// refusal, and kept when the bank did not reply.
func (c Client) present(w Withdrawal) error {
	return c.presentAs(JournalKey, w, c.LateJournal)
}

// presentAs is present for the journal kept under key, written only now
// (late) if it was not before.
func (c Client) presentAs(key string, w Withdrawal, late bool) error {
	hs, err := c.Agent.WithdrawRequest(c.Holder, w.Request, w.Amount)
	if err != nil {
		if c.Dev != nil && !late && !NoReply(err) {
			c.Dev.Delete(key)
		}
		return err
	}
	if err := c.Credit(hs); err != nil {
		return err
	}
	if c.Dev == nil {
		return nil
	}
	if late {
		c.Dev.Put(key, mustJSON(w))
	}
	c.Dev.Delete(key)
	return nil
}

// Exchange swaps coins (their keys on the wallet, worth value together)
// for fresh ones of the same value: it journals the exchange, hands the
// coins in with deposit, and withdraws value under the journalled
// request. After a cut anywhere, FinishExchange completes it.
func (c Client) Exchange(coins []string, value int64, deposit func() error) error {
	e := Exchange{Withdrawal{Request: c.newRequest(), Amount: value}, coins}
	journal := c.Dev != nil && !c.Unjournalled
	if journal {
		c.Dev.Put(ExchangeKey, mustJSON(e))
	}
	if err := deposit(); err != nil {
		return err
	}
	if !journal {
		hs, err := c.Agent.WithdrawRequest(c.Holder, e.Request, e.Amount)
		if err != nil {
			return err
		}
		return c.Credit(hs)
	}
	return c.presentAs(ExchangeKey, e.Withdrawal, false)
}

// PendingExchange returns the journalled exchange, if any.
func (c Client) PendingExchange() (Exchange, bool) {
	if c.Dev == nil {
		return Exchange{}, false
	}
	raw, ok := c.Dev.Get(ExchangeKey)
	if !ok {
		return Exchange{}, false
	}
	var e Exchange
	if json.Unmarshal(raw, &e) != nil || e.Request == "" || e.Amount <= 0 {
		return Exchange{}, false
	}
	return e, true
}

// FinishExchange completes a journalled exchange once the wallet's
// pending deposits are settled: the hand-in is one deposit, so if held
// reports any coin of it still on the wallet, the hand-in never happened
// (or was refused) and the journal goes; otherwise the withdrawal is
// presented again. (A coin the wallet paid away offline after the cut is
// not held either: "every coin held" would take that for a hand-in and
// withdraw the value again from the account.)
func (c Client) FinishExchange(held func(coin string) bool) error {
	e, ok := c.PendingExchange()
	if !ok {
		return nil
	}
	if slices.ContainsFunc(e.Coins, held) {
		c.Dev.Delete(ExchangeKey)
		return nil
	}
	return c.presentAs(ExchangeKey, e.Withdrawal, false)
}

// Refresh is what Client.Refresh asks of the wallet it refreshes.
type Refresh struct {
	// Settle presents the deposits a power cut interrupted.
	Settle func() error
	// Coins reads the coins the wallet holds now, by key.
	Coins func() (map[string]*transfer.Holding, error)
	// Stale returns the keys of coins to exchange, in order; nil means
	// LongLineage(coins, nil).
	Stale func(coins map[string]*transfer.Holding) ([]string, error)
	// Deposit hands the coins under keys in; their value goes to the
	// account.
	Deposit func(keys []string) error
}

// Refresh is the refresh step of a reconciliation: it settles the
// deposits a power cut interrupted, finishes a journalled exchange (a
// coin of it still held means the hand-in never happened), then
// exchanges the coins w.Stale picks for fresh ones of the same value
// (Exchange, journalled, so that a cut between the hand-in and the
// withdrawal does not leave their value in the account).
func (c Client) Refresh(w Refresh) error {
	if err := w.Settle(); err != nil {
		return err
	}
	coins, err := w.Coins()
	if err != nil {
		return err
	}
	if err := c.FinishExchange(func(k string) bool { _, ok := coins[k]; return ok }); err != nil {
		return err
	}
	if coins, err = w.Coins(); err != nil {
		return err
	}
	var stale []string
	if w.Stale != nil {
		if stale, err = w.Stale(coins); err != nil {
			return err
		}
	} else {
		stale = LongLineage(coins, nil)
	}
	if len(stale) == 0 {
		return nil
	}
	var value int64
	for _, k := range stale {
		value += coins[k].Value()
	}
	return c.Exchange(stale, value, func() error { return w.Deposit(stale) })
}

// ExchangeHops is the lineage length at which a reconciliation exchanges a
// coin for a fresh one: half the hop limit, so a coin is refreshed well
// before a payee would refuse it.
const ExchangeHops = transfer.MaxHops / 2

// LongLineage returns, in key order, the keys of coins whose lineage is
// long enough to exchange them (ExchangeHops hops or more) or for which
// also (may be nil, must not change anything: it is asked in map order)
// reports true. Only the keys it returns are sorted: a reconciliation
// sorted every coin held to exchange a few.
func LongLineage(coins map[string]*transfer.Holding, also func(key string) bool) []string {
	var out []string
	for k, h := range coins {
		if len(h.Chain) >= ExchangeHops || also != nil && also(k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// MarkHeld adds to have the coin instances (of, such as InstanceOf) of
// holdings, encoded: the coins of a deposit a power cut interrupted,
// which the wallet still holds, are not mail to send back to it. A
// holding that does not parse is left out.
func MarkHeld(have map[Instance]bool, holdings [][]byte, of func(*transfer.Holding) Instance) {
	for _, raw := range holdings {
		if h, err := transfer.ParseHolding(raw); err == nil {
			have[of(h)] = true
		}
	}
}

// newRequest draws a request id from the world's randomness.
func (c Client) newRequest() string {
	return hex.EncodeToString(c.Agent.cb.w.Rand("client/withdrawal/" + c.Holder).Bytes(8))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
