package chip

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Device is a chip card as the terminal and the agent bank's online
// service see it: the seam between the scheme's bank side (Instance) and
// a card. The model's own SE implements it, and so does an external card
// reached through a models.Link (remote.go), which is how a vendor's card
// plays a wallet in the interactive suites.
//
// Contract: an operation that fails returns a *spec.Error and changes
// nothing on the card; an offline handler (Payer, Payee) may return reply
// messages together with the error that refused the message.
type Device interface {
	// StartPayee, Payer, Payee and Restart (kit.Offline): StartPayee opens
	// a payee session and returns INITIATE; Payer handles a command a payer
	// card receives (INITIATE, CONFIRM, REFUSE), Payee a response the payee
	// receives (TRANSFER, DONE); Restart power-cycles the card: volatile
	// state is lost.
	kit.Offline
	// EndSession closes the payee session and reports whether the card
	// stored value in it.
	EndSession() (received bool, err error)
	// State reads the card out: what reconciliation uploads and what the
	// suites observe. The maps and slices are the caller's to read, not to
	// change.
	State() (*CardState, error)
	// Credit stores holdings (a withdrawal, or mail: value a lost message
	// kept from this card) and the certificates of their lineages' earlier
	// holders, and drops the named log entries (settled online), in one
	// write.
	Credit(holdings []*transfer.Holding, certs [][]byte, settled []string) error
	// SignDeposit and FinishDeposit, in one write each.
	device.Depositor
	// Pseudonym makes a per-coin pseudonym (desk.go): the card generates
	// a key pair, certify has the central bank certify its public key,
	// and the card stores key and certificate in one write, holding and
	// spending under that name the coins the desk hands to it.
	Pseudonym(certify func(suite.PublicKey) (*devcert.Certificate, error)) (*devcert.Certificate, error)
	// Reset starts a new offline period: usage counters to zero, the time
	// of this online sync and the current revocation list.
	Reset(syncUnix int64, crl []byte) error
}

// CardState is a card read out.
type CardState = kit.State[LogEntry]

// LogEntry is one payment a payer card committed (write-ahead): the
// holdings it spent and the records that spent them.
type LogEntry = kit.LogEntry

// DepositEntry is a deposit the wallet signed and committed.
type DepositEntry = kit.DepositEntry

// The reference SE as a Device.

var _ Device = (*SE)(nil)

func (se *SE) Payer(m world.Message) ([]world.Message, error) { return se.payerEndpoint(m) }
func (se *SE) Payee(m world.Message) ([]world.Message, error) { return se.payeeEndpoint(m) }

func (se *SE) EndSession() (bool, error) {
	r := se.received
	se.challenge, se.received = nil, false
	return r, nil
}

func (se *SE) State() (*CardState, error) {
	s := &CardState{ID: se.Name, Spent: se.st.Spent, Payments: se.st.Payments, Coins: se.Held}
	s.KeptBy(&se.Core)
	for _, k := range slices.Sorted(maps.Keys(se.out)) {
		e := se.out[k]
		s.Log = append(s.Log, LogEntry{Key: k, Payee: e.Payee, Holdings: e.Holdings, Records: e.Records, Acked: e.Acked, Refusal: e.Refusal})
	}
	var err error
	s.Deposits, err = se.PendingDeposits(se.Dev.Keys(kit.PrefDep))
	return s, err
}

func (se *SE) Credit(hs []*transfer.Holding, certs [][]byte, settled []string) error {
	puts := map[string][]byte{}
	for _, h := range hs {
		puts[kit.PrefCoin+kit.CoinKey(h)] = h.Marshal()
		if n := len(h.Chain); n > 0 && !se.mutated("mail-credit-forgets-seen") {
			// Mail: the card will refuse the message it replaces.
			puts[prefSeen+serialHex(h.Chain[n-1].Parent)] = []byte{1}
		}
	}
	for _, raw := range certs {
		c, err := devcert.Parse(se.S, raw)
		if err != nil {
			return err
		}
		if c.ID != se.Name {
			puts[kit.PrefCert+c.ID] = raw
		}
	}
	var deletes []string
	for _, k := range settled {
		if _, ok := se.out[k]; !ok {
			return spec.Errorf(spec.CodeMalformed, "no log entry %q", k)
		}
		deletes = append(deletes, k)
	}
	se.Dev.Commit(puts, deletes)
	if len(certs) == 0 && len(deletes) == 0 {
		se.recoverCoins(puts, nil) // a withdrawal: only coins changed
		return nil
	}
	se.Recover()
	return nil
}

func (se *SE) SignDeposit(agent string, keys []string) error {
	st := se.st
	return se.DepositWith(agent, keys, &st.Counter, se.depositForgets, func(puts map[string][]byte, deletes []string) {
		puts[keyState] = kit.MustJSON(st)
		se.Dev.Commit(puts, deletes)
		se.Recover()
	})
}

func (se *SE) FinishDeposit(key string, accepted bool) error {
	return se.FinishPending(key, accepted, func(puts map[string][]byte, _ map[string]*transfer.Holding) {
		if accepted {
			se.Dev.Delete(key)
			return
		}
		se.Dev.Commit(puts, []string{key})
		se.Recover()
	})
}

func (se *SE) Reset(syncUnix int64, crl []byte) error {
	list, err := se.CheckCRL(crl)
	if err != nil {
		return err
	}
	st := se.st
	st.Spent, st.Payments, st.SyncUnix = 0, 0, syncUnix
	se.thawReceived()
	if list != nil {
		se.CRL = list // checked: recover keeps a list whose bytes it has
	}
	se.Dev.Commit(map[string][]byte{keyState: kit.MustJSON(st), kit.KeyCRL: crl}, se.retired())
	se.Recover()
	return nil
}

// keptSigners names the pseudonyms that signed what the card still keeps
// besides its coins: the holdings of its log entries and of its pending
// deposits.
func (se *SE) keptSigners() map[string]bool {
	keep := map[string]bool{}
	holders := func(raws [][]byte) {
		for _, raw := range raws {
			if h, err := transfer.ParseHolding(raw); err == nil {
				keep[h.Claimed().Holder] = true
			}
		}
	}
	for _, e := range se.out {
		holders(e.Holdings)
	}
	for _, k := range se.Dev.Keys(kit.PrefDep) {
		var e kit.PendingStore
		if json.Unmarshal(se.Get(k), &e) == nil {
			holders(e.Holdings)
		}
	}
	return keep
}

// retired lists the store entries of the pseudonyms a sync retires: those
// that hold no coin and signed nothing the card still keeps (a log entry,
// a pending deposit), pseudonyms made for an exchange and handed no coin
// included.
//
// The coins held are asked by holder (kit.Core.HoldsAny, a count kept as
// they change), not read: a merchant holds every coin it is paid.
func (se *SE) retired() []string {
	keep := se.keptSigners()
	var out []string
	for _, p := range slices.Sorted(maps.Keys(se.pcerts)) {
		if !keep[p] && !se.HoldsAny(p) {
			out = append(out, prefPKey+p, prefPCert+p)
		}
	}
	return out
}

func (se *SE) Pseudonym(certify func(suite.PublicKey) (*devcert.Certificate, error)) (*devcert.Certificate, error) {
	pub, err := se.coinKeygen()
	if err != nil {
		return nil, err
	}
	cert, err := certify(pub)
	if err != nil {
		return nil, err
	}
	return cert, se.storeCoinCert(cert.Raw)
}

func (se *SE) Restart() error {
	se.forgetSeen()
	se.freezeReceived()
	se.Recover()
	return nil
}
