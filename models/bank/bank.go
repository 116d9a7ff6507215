// Package bank models the online side every scheme shares: the central
// bank (root certificate authority, coin-signing key, trace key for
// identity escrow, registry of offline records, liability ledger) and the
// agent banks (customer accounts, two-tier issuance, deposit and withdrawal
// at par, forwarding of offline records).
//
// Two-tier issuance: an agent buys coins from the central bank with its
// reserve (the central bank's liability grows by their value); a customer
// withdraws from her account and receives coins the agent hands over with
// a signed transfer record (the first hop of every coin's lineage);
// deposits run the other way and redeem the coins.
//
// Reconciliation (registry.go) is a function of the set of uploaded
// records, never of their order: every double spend is flagged with its
// culprit and evidence anyone can check (VerifyEvidence), and every
// holding that a valid lineage proves is honoured. The honest holders of
// both branches of a double spend keep their value; the excess is charged
// to the culprit.
package bank

import (
	"fmt"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// CentralBankID is the party id (and root certificate CN) of the central bank.
const CentralBankID = "PBOC"

// Validity of device certificates the central bank issues.
const CertValidity = 2 * 365 * 24 * time.Hour

// Limits are the offline risk limits a wallet enforces between two
// reconciliations. The defaults follow the e-CNY hard wallet: ¥500 and ten
// payments before the holder must go online.
type Limits struct {
	PerPayment int64 // fen
	Cumulative int64 // fen spent offline since the last reconciliation
	Count      int   // payments since the last reconciliation
}

// DefaultLimits are ¥500 per payment, ¥500 in all and 10 payments.
var DefaultLimits = Limits{PerPayment: 50000, Cumulative: 50000, Count: 10}

// Check refuses a payment of amount after spent fen in count payments.
func (l Limits) Check(spent int64, count int, amount int64) error {
	switch {
	case amount > l.PerPayment:
		return spec.Errorf(spec.CodeLimitExceeded, "payment of %d fen over the per-payment limit of %d", amount, l.PerPayment)
	case spent+amount > l.Cumulative:
		return spec.Errorf(spec.CodeLimitExceeded, "%d fen spent offline, %d more exceeds the limit of %d", spent, amount, l.Cumulative)
	case count+1 > l.Count:
		return spec.Errorf(spec.CodeLimitExceeded, "%d offline payments made, the limit is %d", count, l.Count)
	}
	return nil
}

// CentralBank is the issuer.
type CentralBank struct {
	w         *world.World
	Suite     suite.Suite
	authority *devcert.Authority
	coinKey   suite.PrivateKey
	traceKey  suite.PrivateKey
	crl       *devcert.RevocationList
	crlNumber uint64
	revoked   []uint64
	nextCert  uint64
	certs     map[string]*devcert.Certificate
	agents    map[string]*Agent
	agentIDs  []string
	issued    map[coin.Serial]*coin.Signed
	registry  *Registry

	IssuedTotal   int64 // Σ value of coins issued to agents
	RedeemedTotal int64 // Σ value of coins redeemed
}

// NewCentralBank sets up the central bank: root authority, coin key and
// trace key, all drawn from the world's seeded streams.
func NewCentralBank(w *world.World, s suite.Suite) (*CentralBank, error) {
	r := w.Rand("central-bank/keys")
	rootKey, err := s.GenerateKey(r)
	if err != nil {
		return nil, err
	}
	cb := &CentralBank{w: w, Suite: s, nextCert: 2, certs: map[string]*devcert.Certificate{}, agents: map[string]*Agent{}, issued: map[coin.Serial]*coin.Signed{}}
	if cb.authority, err = devcert.NewRoot(s, rootKey, CentralBankID, 1, w.Now(), w.Now().Add(10*365*24*time.Hour)); err != nil {
		return nil, err
	}
	if cb.coinKey, err = s.GenerateKey(r); err != nil {
		return nil, err
	}
	if cb.traceKey, err = s.GenerateKey(r); err != nil {
		return nil, err
	}
	cb.registry = newRegistry(cb)
	if err := cb.publishCRL(); err != nil {
		return nil, err
	}
	return cb, nil
}

// Root returns the root certificate.
func (cb *CentralBank) Root() *devcert.Certificate { return cb.authority.Cert }

// CoinKey returns the public key coins are signed with.
func (cb *CentralBank) CoinKey() suite.PublicKey { return cb.coinKey.Public() }

// TraceKey returns the public key payer identities are escrowed to.
func (cb *CentralBank) TraceKey() suite.PublicKey { return cb.traceKey.Public() }

// CRL returns the current revocation list.
func (cb *CentralBank) CRL() *devcert.RevocationList { return cb.crl }

// Registry returns the central bank's record registry.
func (cb *CentralBank) Registry() *Registry { return cb.registry }

// Certify issues a device certificate for a key. Ids are unique.
func (cb *CentralBank) Certify(id string, role devcert.Role, pub suite.PublicKey) (*devcert.Certificate, error) {
	if _, dup := cb.certs[id]; dup {
		return nil, spec.Errorf(spec.CodeMalformed, "device id %q already certified", id)
	}
	c, err := cb.authority.Issue(devcert.Template{Serial: cb.nextCert, ID: id, Role: role, PublicKey: pub, NotBefore: cb.w.Now(), NotAfter: cb.w.Now().Add(CertValidity)})
	if err != nil {
		return nil, err
	}
	cb.nextCert++
	cb.certs[id] = c
	cb.w.Trace().Note(CentralBankID, "certified %s %q (serial %d)", role, id, c.Serial)
	return c, nil
}

// Cert returns a device certificate by id, checked against the root and
// the revocation list at the current time.
func (cb *CentralBank) Cert(id string) (*devcert.Certificate, error) {
	c, ok := cb.certs[id]
	if !ok {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for device %q", id)
	}
	if err := c.Verify(cb.Root(), cb.w.Now(), cb.crl); err != nil {
		return nil, err
	}
	return c, nil
}

// Revoke adds a device to the revocation list and publishes a new list.
func (cb *CentralBank) Revoke(id string) error {
	c, ok := cb.certs[id]
	if !ok {
		return spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for device %q", id)
	}
	cb.revoked = append(cb.revoked, c.Serial)
	cb.w.Trace().Note(CentralBankID, "revoked %q (serial %d)", id, c.Serial)
	return cb.publishCRL()
}

func (cb *CentralBank) publishCRL() error {
	cb.crlNumber++
	crl, err := cb.authority.Revoke(cb.crlNumber, cb.w.Now(), cb.w.Now().Add(30*24*time.Hour), cb.revoked...)
	if err != nil {
		return err
	}
	cb.crl = crl
	return nil
}

// AddAgent registers an agent bank with an opening reserve (fen) and
// certifies its issuance key.
func (cb *CentralBank) AddAgent(id string, reserve int64) (*Agent, error) {
	k, err := cb.Suite.GenerateKey(cb.w.Rand("agent/" + id))
	if err != nil {
		return nil, err
	}
	cert, err := cb.Certify(id, devcert.RoleAgent, k.Public())
	if err != nil {
		return nil, err
	}
	a := &Agent{cb: cb, ID: id, key: k, Cert: cert, Reserve: reserve, accounts: map[string]int64{}}
	cb.agents[id] = a
	cb.agentIDs = append(cb.agentIDs, id)
	return a, nil
}

// Agent returns an agent bank by id.
func (cb *CentralBank) Agent(id string) (*Agent, bool) {
	a, ok := cb.agents[id]
	return a, ok
}

// Agents returns the agent banks in registration order.
func (cb *CentralBank) Agents() []*Agent {
	out := make([]*Agent, len(cb.agentIDs))
	for i, id := range cb.agentIDs {
		out[i] = cb.agents[id]
	}
	return out
}

// issue signs fresh coins of the given denominations for agent a against
// its reserve.
func (cb *CentralBank) issue(a *Agent, denoms []int64) ([]*coin.Signed, error) {
	var total int64
	for _, d := range denoms {
		total += d
	}
	if total > a.Reserve {
		return nil, spec.Errorf(spec.CodeInsufficient, "agent %s reserve %d fen, issuance of %d", a.ID, a.Reserve, total)
	}
	r := cb.w.Rand("central-bank/serials")
	var out []*coin.Signed
	for _, d := range denoms {
		var s coin.Serial
		for s.IsZero() {
			copy(s[:], r.Bytes(coin.SerialSize))
		}
		if _, dup := cb.issued[s]; dup {
			return nil, spec.Errorf(spec.CodeInternal, "serial collision %s", s)
		}
		c, err := coin.Sign(cb.coinKey, coin.New(s, d, coin.Serial{}, a.ID))
		if err != nil {
			return nil, err
		}
		cb.issued[s] = c
		out = append(out, c)
	}
	a.Reserve -= total
	cb.IssuedTotal += total
	cb.w.Trace().State(CentralBankID, "issued %d fen to %s (liability %d)", total, a.ID, cb.Liability())
	return out, nil
}

// Issued returns the issued coin with serial s.
func (cb *CentralBank) Issued(s coin.Serial) (*coin.Signed, bool) {
	c, ok := cb.issued[s]
	return c, ok
}

// Liability is the value of coins in circulation: issued minus redeemed.
func (cb *CentralBank) Liability() int64 { return cb.IssuedTotal - cb.RedeemedTotal }

// Agent is a commercial bank: customer accounts, and the device that
// hands coins to wallets and takes them back.
type Agent struct {
	cb       *CentralBank
	ID       string
	key      suite.PrivateKey
	Cert     *devcert.Certificate
	Reserve  int64 // fen held at the central bank
	accounts map[string]int64
	counter  uint64
}

// Open creates (or tops up) a customer account keyed by the wallet's
// device id.
func (a *Agent) Open(holder string, balance int64) {
	a.accounts[holder] += balance
	a.cb.w.Trace().State(world.PartyID(a.ID), "account %s = %d", holder, a.accounts[holder])
}

// Balance returns a customer's account balance.
func (a *Agent) Balance(holder string) int64 { return a.accounts[holder] }

// Accounts returns every account holder in sorted order.
func (a *Agent) Accounts() []string {
	var ids []string
	for id := range a.accounts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Withdraw debits holder's account by amount and returns coins worth
// exactly amount, each handed to holder by a record the agent signs.
func (a *Agent) Withdraw(holder string, amount int64) ([]*transfer.Holding, error) {
	if amount <= 0 {
		return nil, spec.Errorf(spec.CodeValueMismatch, "withdrawal of %d fen", amount)
	}
	if a.accounts[holder] < amount {
		return nil, spec.Errorf(spec.CodeInsufficient, "account %s holds %d fen, withdrawal of %d", holder, a.accounts[holder], amount)
	}
	denoms, err := coin.MakeChange(amount)
	if err != nil {
		return nil, err
	}
	coins, err := a.cb.issue(a, denoms)
	if err != nil {
		return nil, err
	}
	var out []*transfer.Holding
	for _, c := range coins {
		a.counter++
		outs := []transfer.Output{{Serial: transfer.ChildSerial(c.Serial, 0), Value: c.Denomination, Holder: holder}}
		rec, err := transfer.Sign(a.key, transfer.Record{
			Version: transfer.Version1, Parent: c.Serial, ParentValue: c.Denomination,
			Outputs: outs, Payer: a.ID, Payee: holder, Counter: a.counter,
		})
		if err != nil {
			return nil, err
		}
		root := &transfer.Holding{Root: c, Serial: c.Serial}
		h := root.Extend(rec, outs[0].Serial)
		if err := a.cb.registry.Add(root, rec); err != nil {
			return nil, fmt.Errorf("bank: registering a withdrawal: %w", err)
		}
		out = append(out, h)
	}
	// The agent bought the coins with its reserve; the customer paid for
	// them from her account.
	a.accounts[holder] -= amount
	a.cb.w.Trace().State(world.PartyID(a.ID), "withdrawal %d fen by %s (account %d)", amount, holder, a.accounts[holder])
	return out, nil
}

// Deposit verifies holdings presented by holder, redeems them at the
// central bank and credits holder's account at par. It refuses the whole
// deposit, changing nothing, if any holding does not verify, is not held
// by holder, or was already redeemed.
func (a *Agent) Deposit(holder string, hs []*transfer.Holding) (int64, error) {
	var total int64
	seen := map[Instance]bool{}
	for _, h := range hs {
		o, err := a.cb.registry.VerifyHolding(h)
		if err != nil {
			return 0, err
		}
		if o.Holder != holder {
			return 0, spec.Errorf(spec.CodeWrongRecipient, "coin %s is held by %q, not the depositor %q", h.Serial, o.Holder, holder)
		}
		inst := InstanceOf(h)
		if seen[inst] || a.cb.registry.Redeemed(inst) {
			return 0, spec.Errorf(spec.CodeDoubleSpend, "coin %s already redeemed", h.Serial)
		}
		seen[inst] = true
		total += o.Value
	}
	for _, h := range hs {
		if err := a.cb.registry.redeem(h); err != nil {
			return 0, err
		}
	}
	a.cb.RedeemedTotal += total
	a.Reserve += total // the central bank pays the agent for redeemed coins
	a.accounts[holder] += total
	a.cb.w.Trace().State(world.PartyID(a.ID), "deposit %d fen by %s (account %d, liability %d)", total, holder, a.accounts[holder], a.cb.Liability())
	return total, nil
}
