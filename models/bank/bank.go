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
//
// Power cuts (online.go, client.go): the banks are transactional stores.
// Each operation a wallet calls (a withdrawal, a deposit, the uploads of a
// reconciliation) commits whole or not at all, so a bank's power cut
// falls before the commit (nothing happened) or after it (the reply is
// lost), and the banks recover from what they committed; the model keeps
// that state in memory and changes it only in complete operations, which
// is the same thing. The requests a client retries are idempotent: a
// withdrawal is named by a request id the wallet journals before asking
// (Client, Agent.WithdrawRequest), and a deposit already credited
// credits nothing when presented again.
package bank

import (
	"cmp"
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
	holders   map[string]string // pseudonym → registered holder (holders.go)
	agents    map[string]*Agent
	agentIDs  []string
	issued    map[coin.Serial]*coin.Signed
	registry  *Registry

	IssuedTotal   int64 // Σ value of coins issued to agents
	RedeemedTotal int64 // Σ value of coins redeemed

	mutation string // a mutant's bank fault (mutant.go); "" is the reference

	// Power cuts (online.go): operations so far, and the armed cut.
	ops, cutAt         int
	cutArmed, cutAfter bool
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

// Certificate returns the certificate issued to id, whatever its current
// standing (expired or revoked ones included): what a device needs to
// check an old lineage. Use Cert to ask whether the device is in good
// standing now.
func (cb *CentralBank) Certificate(id string) (*devcert.Certificate, bool) {
	c, ok := cb.certs[id]
	return c, ok
}

// Revoke adds a device to the revocation list and publishes a new list.
// id is a certificate id or a holder registered by CertifyPseudonym.
func (cb *CentralBank) Revoke(id string) error {
	ids := cb.certsOf(id)
	for _, id := range ids {
		if _, ok := cb.certs[id]; !ok {
			return spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for device %q", id)
		}
	}
	for _, id := range ids {
		c := cb.certs[id]
		cb.revoked = append(cb.revoked, c.Serial)
		cb.w.Trace().Note(CentralBankID, "revoked %q (serial %d)", id, c.Serial)
	}
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

// unissue reverses issue for coins that never left the bank.
func (cb *CentralBank) unissue(a *Agent, coins []*coin.Signed) {
	for _, c := range coins {
		delete(cb.issued, c.Serial)
		a.Reserve += c.Denomination
		cb.IssuedTotal -= c.Denomination
	}
	cb.w.Trace().Note(CentralBankID, "issuance of %d coins to %s undone", len(coins), a.ID)
}

// Issued returns the issued coin with serial s.
func (cb *CentralBank) Issued(s coin.Serial) (*coin.Signed, bool) {
	c, ok := cb.issued[s]
	return c, ok
}

// AccountsTotal is the sum of every customer account at every agent.
func (cb *CentralBank) AccountsTotal() int64 {
	var t int64
	for _, a := range cb.Agents() {
		for _, h := range a.Accounts() {
			t += a.Balance(h)
		}
	}
	return t
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
	requests map[string]served // withdrawal requests committed, by holder and request id
	cards    map[string]string // card id → the account it draws on, where they differ (holders.go)

	// Handover, if set, is the agent's own delivery of the coins of a
	// withdrawal (chain: the mint at the agent's node), run in the
	// withdrawal's transaction after it commits: a power cut after the
	// commit finds it done. An error is reported to the client; the
	// withdrawal stays committed, and the client's retry delivers again.
	Handover func(holder string, hs []*transfer.Holding) error

	// Sealed makes the agent the central bank's own issuance desk (chip,
	// SOURCES.md D2), which no agent bank sees into: the hand-overs it
	// signs and the deposit records it takes are registered sealed
	// (Registry.AddSealed), out of Registry.Entries.
	Sealed bool
	// HolderFor, if set, names the holder of the i-th coin of a
	// withdrawal by holder (chip's desk: a fresh pseudonym per coin); the
	// account debited stays holder's.
	HolderFor func(holder string, i int) string
	// PerHolderCounters numbers each hand-over by the hand-overs to its
	// holder before it (1 for a fresh holder) instead of the agent's own
	// sequence, which would tell in which order, and so when, a holder
	// was handed its coin (chip's desk: SOURCES.md D2, lesson a).
	PerHolderCounters bool
	handed            map[string]uint64 // hand-overs by holder (PerHolderCounters)
}

// Open creates (or tops up) a customer account keyed by the wallet's
// device id.
func (a *Agent) Open(holder string, balance int64) {
	a.accounts[holder] += balance
	a.cb.w.Trace().State(world.PartyID(a.ID), "account %s = %d", holder, a.accounts[holder])
}

// Balance returns a customer's account balance.
func (a *Agent) Balance(holder string) int64 { return a.accounts[a.AccountOf(holder)] }

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
// exactly amount, each handed to holder by a record the agent signs. A
// refusal changes nothing: the holder id is checked before any coin is
// issued, and an issuance that cannot be completed is undone. A retry
// cannot be told from a second withdrawal: clients that retry use
// WithdrawRequest.
func (a *Agent) Withdraw(holder string, amount int64) ([]*transfer.Holding, error) {
	var out []*transfer.Holding
	err := a.cb.transact(a.ID, "withdrawal", func() (err error) {
		if out, err = a.withdraw(holder, amount); err != nil {
			return err
		}
		if err := a.handover(holder, out); err != nil {
			return spec.Errorf(ErrCut, "%s committed the withdrawal but its delivery failed (%v): %w", a.ID, err, errNoReply)
		}
		return nil
	})
	return out, err
}

func (a *Agent) withdraw(holder string, amount int64) ([]*transfer.Holding, error) {
	defer a.cb.registry.seal(a.Sealed)()
	if amount <= 0 {
		return nil, spec.Errorf(spec.CodeValueMismatch, "withdrawal of %d fen", amount)
	}
	if !spec.ValidID(holder, transfer.MaxIDLen) || holder == a.ID {
		return nil, spec.Errorf(spec.CodeWrongRecipient, "%q cannot hold coins of agent %q", holder, a.ID)
	}
	if a.Balance(holder) < amount {
		return nil, spec.Errorf(spec.CodeInsufficient, "account %s holds %d fen, withdrawal of %d", holder, a.Balance(holder), amount)
	}
	denoms, err := coin.MakeChange(amount)
	if err != nil {
		return nil, err
	}
	coins, err := a.cb.issue(a, denoms)
	if err != nil {
		return nil, err
	}
	type handover struct {
		root *transfer.Holding
		rec  *transfer.Signed
	}
	var hands []handover
	counter := a.counter
	for i, c := range coins {
		counter++
		to := holder
		if a.HolderFor != nil {
			to = a.HolderFor(holder, i)
		}
		outs := []transfer.Output{{Serial: transfer.ChildSerial(c.Serial, 0), Value: c.Denomination, Holder: to}}
		n := counter
		if a.PerHolderCounters {
			if a.handed == nil {
				a.handed = map[string]uint64{}
			}
			a.handed[to]++
			n = a.handed[to]
		}
		rec, err := transfer.Sign(a.key, transfer.Record{
			Version: transfer.Version1, Parent: c.Serial, ParentValue: c.Denomination,
			Outputs: outs, Payer: a.ID, Payee: to, Counter: n,
		})
		if err != nil {
			a.cb.unissue(a, coins)
			return nil, err
		}
		hands = append(hands, handover{&transfer.Holding{Root: c, Serial: c.Serial}, rec})
	}
	var out []*transfer.Holding
	for _, h := range hands {
		if err := a.cb.registry.Add(h.root, h.rec); err != nil {
			panic("bank: the agent's own hand-over record does not register: " + err.Error())
		}
		out = append(out, h.root.Extend(h.rec, h.rec.Outputs[0].Serial))
	}
	a.counter = counter
	// The agent bought the coins with its reserve; the customer paid for
	// them from her account.
	debit := amount
	if a.cb.mutated("withdraw-debits-less") {
		debit -= amount % 100
	}
	a.accounts[a.AccountOf(holder)] -= debit
	a.cb.w.Trace().State(world.PartyID(a.ID), "withdrawal %d fen by %s (account %d)", amount, holder, a.Balance(holder))
	return out, nil
}

// DepositItem is one coin a wallet returns to its bank: the holding, and
// the record in which the holder pays all of it to the agent. Signed
// deposits make a deposit one more spend in the lineage, so a coin both
// deposited and spent offline is an ordinary double spend, flagged with
// evidence anyone can check whichever of the two the bank saw first.
type DepositItem struct {
	Holding *transfer.Holding
	Record  *transfer.Signed
}

// DepositRecord signs the record returning h, worth value, from holder to
// the agent agentID. counter is the holder device's transaction counter.
func DepositRecord(key suite.PrivateKey, holder, agentID string, h *transfer.Holding, value int64, counter uint64) (*transfer.Signed, error) {
	outs, err := transfer.Split(h.Serial, value, value, holder, agentID)
	if err != nil {
		return nil, err
	}
	return transfer.Sign(key, transfer.Record{
		Version: transfer.Version1, Parent: h.Serial, ParentValue: value, Outputs: outs,
		Payer: holder, Payee: agentID, Counter: counter,
	})
}

// Deposit verifies coins presented by holder, redeems them at the central
// bank and credits holder's account at par. It refuses the whole deposit,
// changing no balance, if any coin does not verify, is not held by holder,
// is not paid wholly to this agent, was already redeemed, or was already
// spent offline. Presenting a deposit that was already credited (the same
// record) again credits nothing and is not an error, so a wallet that lost
// power mid-deposit can simply present it again. In the last case the deposit record is still registered,
// so the double spend it proves is flagged.
func (a *Agent) Deposit(holder string, items []DepositItem) (int64, error) {
	var total int64
	err := a.cb.transact(a.ID, "deposit", func() (err error) {
		total, err = a.deposit(holder, items)
		return err
	})
	return total, err
}

func (a *Agent) deposit(holder string, items []DepositItem) (int64, error) {
	defer a.cb.registry.seal(a.Sealed)()
	if err := culpritDeposit(a.cb.registry, holder, items); err != nil {
		return 0, err
	}
	var total, roots int64 // roots: Σ the issued coins the items descend from (mutants)
	var again int64        // deposit-retry-credits-again: Σ the items credited before
	seen := map[Instance]bool{}
	var conflicts []DepositItem
	var done []Instance
	var refusal error // the first item refused for a branch redeemed first
	for _, it := range items {
		h, rec := it.Holding, it.Record
		if h == nil || rec == nil {
			return 0, spec.Errorf(spec.CodeMalformed, "a deposit item without holding or record")
		}
		if rec.Payer != holder {
			return 0, spec.Errorf(spec.CodeWrongRecipient, "deposit record for %s is signed for %q, not the depositor %q", h.Serial, rec.Payer, holder)
		}
		// The registry's own check: lineage, holder, value, signature.
		o, err := a.cb.registry.check(h, rec)
		if a.cb.mutated("deposit-skips-lineage") {
			o, err = a.cb.registry.checkSignatureOnly(h, rec)
		}
		if err != nil {
			return 0, err
		}
		if rec.Payee != a.ID || rec.PaidTo(a.ID) != o.Value {
			return 0, spec.Errorf(spec.CodeValueMismatch, "deposit record for %s does not pay its whole value to %s", h.Serial, a.ID)
		}
		inst := InstanceOf(h)
		if !seen[inst] && a.cb.registry.seizes(h, rec, holder) {
			// Value its payee refused with its signature (refusal.go).
			seen[inst] = true
			done = append(done, inst)
			continue
		}
		if !seen[inst] && a.cb.registry.Redeemed(inst) && a.cb.registry.Known(rec) {
			// This very deposit was credited already (the wallet lost
			// power before it could clear its pending entry): presenting
			// it again is a no-op, not a double spend.
			seen[inst] = true
			done = append(done, inst)
			if a.cb.mutated("deposit-retry-credits-again") {
				again += o.Value
			}
			continue
		}
		if seen[inst] {
			return 0, spec.Errorf(spec.CodeDoubleSpend, "coin %s twice in one deposit", h.Serial)
		}
		seen[inst] = true
		if conflicts, itself := a.cb.registry.settledElsewhere(h, rec); len(conflicts) > 0 && !a.cb.mutated("deposit-ignores-settled-branch") {
			// One settlement per coin (R2.6, R4.5): on the path this
			// deposit would settle, a coin was spent twice and the other
			// branch was redeemed first. Refused; the double spend is
			// flagged with both branches' records and names the culprit.
			// A payee whose coin descends from the losing branch keeps it;
			// a depositor of the coin itself made the second spend, and
			// its deposit record is registered as that.
			for _, c := range conflicts {
				a.cb.registry.insert(c.parent, c.rec)
			}
			// The deposit is refused, but every item is still examined,
			// so that each coin of it spent twice is flagged now (R2.3).
			a.cb.registry.registerLineage(h)
			if itself {
				a.cb.registry.insert(h, rec)
				refusal = cmp.Or(refusal, spec.Errorf(spec.CodeDoubleSpend, "coin %s was also spent offline, and that branch was redeemed first", h.Serial))
				continue
			}
			if !a.cb.mutated("deposit-honours-double-spend") {
				refusal = cmp.Or(refusal, spec.Errorf(spec.CodeDoubleSpend, "coin %s descends from a coin spent twice whose other branch was redeemed first", h.Serial))
				continue
			}
		}
		if (a.cb.registry.Spent(inst) || a.cb.registry.Redeemed(inst)) && !a.cb.registry.Known(rec) {
			// A second signed spend of one coin: refused, and registered
			// so the double spend is flagged with its evidence.
			conflicts = append(conflicts, it)
		}
		total += o.Value
		roots += h.Root.Denomination
	}
	if len(conflicts) > 0 || refusal != nil {
		for _, it := range conflicts {
			a.cb.registry.insert(it.Holding, it.Record)
		}
		if refusal != nil {
			return 0, refusal
		}
		return 0, spec.Errorf(spec.CodeDoubleSpend, "%d coin(s) of the deposit were already spent or redeemed by %s", len(conflicts), holder)
	}
	for _, it := range items {
		if slices.Contains(done, InstanceOf(it.Holding)) {
			continue
		}
		// The coin's lineage is registered with it: a record that reaches
		// the bank only inside a deposit is received all the same, and a
		// conflict with it is flagged at once (R2.3).
		a.cb.registry.admitLineage(it.Holding)
		a.cb.registry.insert(it.Holding, it.Record)
		a.cb.registry.redeem(it.Holding, it.Record)
		a.cb.registry.settle(it.Holding, it.Record)
	}
	redeemed := total
	if a.cb.mutated("redeem-at-root-value") {
		redeemed = roots
	}
	a.cb.RedeemedTotal += redeemed
	a.Reserve += redeemed // the central bank pays the agent for redeemed coins
	credit := total
	if a.cb.mutated("deposit-rounds-down") {
		credit -= total % 100
	}
	if a.cb.mutated("deposit-credits-root-value") {
		credit = roots
	}
	a.accounts[a.AccountOf(holder)] += credit + again
	a.cb.w.Trace().State(world.PartyID(a.ID), "deposit %d fen by %s (account %d, liability %d)", total, holder, a.Balance(holder), a.cb.Liability())
	return total, nil
}
