package cert

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Device is a wallet's trusted hardware (the SIM of a phone) as the other
// phone and the agent bank's online service see it: the seam between the
// scheme's bank side (Instance) and a wallet. The model's own SIM
// implements it, and so does an external wallet reached through a
// models.Link (remote.go), which is how a vendor's wallet plays a wallet
// in the interactive suites.
//
// Contract: an operation that fails returns a *spec.Error and changes
// nothing on the wallet; an offline handler (Payer, Payee) may return
// reply messages together with the error that refused the message. Every
// operation that writes does so in one atomic write. Phones have clocks:
// the operations that judge certificates do so at the device's own time
// (an external wallet is told the time of its simulated clock).
type Device interface {
	// StartPayee, Payer, Payee and Restart (kit.Offline): StartPayee
	// returns HELLO-PAYEE; Payer handles a message the payer role receives
	// (HELLO-PAYEE, PROCEED, DEDUCT), Payee one the payee role receives
	// (HELLO-PAYER, TX, DEDUCTED); Restart power-cycles the phone: open
	// sessions are lost.
	kit.Offline
	// EndSession abandons every session the wallet has open, as payee and
	// as payer: the payment is over. What the sessions committed stays.
	EndSession() error
	// State reads the wallet out: what reconciliation uploads and what the
	// suites observe. The maps and slices are the caller's to read, not to
	// change.
	State() (*WalletState, error)
	// Unspendable lists, sorted, the coins (by the wallet's coin key) the
	// wallet would not hand on offline: a full lineage, or an earlier
	// holder whose certificate it lacks or no longer accepts (a payee would
	// refuse them). Reconciliation exchanges them.
	Unspendable() ([]string, error)
	// CheckAgent refuses an agent bank whose certificate (DER) the wallet
	// does not accept now (validity at its clock, its revocation list):
	// the wallet would refuse coins the agent hands over.
	CheckAgent(cert []byte) error
	// Issue takes delivery of a withdrawal: it opens the ISSUE envelope
	// (the agent HSM's coin strings and the agent's records), verifies
	// every coin and stores them, or refuses the whole envelope.
	Issue(payload []byte) error
	// Settle is reconciliation's first write: it stores mail (value a lost
	// message kept from this wallet, and marks the spends they replace as
	// accepted), learns the certificates of their lineages' earlier
	// holders it lacks (certs, DER), and drops the named log entries and
	// every offline record it registered as payee.
	Settle(mail []*transfer.Holding, certs [][]byte, settled []string) error
	// SignDeposit and FinishDeposit.
	device.Depositor
	// Reset starts a new offline period: usage counters to zero, the time
	// of this online sync, the current revocation list (DER) and, if issue
	// is not empty, the coins of an ISSUE envelope (an exchange), which it
	// verifies as Issue does; refusing it refuses the whole reset.
	Reset(syncUnix int64, crl []byte, issue []byte) error
}

// WalletState is a wallet read out (kit.State), with Received: the
// coins credited offline since the last sync (the patent's offline digital
// currency count).
type WalletState struct {
	kit.State[LogEntry]
	Received int
}

// LogEntry is one payment a payer committed: in the recovering variant
// written ahead of the TX, acknowledged when DEDUCT arrives; in the literal
// variant written at the deduction, acknowledged.
type LogEntry struct {
	kit.LogEntry
	Amount int64 // what the payment stated
}

// DepositEntry is a deposit the wallet signed and committed.
type DepositEntry = kit.DepositEntry

// The reference SIM as a Device.

var _ Device = (*SIM)(nil)

func (se *SIM) Payer(m world.Message) ([]world.Message, error) { return se.payerEndpoint(m) }
func (se *SIM) Payee(m world.Message) ([]world.Message, error) { return se.payeeEndpoint(m) }

func (se *SIM) EndSession() error {
	se.sweepAtClose() // nothing in the reference
	se.payee, se.payers = nil, map[string]*payerSession{}
	return nil
}

func (se *SIM) State() (*WalletState, error) {
	s := &WalletState{State: kit.State[LogEntry]{ID: se.Name, Spent: se.st.Spent, Payments: se.st.Payments, Coins: se.Held}, Received: se.st.Received}
	s.KeptBy(&se.Core)
	if se.log == nil {
		se.log = make([]LogEntry, 0, len(se.out))
		for _, k := range slices.Sorted(maps.Keys(se.out)) {
			e := se.out[k]
			se.log = append(se.log, LogEntry{LogEntry: kit.LogEntry{Key: k, Payee: e.Payee, Holdings: e.Holdings, Records: e.Records, Acked: e.Acked}, Amount: e.Amount})
		}
	}
	if len(se.log) > 0 {
		s.Log = se.log[:len(se.log):len(se.log)]
	}
	var err error
	s.Deposits, err = se.PendingDeposits(slices.Sorted(maps.Keys(se.deps)))
	return s, err
}

func (se *SIM) Unspendable() ([]string, error) {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(se.Held)) {
		if !se.spendable(se.Held[k]) {
			out = append(out, k)
		}
	}
	return out, nil
}

func (se *SIM) CheckAgent(raw []byte) error {
	c, err := devcert.Parse(se.S, raw)
	if err != nil {
		return err
	}
	if c.Role != devcert.RoleAgent {
		return spec.Errorf(spec.CodeUntrustedIssuer, "agent certificate has role %q", c.Role)
	}
	return se.checkCert(c)
}

func (se *SIM) Issue(payload []byte) error {
	coins, puts, err := se.openIssue(payload)
	if err != nil {
		return err
	}
	se.commit(puts, nil, coins, nil, nil)
	return nil
}

func (se *SIM) Settle(mail []*transfer.Holding, certs [][]byte, settled []string) error {
	puts := map[string][]byte{}
	for _, h := range mail {
		n := len(h.Chain)
		if n == 0 {
			return spec.Errorf(spec.CodeMalformed, "mail of a coin with no lineage")
		}
		puts[kit.PrefCoin+kit.CoinKey(h)] = h.Marshal()
		// The wallet will refuse the payment the mail replaces.
		if !se.mutated("mail-credit-forgets-seen") {
			puts[prefSeen+serialHex(h.Chain[n-1].Parent)] = []byte{1}
		}
	}
	for _, raw := range certs {
		c, err := devcert.Parse(se.S, raw)
		if err != nil {
			return err
		}
		if c.ID == se.Name || se.Agents[c.ID] != nil || se.Certs[c.ID] != nil {
			continue
		}
		puts[kit.PrefCert+c.ID] = raw
	}
	deletes := make([]string, 0, len(settled))
	for _, k := range settled {
		if se.out[k] == nil {
			return spec.Errorf(spec.CodeMalformed, "no log entry %q", k)
		}
		deletes = append(deletes, k)
	}
	deletes = append(deletes, se.Dev.Keys(prefRecv)...)
	if se.mutated("settle-forgets-seen") {
		deletes = append(deletes, se.Dev.Keys(prefSeen)...)
	}
	if st := se.resetAtSettle(); st != nil {
		puts[keyState] = kit.MustJSON(*st)
	}
	se.Dev.Commit(puts, deletes)
	se.Recover()
	return nil
}

func (se *SIM) SignDeposit(agent string, keys []string) error {
	st := se.st
	return se.DepositWith(agent, keys, &st.Counter, nil, func(puts map[string][]byte, deletes []string) {
		puts[keyState] = kit.MustJSON(st)
		se.commit(puts, deletes, nil, &st, nil)
	})
}

func (se *SIM) FinishDeposit(key string, accepted bool) error {
	return se.FinishPending(key, accepted, func(puts map[string][]byte, coins map[string]*transfer.Holding) {
		se.commit(puts, []string{key}, coins, nil, nil)
	})
}

func (se *SIM) Reset(syncUnix int64, crl []byte, issue []byte) error {
	puts := map[string][]byte{}
	if len(issue) > 0 {
		_, fputs, err := se.openIssue(issue)
		if err != nil {
			return err
		}
		maps.Copy(puts, fputs)
	}
	list, err := se.CheckCRL(crl)
	if err != nil {
		return err
	}
	st := se.st
	st.Spent, st.Payments, st.Received, st.SyncUnix = 0, 0, 0, syncUnix
	if se.mutated("limits-not-reset") {
		st.Spent, st.Payments = se.st.Spent, se.st.Payments
	}
	puts[keyState] = kit.MustJSON(st)
	puts[kit.KeyCRL] = crl
	if list != nil {
		se.CRL = list // checked: recover keeps a list whose bytes it has
	}
	se.Dev.Commit(puts, nil)
	se.Recover()
	return nil
}

func (se *SIM) Restart() error {
	se.forgetSeen()
	se.forgetAnswered()
	se.Recover()
	return nil
}
