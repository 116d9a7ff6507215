package chain

import (
	"bytes"
	"encoding/hex"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
)

// Device is a wallet (a light node) as the till, the payee's scanner and
// the bank's master node see it: the seam between the scheme's bank side
// (Instance) and a wallet. The model's own wallet implements it, and so
// does an external wallet reached through a models.Link (remote.go), which
// is how a vendor's wallet plays one in the interactive suites.
//
// The bank side never reaches inside a Device: it reads the wallet out
// (State), computes what the chain says about it, and hands the result
// back in one operation (Sync, Redeem). Uploading needs no operation of
// its own: the bank side uploads what State reports.
//
// Contract: an operation that fails returns a *spec.Error and changes
// nothing on the wallet. Each operation that changes the wallet's
// persistent state does so in one atomic write. An offline handler (Payer,
// Payee) refuses a message with its error.
type Device interface {
	// StartPayee opens a payee session for amount (the till of the payee's
	// wallet) and returns the agreement the payer keys in: the amount,
	// the payee's address, a fresh nonce and a check code (AgreeSize
	// bytes, MsgAgree).
	StartPayee(amount int64) (agreement []byte, err error)
	// Payer handles an agreement keyed into the payer's wallet (MsgAgree):
	// it checks it, commits the spend (coins out, change in, the log
	// entry, the counters, in one write) and returns the payment QR code
	// it displays (one MsgQR message; whoever scans it receives it).
	Payer(m world.Message) ([]world.Message, error)
	// Payee handles the QR code the payee's wallet scans (MsgQR): it
	// checks it against the open session and stores the payment with its
	// counter-signed receipt. The channel is one way: it sends nothing.
	Payee(m world.Message) ([]world.Message, error)
	// EndSession closes the payee session and reports whether the wallet
	// stored a payment in it.
	EndSession() (received bool, err error)
	// State reads the wallet out: what the bank side uploads, syncs and
	// observes. The slices are the caller's to read, not to change.
	State() (*WalletState, error)
	// Sync applies what the wallet's master node told it, in one write:
	// payments leave the log and the inbox, coins are stored or removed,
	// the revocation list and the blacklist are replaced and, with Reset,
	// a new offline period starts.
	Sync(u *SyncUpdate) error
	// Redeem pays whole coins to a bank's redemption address (a deposit):
	// for each Redemption it signs a payment of exactly the coins' value,
	// and in one write it removes the coins and logs the payments.
	Redeem(rs []Redemption) error
	// Restart power-cycles the wallet: volatile state (an open payee
	// session) is lost.
	Restart() error
}

// Coin is a spendable coin a wallet holds: an output final on the chain,
// or the wallet's own change from a payment of its own not final yet.
type Coin struct {
	Point OutPoint
	Value int64
	Final bool
}

// WalletState is a wallet read out.
type WalletState struct {
	ID       string       // certificate id the wallet presents
	Counter  uint64       // payments (redemptions included) signed, ever
	Spent    int64        // fen spent offline since the last reconciliation
	Payments int          // offline payments since the last reconciliation
	Coins    []Coin       // spendable coins, in outpoint order
	Log      []LogEntry   // payments sent and not yet final or void, oldest first
	Inbox    []InboxEntry // payments received and not yet final or void
}

// LogEntry is a payment the wallet sent (its write-ahead log): the signed
// payment (DER, the QR payload) and the coins it spends.
type LogEntry struct {
	Payment []byte
	Inputs  []Coin
}

// InboxEntry is a payment the wallet received: the signed payment (DER)
// and the receipt the wallet counter-signed (DER).
type InboxEntry struct {
	Payment []byte
	Receipt []byte
}

// SyncUpdate is what a wallet learns from its master node at a sync.
type SyncUpdate struct {
	Drop      []TxID     // payments to remove from the log or the inbox: final, or void
	Put       []Coin     // coins to store: new ones, or ones now final
	Remove    []OutPoint // coins to remove: spent, or never to be final
	Reset     bool       // start a new offline period: Spent and Payments to zero
	Time      int64      // Unix time of this sync (recorded with Reset)
	CRL       []byte     // the current revocation list, DER
	Blacklist []Address  // the addresses of revoked wallets (replaces the list)
}

// Redemption is one payment of whole coins to a bank's redemption address:
// the nonce is the bank's, the amount is the coins' value.
type Redemption struct {
	Payee Address
	Nonce [NonceSize]byte
	Coins []OutPoint
}

// Balance is the value of the spendable coins.
func (s *WalletState) Balance() int64 {
	var v int64
	for _, c := range s.Coins {
		v += c.Value
	}
	return v
}

func coinsOf(cs []walletCoin) []Coin {
	out := make([]Coin, len(cs))
	for i, c := range cs {
		out[i] = Coin{Point: c.op(), Value: c.Value, Final: c.Final}
	}
	return out
}

func storeCoin(c Coin) walletCoin {
	return walletCoin{Point: c.Point.bytes(), Value: c.Value, Final: c.Final}
}

// The model's own wallet as a Device.

var _ Device = (*wallet)(nil)

func (wl *wallet) StartPayee(amount int64) ([]byte, error) {
	if amount <= 0 {
		return nil, spec.Errorf(spec.CodeMalformed, "amount %d fen", amount)
	}
	return wl.startRequest(amount), nil
}

func (wl *wallet) Payer(m world.Message) ([]world.Message, error) {
	qr, err := wl.pay(m.Payload)
	if err != nil {
		return nil, err
	}
	return []world.Message{{From: wl.dev.ID(), Type: MsgQR, Payload: qr}}, nil
}

func (wl *wallet) Payee(m world.Message) ([]world.Message, error) { return wl.payeeEndpoint(m) }

func (wl *wallet) EndSession() (bool, error) {
	r := wl.received
	wl.req, wl.received = nil, false
	return r, nil
}

func (wl *wallet) State() (*WalletState, error) {
	s := &WalletState{ID: wl.id, Counter: wl.st.Counter, Spent: wl.st.Spent, Payments: wl.st.Payments}
	// Store keys are hex outpoints, so key order is outpoint order.
	for _, k := range slices.Sorted(maps.Keys(wl.coins)) {
		c := wl.coins[k]
		s.Coins = append(s.Coins, Coin{Point: c.op(), Value: c.Value, Final: c.Final})
	}
	for _, k := range slices.Sorted(maps.Keys(wl.out)) {
		e := wl.out[k]
		s.Log = append(s.Log, LogEntry{Payment: e.Payment, Inputs: coinsOf(e.Inputs)})
	}
	for _, k := range slices.Sorted(maps.Keys(wl.inbox)) {
		e := wl.inbox[k]
		s.Inbox = append(s.Inbox, InboxEntry{Payment: e.Payment, Receipt: e.Receipt})
	}
	return s, nil
}

func (wl *wallet) Sync(u *SyncUpdate) error {
	puts := map[string][]byte{}
	var deletes []string
	logKeys := map[TxID]string{}
	for _, lp := range wl.outEntries() {
		logKeys[lp.id] = lp.key
	}
	seen := map[string]bool{}
	for _, id := range u.Drop {
		k, ok := logKeys[id]
		if !ok {
			k = prefIn + hex.EncodeToString(id[:])
			if wl.inbox[k] == nil {
				return spec.Errorf(spec.CodeMalformed, "no payment %s in the log or the inbox", id)
			}
		}
		if seen[k] {
			return spec.Errorf(spec.CodeMalformed, "payment %s dropped twice", id)
		}
		seen[k] = true
		deletes = append(deletes, k)
	}
	for _, c := range u.Put {
		puts[pointKey(c.Point)] = mustJSON(storeCoin(c))
	}
	for _, op := range u.Remove {
		k := pointKey(op)
		if wl.coins[k] == nil || seen[k] || puts[k] != nil {
			return spec.Errorf(spec.CodeMalformed, "cannot remove coin %s: not held, or named twice", op)
		}
		seen[k] = true
		deletes = append(deletes, k)
	}
	crl := wl.crl
	if !bytes.Equal(u.CRL, wl.crl.Raw) && !wl.mutated("sync-keeps-old-crl") {
		var err error
		if crl, err = devcert.ParseRevocationList(u.CRL, wl.root); err != nil {
			return err
		}
		puts[keyCRL] = bytes.Clone(u.CRL)
	}
	state := wl.st
	if u.Reset && !wl.mutated("limits-not-reset") {
		state.Spent, state.Payments = 0, 0
		state.SyncUnix = u.Time
	}
	puts[keyState] = mustJSON(state)
	puts[keyBlacklist] = mustJSON(u.Blacklist)
	wl.dev.Commit(puts, deletes)
	wl.applyCommit(puts, deletes)
	wl.crl = crl
	wl.blacklist = map[Address]bool{}
	for _, a := range u.Blacklist {
		wl.blacklist[a] = true
	}
	return nil
}

func (wl *wallet) Redeem(rs []Redemption) error {
	if len(rs) == 0 {
		return nil
	}
	taken := map[string]bool{}
	for _, r := range rs {
		if len(r.Coins) == 0 || len(r.Coins) > MaxInputs {
			return spec.Errorf(spec.CodeMalformed, "a redemption of %d coins, want 1..%d", len(r.Coins), MaxInputs)
		}
		for _, op := range r.Coins {
			k := pointKey(op)
			if wl.coins[k] == nil || taken[k] {
				return spec.Errorf(spec.CodeMalformed, "cannot redeem coin %s: not held, or named twice", op)
			}
			taken[k] = true
		}
	}
	puts := map[string][]byte{}
	var deletes []string
	st := wl.st
	for _, r := range rs {
		var chunk []walletCoin
		var sum int64
		for _, op := range r.Coins {
			c := *wl.coins[pointKey(op)]
			chunk = append(chunk, c)
			sum += c.Value
		}
		qr, change, err := wl.build(r.Payee, sum, r.Nonce, chunk)
		if err != nil {
			return err
		}
		if len(change) > 0 {
			return spec.Errorf(spec.CodeInternal, "a redemption of whole coins made change")
		}
		for _, c := range chunk {
			deletes = append(deletes, pointKey(c.op()))
		}
		st.Counter++
		puts[outKey(st.Counter)] = mustJSON(outEntry{Payment: qr, Inputs: chunk})
	}
	puts[keyState] = mustJSON(st)
	wl.dev.Commit(puts, deletes)
	wl.applyCommit(puts, deletes)
	return nil
}

func (wl *wallet) Restart() error {
	wl.recover()
	return nil
}
