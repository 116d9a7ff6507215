package bank

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

const (
	agentID = "AGENT-1"
	walletA = "wallet-A"
	walletB = "wallet-B"
	walletC = "wallet-C"

	seed         = 7
	agentReserve = 1_000_000
	opening      = 100_000
)

// forEachSuite runs f as a subtest under every suite.
func forEachSuite(t *testing.T, f func(t *testing.T, s suite.Suite)) {
	t.Helper()
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) { f(t, s) })
	}
}

// fixture is a central bank with one agent and three certified wallets,
// each with an opening account balance at the agent.
type fixture struct {
	s              suite.Suite
	w              *world.World
	cb             *CentralBank
	agent          *Agent
	keys           map[string]suite.PrivateKey
	depositCounter uint64
	certs          map[string]*devcert.Certificate
}

func newFixture(t testing.TB, s suite.Suite) *fixture {
	t.Helper()
	w := world.New(seed)
	cb, err := NewCentralBank(w, s)
	if err != nil {
		t.Fatalf("NewCentralBank: %v", err)
	}
	agent, err := cb.AddAgent(agentID, agentReserve)
	if err != nil {
		t.Fatalf("AddAgent: %v", err)
	}
	f := &fixture{s: s, w: w, cb: cb, agent: agent, keys: map[string]suite.PrivateKey{}, certs: map[string]*devcert.Certificate{}}
	for _, id := range []string{walletA, walletB, walletC} {
		f.wallet(t, id)
		agent.Open(id, opening)
	}
	return f
}

// wallet draws a key from the world's randomness and certifies it.
func (f *fixture) wallet(t testing.TB, id string) {
	t.Helper()
	k, err := f.s.GenerateKey(f.w.Rand("wallet/" + id))
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.cb.Certify(id, devcert.RoleWallet, k.Public())
	if err != nil {
		t.Fatalf("Certify(%q): %v", id, err)
	}
	f.keys[id], f.certs[id] = k, c
}

// items signs, with the depositor's key, a record paying each holding
// wholly to the agent agentID. For a holding the depositor does not hold,
// the record is signed anyway: the deposit must refuse it.
func (f *fixture) items(t testing.TB, depositor, agentID string, hs []*transfer.Holding) []DepositItem {
	t.Helper()
	var out []DepositItem
	for _, h := range hs {
		f.depositCounter++
		rec, err := DepositRecord(f.keys[depositor], depositor, agentID, h, statedValue(h), 1_000_000+f.depositCounter)
		if err != nil {
			t.Fatalf("DepositRecord: %v", err)
		}
		out = append(out, DepositItem{Holding: h, Record: rec})
	}
	return out
}

// statedValue is a holding's value as its own chain states it, verified
// or not.
func statedValue(h *transfer.Holding) int64 {
	if n := len(h.Chain); n > 0 {
		for _, o := range h.Chain[n-1].Outputs {
			if o.Serial == h.Serial {
				return o.Value
			}
		}
	}
	return h.Root.Denomination
}

func (f *fixture) withdraw(t testing.TB, holder string, amount int64) []*transfer.Holding {
	t.Helper()
	hs, err := f.agent.Withdraw(holder, amount)
	if err != nil {
		t.Fatalf("Withdraw(%q, %d): %v", holder, amount, err)
	}
	return hs
}

// record signs, with payer's key, a payment of amount from h to payee
// (change back to payer).
func (f *fixture) record(t testing.TB, h *transfer.Holding, payer, payee string, amount int64, counter uint64) *transfer.Signed {
	t.Helper()
	o, err := f.cb.Registry().VerifyHolding(h)
	if err != nil {
		t.Fatalf("VerifyHolding: %v", err)
	}
	outs, err := transfer.Split(h.Serial, o.Value, amount, payer, payee)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := transfer.Sign(f.keys[payer], transfer.Record{
		Version: transfer.Version1, Parent: h.Serial, ParentValue: o.Value,
		Outputs: outs, Payer: payer, Payee: payee, Counter: counter,
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func (f *fixture) add(t testing.TB, h *transfer.Holding, rec *transfer.Signed) {
	t.Helper()
	if err := f.cb.Registry().Add(h, rec); err != nil {
		t.Fatalf("Add: %v", err)
	}
}

// forge returns a coin signed by key, never issued by the central bank.
func (f *fixture) forge(t testing.TB, key suite.PrivateKey, value int64) *coin.Signed {
	t.Helper()
	var s coin.Serial
	copy(s[:], f.w.Rand("forger/serial").Bytes(coin.SerialSize))
	c, err := coin.Sign(key, coin.New(s, value, coin.Serial{}, agentID))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// handOver makes a complete one-hop holding of root to holder, signed with
// the agent's real key.
func (f *fixture) handOver(t testing.TB, root *coin.Signed, holder string) *transfer.Holding {
	t.Helper()
	outs := []transfer.Output{{Serial: transfer.ChildSerial(root.Serial, 0), Value: root.Denomination, Holder: holder}}
	rec, err := transfer.Sign(f.agent.key, transfer.Record{
		Version: transfer.Version1, Parent: root.Serial, ParentValue: root.Denomination,
		Outputs: outs, Payer: agentID, Payee: holder, Counter: 1 << 40,
	})
	if err != nil {
		t.Fatal(err)
	}
	return (&transfer.Holding{Root: root, Serial: root.Serial}).Extend(rec, outs[0].Serial)
}

// outputs returns the holdings of rec's outputs to holder.
func outputs(h *transfer.Holding, rec *transfer.Signed, holder string) []*transfer.Holding {
	var out []*transfer.Holding
	for _, o := range rec.Outputs {
		if o.Holder == holder {
			out = append(out, h.Extend(rec, o.Serial))
		}
	}
	return out
}

func rootOf(h *transfer.Holding) *transfer.Holding {
	return &transfer.Holding{Root: h.Root, Serial: h.Root.Serial}
}

func valueOf(t testing.TB, f *fixture, h *transfer.Holding) int64 {
	t.Helper()
	o, err := f.cb.Registry().VerifyHolding(h)
	if err != nil {
		t.Fatalf("VerifyHolding: %v", err)
	}
	return o.Value
}

// flags is what the registry says about one coin instance.
type flags struct {
	Created, Spent, Redeemed bool
}

// books is everything the banks' state says, for before/after comparisons.
type books struct {
	Accounts  map[string]int64
	Reserves  map[string]int64
	Issued    int64
	Redeemed  int64
	Liability int64
	Entries   []string // record ids, hex, in the registry's order
	Doubles   int
	Watched   []flags
	CRL       uint64
}

func (f *fixture) books(watch ...*transfer.Holding) books {
	b := books{Accounts: map[string]int64{}, Reserves: map[string]int64{}, Issued: f.cb.IssuedTotal, Redeemed: f.cb.RedeemedTotal, Liability: f.cb.Liability(), CRL: f.cb.CRL().Number}
	for _, a := range f.cb.Agents() {
		b.Reserves[a.ID] = a.Reserve
		for _, h := range a.Accounts() {
			b.Accounts[a.ID+"/"+h] = a.Balance(h)
		}
	}
	for _, e := range f.cb.Registry().Entries() {
		id := e.Record.ID()
		b.Entries = append(b.Entries, fmt.Sprintf("%x", id[:8]))
	}
	b.Doubles = len(f.cb.Registry().DoubleSpends())
	for _, h := range watch {
		b.Watched = append(b.Watched, f.flags(h))
	}
	return b
}

func (f *fixture) flags(h *transfer.Holding) flags {
	r, i := f.cb.Registry(), InstanceOf(h)
	return flags{Created: r.Created(i), Spent: r.Spent(i), Redeemed: r.Redeemed(i)}
}

// moneyUnchanged fails the test if any balance moved or no double spend
// was added: what a refused second spend of a coin must do.
func moneyUnchanged(t testing.TB, what string, before, after books) {
	t.Helper()
	b, a := before, after
	b.Entries, a.Entries, b.Watched, a.Watched, b.Doubles, a.Doubles = nil, nil, nil, nil, 0, 0
	if diff := cmp.Diff(b, a); diff != "" {
		t.Errorf("%s moved money (-want +got):\n%s", what, diff)
	}
	// The coin may have been flagged by an earlier second spend already;
	// DoubleSpends lists each doubly spent coin once.
	if after.Doubles == 0 || after.Doubles < before.Doubles {
		t.Errorf("%s was not flagged: %d double spends before, %d after", what, before.Doubles, after.Doubles)
	}
}

// unchanged fails the test if the books moved.
func unchanged(t testing.TB, what string, before, after books) {
	t.Helper()
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("%s changed the books (-want +got):\n%s", what, diff)
	}
}

func wantCode(t testing.TB, what string, err error, want spec.Code) {
	t.Helper()
	if diff := cmp.Diff(want, spec.CodeOf(err)); diff != "" {
		t.Errorf("%s: error code (-want +got):\n%s\nerror: %v", what, diff, err)
	}
}

// wantTyped fails unless err is a refusal with a canonical code.
func wantTyped(t testing.TB, what string, err error) {
	t.Helper()
	if c := spec.CodeOf(err); c == "" || c == spec.CodeInternal || !c.Known() {
		t.Errorf("%s: got %v (code %q), want a typed refusal", what, err, c)
	}
}

func instances(hs []*transfer.Holding) []Instance {
	out := make([]Instance, len(hs))
	for i, h := range hs {
		out[i] = InstanceOf(h)
	}
	return out
}

func TestSetup(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		f := newFixture(t, s)
		cb := f.cb

		root := cb.Root()
		if root == nil {
			t.Fatal("Root() is nil")
		}
		if diff := cmp.Diff(struct {
			ID    string
			Role  devcert.Role
			IsCA  bool
			Suite suite.ID
		}{CentralBankID, devcert.RoleRoot, true, s.ID()}, struct {
			ID    string
			Role  devcert.Role
			IsCA  bool
			Suite suite.ID
		}{root.ID, root.Role, root.IsCA, root.Suite}); diff != "" {
			t.Errorf("root certificate (-want +got):\n%s", diff)
		}
		if cb.CoinKey() == nil || cb.TraceKey() == nil {
			t.Fatal("CoinKey or TraceKey is nil")
		}
		if cb.CoinKey().Suite() != s.ID() || cb.TraceKey().Suite() != s.ID() {
			t.Errorf("keys of suites %s, %s; want %s", cb.CoinKey().Suite(), cb.TraceKey().Suite(), s.ID())
		}
		if cb.CoinKey().Equal(cb.TraceKey()) || cb.CoinKey().Equal(root.PublicKey) {
			t.Error("the coin key is reused as the trace key or the root key")
		}
		crl := cb.CRL()
		if crl == nil {
			t.Fatal("CRL() is nil")
		}
		if diff := cmp.Diff([]any{uint64(1), 0, CentralBankID}, []any{crl.Number, crl.Len(), crl.IssuerID}); diff != "" {
			t.Errorf("first CRL (number, len, issuer) (-want +got):\n%s", diff)
		}
		if cb.Registry() == nil {
			t.Fatal("Registry() is nil")
		}

		// The same seed gives the same bank.
		again, err := NewCentralBank(world.New(seed), s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Root().Raw, root.Raw) || !again.CoinKey().Equal(cb.CoinKey()) {
			t.Error("two central banks from one seed differ")
		}

		// Agents.
		a, ok := cb.Agent(agentID)
		if !ok || a != f.agent {
			t.Fatalf("Agent(%q) = %v, %v", agentID, a, ok)
		}
		if _, ok := cb.Agent("nobody"); ok {
			t.Error("Agent of an unknown id found")
		}
		if diff := cmp.Diff(int64(agentReserve), a.Reserve); diff != "" {
			t.Errorf("opening reserve (-want +got):\n%s", diff)
		}
		ac, err := cb.Cert(agentID)
		if err != nil {
			t.Fatalf("Cert(agent): %v", err)
		}
		if ac.Role != devcert.RoleAgent || !bytes.Equal(ac.Raw, a.Cert.Raw) {
			t.Errorf("agent cert role %q, same as Agent.Cert %v", ac.Role, bytes.Equal(ac.Raw, a.Cert.Raw))
		}
		b2, err := cb.AddAgent("AGENT-2", 5)
		if err != nil {
			t.Fatal(err)
		}
		before := f.books()
		if _, err := cb.AddAgent(agentID, 99); err == nil {
			t.Error("AddAgent accepted a duplicate id")
		}
		unchanged(t, "a duplicate AddAgent", before, f.books())
		if diff := cmp.Diff([]*Agent{f.agent, b2}, cb.Agents(), cmp.Comparer(func(x, y *Agent) bool { return x == y })); diff != "" {
			t.Errorf("Agents() (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{walletA, walletB, walletC}, a.Accounts()); diff != "" {
			t.Errorf("Accounts() (-want +got):\n%s", diff)
		}

		// Certify.
		ca, err := cb.Cert(walletA)
		if err != nil {
			t.Fatalf("Cert(A): %v", err)
		}
		if ca.Role != devcert.RoleWallet || ca.ID != walletA || !ca.PublicKey.Equal(f.keys[walletA].Public()) {
			t.Errorf("wallet cert: role %q id %q, key matches %v", ca.Role, ca.ID, ca.PublicKey.Equal(f.keys[walletA].Public()))
		}
		if err := ca.Verify(root, f.w.Now(), crl); err != nil {
			t.Errorf("wallet cert does not verify under the root: %v", err)
		}
		other, _ := s.GenerateKey(f.w.Rand("other"))
		_, err = cb.Certify(walletA, devcert.RoleWallet, other.Public())
		wantCode(t, "Certify of a duplicate id", err, spec.CodeMalformed)
		if c, _ := cb.Cert(walletA); c == nil || !c.PublicKey.Equal(f.keys[walletA].Public()) {
			t.Error("a refused duplicate Certify replaced the certificate")
		}
		_, err = cb.Cert("nobody")
		wantCode(t, "Cert of an unknown id", err, spec.CodeUntrustedIssuer)

		// Revoke.
		wantCode(t, "Revoke of an unknown id", cb.Revoke("nobody"), spec.CodeUntrustedIssuer)
		if diff := cmp.Diff(uint64(1), cb.CRL().Number); diff != "" {
			t.Errorf("a refused Revoke published a list (-want +got):\n%s", diff)
		}
		if err := cb.Revoke(walletB); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		crl2 := cb.CRL()
		if crl2.Number <= crl.Number {
			t.Errorf("CRL number %d after revocation, was %d", crl2.Number, crl.Number)
		}
		bc := f.certs[walletB]
		if !crl2.Revoked(bc.Serial) || crl2.Len() != 1 || crl.Revoked(bc.Serial) {
			t.Errorf("new list revokes B: %v (len %d); old list revokes B: %v", crl2.Revoked(bc.Serial), crl2.Len(), crl.Revoked(bc.Serial))
		}
		if _, err := devcert.ParseRevocationList(crl2.Raw, root); err != nil {
			t.Errorf("published CRL does not verify under the root: %v", err)
		}
		_, err = cb.Cert(walletB)
		wantCode(t, "Cert of a revoked device", err, spec.CodeCertRevoked)
		if _, err := cb.Cert(walletA); err != nil {
			t.Errorf("Cert of an unrevoked device after a revocation: %v", err)
		}
		if err := cb.Revoke(walletC); err != nil {
			t.Fatal(err)
		}
		if cb.CRL().Number <= crl2.Number || cb.CRL().Len() != 2 {
			t.Errorf("second revocation: list %d with %d entries, previous %d", cb.CRL().Number, cb.CRL().Len(), crl2.Number)
		}

		// Expiry: certificates are checked at the world's clock.
		f.w.Advance(CertValidity + time.Hour)
		_, err = cb.Cert(walletA)
		wantCode(t, "Cert after the validity period", err, spec.CodeCertExpired)
	})
}

func TestWithdrawAtPar(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		f := newFixture(t, s)
		a := f.agent
		for _, amount := range []int64{1, 388, 25_070} {
			before := f.books()
			hs := f.withdraw(t, walletA, amount)
			var sum int64
			for i, h := range hs {
				o, err := f.cb.Registry().VerifyHolding(h)
				if err != nil {
					t.Fatalf("withdrawal of %d: holding %d does not verify: %v", amount, i, err)
				}
				if o.Holder != walletA {
					t.Errorf("withdrawal of %d: holding %d held by %q, want %q", amount, i, o.Holder, walletA)
				}
				if !coin.ValidDenomination(o.Value) {
					t.Errorf("withdrawal of %d: holding %d worth %d, not a table denomination", amount, i, o.Value)
				}
				sum += o.Value
				if len(h.Chain) != 1 || h.Chain[0].Payer != agentID || h.Chain[0].Payee != walletA {
					t.Errorf("withdrawal of %d: holding %d lineage is not one agent hop", amount, i)
				}
				if c, ok := f.cb.Issued(h.Root.Serial); !ok || !cmp.Equal(c, h.Root) {
					t.Errorf("withdrawal of %d: root %s not recorded as issued", amount, h.Root.Serial)
				}
				if diff := cmp.Diff(flags{Created: true}, f.flags(h)); diff != "" {
					t.Errorf("withdrawn holding flags (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(flags{Spent: true}, f.flags(rootOf(h))); diff != "" {
					t.Errorf("issued root flags (-want +got):\n%s", diff)
				}
			}
			if sum != amount {
				t.Errorf("withdrawal of %d returned %d fen", amount, sum)
			}
			after := f.books()
			want := before
			want.Accounts = copyMap(before.Accounts)
			want.Accounts[agentID+"/"+walletA] -= amount
			want.Reserves = copyMap(before.Reserves)
			want.Reserves[agentID] -= amount
			want.Issued += amount
			want.Liability += amount
			want.Entries = after.Entries // checked below
			if diff := cmp.Diff(want, after); diff != "" {
				t.Errorf("withdrawal of %d: books (-want +got):\n%s", amount, diff)
			}
			if after.Liability != after.Issued-after.Redeemed {
				t.Errorf("Liability %d, issued-redeemed %d", after.Liability, after.Issued-after.Redeemed)
			}
			if diff := cmp.Diff(len(before.Entries)+len(hs), len(after.Entries)); diff != "" {
				t.Errorf("registry entries after a withdrawal of %d coins (-want +got):\n%s", len(hs), diff)
			}
		}

		// Refusals change nothing.
		for _, tc := range []struct {
			name   string
			amount int64
			want   spec.Code
		}{
			{"more than the balance", a.Balance(walletA) + 1, spec.CodeInsufficient},
			{"zero", 0, spec.CodeValueMismatch},
			{"negative", -5, spec.CodeValueMismatch},
		} {
			before := f.books()
			hs, err := a.Withdraw(walletA, tc.amount)
			wantCode(t, "Withdraw "+tc.name, err, tc.want)
			if hs != nil {
				t.Errorf("Withdraw %s returned %d holdings", tc.name, len(hs))
			}
			unchanged(t, "Withdraw "+tc.name, before, f.books())
		}
		_, err := a.Withdraw("nobody", 1)
		wantCode(t, "Withdraw from no account", err, spec.CodeInsufficient)

		// The agent's reserve bounds issuance.
		poor, err := f.cb.AddAgent("AGENT-POOR", 1_000)
		if err != nil {
			t.Fatal(err)
		}
		poor.Open(walletB, 5_000)
		before := f.books()
		hs, err := poor.Withdraw(walletB, 1_001)
		wantCode(t, "Withdraw beyond the agent's reserve", err, spec.CodeInsufficient)
		if hs != nil {
			t.Errorf("refused withdrawal returned %d holdings", len(hs))
		}
		unchanged(t, "Withdraw beyond the agent's reserve", before, f.books())
		// Exactly the reserve is fine.
		if hs := f.withdrawFrom(t, poor, walletB, 1_000); len(hs) == 0 || poor.Reserve != 0 || poor.Balance(walletB) != 4_000 {
			t.Errorf("withdrawing the whole reserve: reserve %d, account %d", poor.Reserve, poor.Balance(walletB))
		}
	})
}

func (f *fixture) withdrawFrom(t testing.TB, a *Agent, holder string, amount int64) []*transfer.Holding {
	t.Helper()
	hs, err := a.Withdraw(holder, amount)
	if err != nil {
		t.Fatalf("Withdraw(%q, %d) at %s: %v", holder, amount, a.ID, err)
	}
	return hs
}

func copyMap(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// A withdrawal refused after the central bank already issued the coins
// (here: the holder id cannot be named in a transfer record) must leave
// the books as they were: no reserve spent, no liability for coins nobody
// holds.
func TestWithdrawRefusedLateChangesNothing(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		f := newFixture(t, s)
		for _, holder := range []string{"wallet with spaces", agentID} {
			f.agent.Open(holder, 1_000)
			before := f.books()
			hs, err := f.agent.Withdraw(holder, 100)
			wantTyped(t, fmt.Sprintf("Withdraw to %q", holder), err)
			if hs != nil {
				t.Errorf("refused withdrawal returned %d holdings", len(hs))
			}
			unchanged(t, fmt.Sprintf("a refused Withdraw to %q", holder), before, f.books())
		}
	})
}

func TestDepositAtPar(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		f := newFixture(t, s)
		a := f.agent
		start := f.books()
		hs := f.withdraw(t, walletA, 388)

		before := f.books(hs...)
		items := f.items(t, walletA, a.ID, hs)
		got, err := a.Deposit(walletA, items)
		if err != nil {
			t.Fatalf("Deposit: %v", err)
		}
		if got != 388 {
			t.Errorf("Deposit credited %d, want 388", got)
		}
		after := f.books(hs...)
		want := before
		want.Accounts = copyMap(before.Accounts)
		want.Accounts[agentID+"/"+walletA] += 388
		want.Reserves = copyMap(before.Reserves)
		want.Reserves[agentID] += 388
		want.Redeemed += 388
		want.Liability -= 388
		want.Watched = nil
		for range hs {
			// A signed deposit is one more spend of the coin's lineage.
			want.Watched = append(want.Watched, flags{Created: true, Spent: true, Redeemed: true})
		}
		want.Entries = append([]string(nil), before.Entries...)
		for _, it := range items {
			id := it.Record.ID()
			want.Entries = append(want.Entries, fmt.Sprintf("%x", id[:8]))
		}
		slices.Sort(want.Entries)
		if diff := cmp.Diff(want, after); diff != "" {
			t.Errorf("deposit books (-want +got):\n%s", diff)
		}
		// A round trip at par leaves account, reserve and liability where
		// they started.
		if start.Accounts[agentID+"/"+walletA] != after.Accounts[agentID+"/"+walletA] || start.Reserves[agentID] != after.Reserves[agentID] || after.Liability != 0 {
			t.Errorf("withdraw+deposit not at par: account %d→%d, reserve %d→%d, liability %d",
				start.Accounts[agentID+"/"+walletA], after.Accounts[agentID+"/"+walletA], start.Reserves[agentID], after.Reserves[agentID], after.Liability)
		}
		if f.cb.Liability() != f.cb.IssuedTotal-f.cb.RedeemedTotal {
			t.Errorf("Liability %d, issued-redeemed %d", f.cb.Liability(), f.cb.IssuedTotal-f.cb.RedeemedTotal)
		}
		if mail := f.cb.Registry().Mail(walletA, nil); len(mail) != 0 {
			t.Errorf("Mail offers %d redeemed holdings", len(mail))
		}

		// The same holdings again, whole or one of them.
		for _, batch := range [][]*transfer.Holding{hs, hs[1:2]} {
			before := f.books(hs...)
			v, err := a.Deposit(walletA, f.items(t, walletA, a.ID, batch))
			wantCode(t, "a second deposit", err, spec.CodeDoubleSpend)
			if v != 0 {
				t.Errorf("refused deposit returned %d", v)
			}
			// A second signed spend of a redeemed coin moves no money
			// but is registered, so it is flagged.
			moneyUnchanged(t, "a second deposit", before, f.books(hs...))
		}

		// One bad holding refuses the whole batch.
		good := f.withdraw(t, walletA, 300) // 200 + 100
		ofB := f.withdraw(t, walletB, 50)
		coinKeyForged := f.handOver(t, f.forge(t, f.cb.coinKey, 100), walletA)
		otherKey, err := s.GenerateKey(f.w.Rand("forger/key"))
		if err != nil {
			t.Fatal(err)
		}
		neverIssued := f.handOver(t, f.forge(t, otherKey, 100), walletA)
		resigned, err := coin.Sign(otherKey, good[0].Root.Coin)
		if err != nil {
			t.Fatal(err)
		}
		badRoot := &transfer.Holding{Root: resigned, Chain: good[0].Chain, Serial: good[0].Serial}
		watch := append(append(slices.Clone(good), ofB...), hs...)
		for _, tc := range []struct {
			name  string
			batch []*transfer.Holding
			want  spec.Code
			flags bool // the refusal registers a double spend
		}{
			{"held by someone else", []*transfer.Holding{ofB[0]}, spec.CodeWrongRecipient, false},
			{"good then held by someone else", append(slices.Clone(good), ofB[0]), spec.CodeWrongRecipient, false},
			{"good then already redeemed", append(slices.Clone(good), hs[0]), spec.CodeDoubleSpend, true},
			{"one holding twice", []*transfer.Holding{good[0], good[1], good[0]}, spec.CodeDoubleSpend, false},
			{"root signed by another key, never issued", []*transfer.Holding{neverIssued}, spec.CodeUntrustedIssuer, false},
			{"good then never issued", append(slices.Clone(good), neverIssued), spec.CodeUntrustedIssuer, false},
			{"root signed by the coin key, never issued", []*transfer.Holding{good[1], coinKeyForged}, spec.CodeUntrustedIssuer, false},
			{"issued serial re-signed by another key", []*transfer.Holding{good[1], badRoot}, spec.CodeBadSignature, false},
		} {
			before := f.books(watch...)
			v, err := a.Deposit(walletA, f.items(t, walletA, a.ID, tc.batch))
			wantCode(t, "deposit of "+tc.name, err, tc.want)
			if v != 0 {
				t.Errorf("deposit of %s returned %d", tc.name, v)
			}
			if tc.flags {
				moneyUnchanged(t, "a refused deposit of "+tc.name, before, f.books(watch...))
			} else {
				unchanged(t, "a refused deposit of "+tc.name, before, f.books(watch...))
			}
		}
		// The good coins of the refused batches are still good.
		if v, err := a.Deposit(walletA, f.items(t, walletA, a.ID, good)); err != nil || v != 300 {
			t.Errorf("deposit of the good coins after the refused batches: %d, %v", v, err)
		}
		// And B's coin is B's, at another agent too.
		other, err := f.cb.AddAgent("AGENT-2", 0)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := other.Deposit(walletB, f.items(t, walletB, other.ID, ofB)); err != nil || v != 50 || other.Reserve != 50 || other.Balance(walletB) != 50 {
			t.Errorf("deposit at another agent: %d, %v; reserve %d, account %d", v, err, other.Reserve, other.Balance(walletB))
		}
		if f.cb.Liability() != 0 || f.cb.IssuedTotal != f.cb.RedeemedTotal {
			t.Errorf("everything redeemed, yet liability %d (issued %d, redeemed %d)", f.cb.Liability(), f.cb.IssuedTotal, f.cb.RedeemedTotal)
		}
	})
}

// A coin its holder spent offline (the record is registered) and then
// deposited, or deposited and then spent, is a double spend: the bank must
// refuse it or flag it, never pay both branches silently.
func TestSpentCoinIsNotAlsoRedeemedUnflagged(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		for _, order := range []string{"record first", "deposit first"} {
			t.Run(order, func(t *testing.T) {
				f := newFixture(t, s)
				h := f.withdraw(t, walletA, 200)[0]
				rec := f.record(t, h, walletA, walletB, 200, 1)
				hB := outputs(h, rec, walletB)[0]
				var addErr, depErr error
				if order == "record first" {
					addErr = f.cb.Registry().Add(h, rec)
					_, depErr = f.agent.Deposit(walletA, f.items(t, walletA, f.agent.ID, []*transfer.Holding{h}))
				} else {
					_, depErr = f.agent.Deposit(walletA, f.items(t, walletA, f.agent.ID, []*transfer.Holding{h}))
					addErr = f.cb.Registry().Add(h, rec)
				}
				if addErr == nil {
					if _, err := f.agent.Deposit(walletB, f.items(t, walletB, f.agent.ID, []*transfer.Holding{hB})); err != nil {
						t.Logf("B's deposit: %v", err)
					}
				}
				flagged := false
				for _, d := range f.cb.Registry().DoubleSpends() {
					flagged = flagged || d.Culprit == walletA
				}
				refused := spec.CodeOf(depErr) == spec.CodeDoubleSpend || spec.CodeOf(addErr) == spec.CodeDoubleSpend
				if !refused && !flagged {
					t.Errorf("A spent its %d fen coin offline and deposited it: Add %v, Deposit %v, no double spend flagged; issued %d, redeemed %d (liability %d)",
						200, addErr, depErr, f.cb.IssuedTotal, f.cb.RedeemedTotal, f.cb.Liability())
				}
			})
		}
	})
}

func TestLimitsCheck(t *testing.T) {
	forEachSuite(t, func(t *testing.T, _ suite.Suite) {
		small := Limits{PerPayment: 100, Cumulative: 250, Count: 3}
		d := DefaultLimits
		if diff := cmp.Diff(Limits{PerPayment: 50000, Cumulative: 50000, Count: 10}, d); diff != "" {
			t.Errorf("DefaultLimits (-want +got):\n%s", diff)
		}
		for _, tc := range []struct {
			name   string
			l      Limits
			spent  int64
			count  int
			amount int64
			want   spec.Code
		}{
			{"per-payment at the limit", small, 0, 0, 100, ""},
			{"per-payment one over", small, 0, 0, 101, spec.CodeLimitExceeded},
			{"cumulative at the limit", small, 150, 1, 100, ""},
			{"cumulative one over", small, 151, 1, 100, spec.CodeLimitExceeded},
			{"cumulative one over, small payment", small, 250, 1, 1, spec.CodeLimitExceeded},
			{"count at the limit", small, 0, 2, 1, ""},
			{"count one over", small, 0, 3, 1, spec.CodeLimitExceeded},
			{"count far over", small, 0, 9, 1, spec.CodeLimitExceeded},
			{"all three at the limit", Limits{PerPayment: 100, Cumulative: 100, Count: 1}, 0, 0, 100, ""},
			{"default per-payment at the limit", d, 0, 0, 50000, ""},
			{"default per-payment one over", d, 0, 0, 50001, spec.CodeLimitExceeded},
			{"default cumulative at the limit", d, 49999, 5, 1, ""},
			{"default cumulative one over", d, 50000, 5, 1, spec.CodeLimitExceeded},
			{"default count at the limit", d, 0, 9, 1, ""},
			{"default count one over", d, 0, 10, 1, spec.CodeLimitExceeded},
		} {
			err := tc.l.Check(tc.spent, tc.count, tc.amount)
			if diff := cmp.Diff(tc.want, spec.CodeOf(err)); diff != "" {
				t.Errorf("%s: Check(%d, %d, %d) under %+v: code (-want +got):\n%s\nerror: %v", tc.name, tc.spent, tc.count, tc.amount, tc.l, diff, err)
			}
		}
	})
}

func TestRegistryAdd(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		f := newFixture(t, s)
		reg := f.cb.Registry()
		hs := f.withdraw(t, walletA, 300) // 200 + 100
		h200, h100 := hs[0], hs[1]
		if valueOf(t, f, h200) != 200 || valueOf(t, f, h100) != 100 {
			t.Fatalf("withdrawal of 300 gave %d + %d", valueOf(t, f, h200), valueOf(t, f, h100))
		}

		// The withdrawals are registered: one agent record per coin.
		var want []Entry
		for _, h := range hs {
			want = append(want, Entry{Parent: rootOf(h), Record: h.Chain[0]})
		}
		slices.SortFunc(want, func(x, y Entry) int { a, b := x.Record.ID(), y.Record.ID(); return bytes.Compare(a[:], b[:]) })
		if diff := cmp.Diff(want, reg.Entries()); diff != "" {
			t.Errorf("Entries after a withdrawal (-want +got):\n%s", diff)
		}

		rec := f.record(t, h200, walletA, walletB, 50, 1) // 50 to B, 100+50 change to A
		outB, outA := outputs(h200, rec, walletB), outputs(h200, rec, walletA)
		if len(outB) != 1 || len(outA) != 2 {
			t.Fatalf("split of 50 from 200: %d outputs to B, %d to A", len(outB), len(outA))
		}
		watch := append([]*transfer.Holding{h200, h100}, append(outB, outA...)...)

		// Refusals register nothing.
		mallory := func(r transfer.Record, key suite.PrivateKey) *transfer.Signed {
			t.Helper()
			sig, err := key.Sign(r.TBS())
			if err != nil {
				t.Fatal(err)
			}
			return &transfer.Signed{Record: r, Signature: sig}
		}
		byB := rec.Record
		byB.Payer, byB.Payee = walletB, walletC
		byB.Outputs = []transfer.Output{{Serial: transfer.ChildSerial(h200.Serial, 0), Value: 200, Holder: walletC}}
		lying := rec.Record
		lying.ParentValue = 500
		lying.Outputs = append(slices.Clone(rec.Outputs), transfer.Output{Serial: transfer.ChildSerial(h200.Serial, len(rec.Outputs)), Value: 200, Holder: walletA},
			transfer.Output{Serial: transfer.ChildSerial(h200.Serial, len(rec.Outputs)+1), Value: 100, Holder: walletA})
		if err := lying.Validate(); err != nil {
			t.Fatalf("the lying record should be valid on its own: %v", err)
		}
		badSig := &transfer.Signed{Record: rec.Record, Signature: bytes.Clone(rec.Signature)}
		badSig.Signature[len(badSig.Signature)-1] ^= 0x01
		unpaying := rec.Record
		unpaying.Outputs = []transfer.Output{{Serial: transfer.ChildSerial(h200.Serial, 0), Value: 200, Holder: walletA}}
		otherKey, _ := s.GenerateKey(f.w.Rand("forger/key"))
		resigned, _ := coin.Sign(otherKey, h200.Root.Coin)
		for _, tc := range []struct {
			name   string
			parent *transfer.Holding
			rec    *transfer.Signed
			want   spec.Code
		}{
			{"a record signed by a non-holder for itself", h200, mallory(byB, f.keys[walletB]), spec.CodeWrongRecipient},
			{"a record in the holder's name signed by a non-holder", h200, mallory(rec.Record, f.keys[walletB]), spec.CodeBadSignature},
			{"a record whose parent value lies", h200, mallory(lying, f.keys[walletA]), spec.CodeValueMismatch},
			{"a record with a bad signature", h200, badSig, spec.CodeBadSignature},
			{"a record spending another coin", h100, rec, spec.CodeValueMismatch},
			{"an invalid record", h200, mallory(unpaying, f.keys[walletA]), spec.CodeValueMismatch},
			{"a holding whose root does not verify", &transfer.Holding{Root: resigned, Chain: h200.Chain, Serial: h200.Serial}, rec, spec.CodeBadSignature},
			{"a holding whose root was never issued", f.handOver(t, f.forge(t, otherKey, 200), walletA), rec, spec.CodeUntrustedIssuer},
			{"a holding with a broken lineage", &transfer.Holding{Root: h100.Root, Chain: h200.Chain, Serial: h200.Serial}, rec, spec.CodeValueMismatch},
		} {
			before := f.books(watch...)
			err := reg.Add(tc.parent, tc.rec)
			wantCode(t, "Add of "+tc.name, err, tc.want)
			unchanged(t, "a refused Add of "+tc.name, before, f.books(watch...))
			for _, o := range tc.rec.Outputs {
				if reg.Created(Instance{Creator: tc.rec.ID(), Serial: o.Serial}) {
					t.Errorf("a refused Add of %s created output %s", tc.name, o.Serial)
				}
			}
		}

		// The real hop.
		before := f.books(watch...)
		f.add(t, h200, rec)
		after := f.books(watch...)
		wantFlags := []flags{{Created: true, Spent: true}, {Created: true}, {Created: true}, {Created: true}, {Created: true}}
		if diff := cmp.Diff(wantFlags, after.Watched); diff != "" {
			t.Errorf("flags after Add (-want +got):\n%s", diff)
		}
		if len(after.Entries) != len(before.Entries)+1 || after.Doubles != 0 {
			t.Errorf("after Add: %d entries (was %d), %d double spends", len(after.Entries), len(before.Entries), after.Doubles)
		}
		// Every output verifies, with the value and holder the record says.
		for i, o := range rec.Outputs {
			got, err := reg.VerifyHolding(h200.Extend(rec, o.Serial))
			if err != nil || got != (transfer.Owner{Holder: o.Holder, Value: o.Value}) {
				t.Errorf("output %d: %+v, %v", i, got, err)
			}
		}
		// Twice is a no-op, whatever signature bytes come with it.
		for _, again := range []*transfer.Signed{rec, badSig} {
			if err := reg.Add(h200, again); err != nil {
				t.Errorf("adding a known record again: %v", err)
			}
			unchanged(t, "adding a known record again", after, f.books(watch...))
		}
		wantEntries := append(slices.Clone(want), Entry{Parent: h200, Record: rec})
		slices.SortFunc(wantEntries, func(x, y Entry) int { a, b := x.Record.ID(), y.Record.ID(); return bytes.Compare(a[:], b[:]) })
		if diff := cmp.Diff(wantEntries, reg.Entries()); diff != "" {
			t.Errorf("Entries (-want +got):\n%s", diff)
		}
		var recs []*transfer.Signed
		for _, e := range wantEntries {
			recs = append(recs, e.Record)
		}
		if diff := cmp.Diff(recs, reg.Records()); diff != "" {
			t.Errorf("Records() (-want +got):\n%s", diff)
		}

		// Mail: B's output until B holds or spends it.
		eq := cmpopts.EquateEmpty()
		if diff := cmp.Diff(outB, reg.Mail(walletB, nil), eq); diff != "" {
			t.Errorf("Mail(B) (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]*transfer.Holding(nil), reg.Mail(walletB, map[Instance]bool{InstanceOf(outB[0]): true}), eq); diff != "" {
			t.Errorf("Mail(B) when B has it (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]*transfer.Holding(nil), reg.Mail(walletC, nil), eq); diff != "" {
			t.Errorf("Mail(C) (-want +got):\n%s", diff)
		}
		// A's mail: its unspent withdrawal only. Its change is never
		// forwarded: an honest payer keeps change in the write that spends
		// the coin, and a payer that lost it (a rollback, a clone) must not
		// get it back from the bank.
		wantA := []*transfer.Holding{h100}
		if diff := cmp.Diff(instances(wantA), instances(reg.Mail(walletA, nil)), eq); diff != "" {
			t.Errorf("Mail(A) (-want +got):\n%s", diff)
		}
		// B spends it all to C: B's mail empties, C's fills.
		recBC := f.record(t, outB[0], walletB, walletC, 50, 1)
		f.add(t, outB[0], recBC)
		outC := outputs(outB[0], recBC, walletC)
		if diff := cmp.Diff([]*transfer.Holding(nil), reg.Mail(walletB, nil), eq); diff != "" {
			t.Errorf("Mail(B) after B spent it (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(outC, reg.Mail(walletC, nil), eq); diff != "" {
			t.Errorf("Mail(C) (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(flags{Created: true, Spent: true}, f.flags(outB[0])); diff != "" {
			t.Errorf("B's spent output (-want +got):\n%s", diff)
		}
		// C deposits: C's mail empties too.
		if v, err := f.agent.Deposit(walletC, f.items(t, walletC, f.agent.ID, outC)); err != nil || v != 50 {
			t.Fatalf("C's deposit: %d, %v", v, err)
		}
		if diff := cmp.Diff([]*transfer.Holding(nil), reg.Mail(walletC, nil), eq); diff != "" {
			t.Errorf("Mail(C) after C deposited (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(flags{Created: true, Spent: true, Redeemed: true}, f.flags(outC[0])); diff != "" {
			t.Errorf("C's deposited coin (-want +got):\n%s", diff)
		}

		// Revocation does not undo history: B's record still counts.
		if err := f.cb.Revoke(walletB); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.VerifyHolding(outC[0]); err != nil {
			t.Errorf("a lineage through a device revoked afterwards: %v", err)
		}
		if len(reg.DoubleSpends()) != 0 {
			t.Errorf("honest hops flagged: %v", reg.DoubleSpends())
		}
	})
}

// doubleSpend builds the double-spend scene on a fresh fixture: A
// withdraws 200 + 100, then signs r1 (50 of the 200 to B), r2 (120 of the
// same 200 to C) and, unrelated, r3 (the whole 100 to B).
type scene struct {
	f          *fixture
	h200, h100 *transfer.Holding
	r1, r2, r3 *transfer.Signed
}

func newScene(t testing.TB, s suite.Suite) *scene {
	t.Helper()
	f := newFixture(t, s)
	hs := f.withdraw(t, walletA, 300)
	sc := &scene{f: f, h200: hs[0], h100: hs[1]}
	sc.r1 = f.record(t, sc.h200, walletA, walletB, 50, 1)
	sc.r2 = f.record(t, sc.h200, walletA, walletC, 120, 2)
	sc.r3 = f.record(t, sc.h100, walletA, walletB, 100, 3)
	return sc
}

func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

func TestDoubleSpendEveryOrder(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		var first []DoubleSpend
		var firstEntries []string
		perms := permutations(3)
		if len(perms) != 6 {
			t.Fatalf("%d permutations of 3", len(perms))
		}
		for _, perm := range perms {
			sc := newScene(t, s)
			f := sc.f
			ups := []struct {
				h *transfer.Holding
				r *transfer.Signed
			}{{sc.h200, sc.r1}, {sc.h200, sc.r2}, {sc.h100, sc.r3}}
			for _, i := range perm {
				f.add(t, ups[i].h, ups[i].r)
			}
			ds := f.cb.Registry().DoubleSpends()

			lo, hi := sc.r1, sc.r2
			if a, b := lo.ID(), hi.ID(); bytes.Compare(a[:], b[:]) > 0 {
				lo, hi = hi, lo
			}
			want := []DoubleSpend{{
				Culprit: walletA, CulpritCert: f.certs[walletA].Raw, Coin: InstanceOf(sc.h200), Value: 200,
				HoldingA: sc.h200.Marshal(), HoldingB: sc.h200.Marshal(),
				RecordA: lo.Marshal(), RecordB: hi.Marshal(),
				Certs: [][]byte{f.agent.Cert.Raw},
			}}
			if diff := cmp.Diff(want, ds); diff != "" {
				t.Errorf("order %v: DoubleSpends (-want +got):\n%s", perm, diff)
			}
			for _, d := range ds {
				got, err := VerifyEvidence(s, f.cb.Root(), f.cb.CoinKey(), d)
				if err != nil || got != walletA {
					t.Errorf("order %v: VerifyEvidence = %q, %v; want %q", perm, got, err, walletA)
				}
			}
			b := f.books()
			if first == nil {
				first, firstEntries = ds, b.Entries
				continue
			}
			if diff := cmp.Diff(first, ds); diff != "" {
				t.Errorf("order %v changed DoubleSpends (-want +got):\n%s", perm, diff)
			}
			if diff := cmp.Diff(firstEntries, b.Entries); diff != "" {
				t.Errorf("order %v changed Entries (-want +got):\n%s", perm, diff)
			}
		}
	})
}

func TestVerifyEvidence(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		sc := newScene(t, s)
		f := sc.f
		f.add(t, sc.h200, sc.r1)
		f.add(t, sc.h200, sc.r2)
		f.add(t, sc.h100, sc.r3)
		// Both branches' payees keep their value: both verify.
		for _, h := range append(outputs(sc.h200, sc.r1, walletB), outputs(sc.h200, sc.r2, walletC)...) {
			if _, err := f.cb.Registry().VerifyHolding(h); err != nil {
				t.Errorf("an honest payee's holding of a double-spent coin: %v", err)
			}
		}
		ds := f.cb.Registry().DoubleSpends()
		if len(ds) != 1 {
			t.Fatalf("%d double spends, want 1: %v", len(ds), ds)
		}
		ev := ds[0]
		verify := func(ev DoubleSpend) (string, error) {
			return VerifyEvidence(s, f.cb.Root(), f.cb.CoinKey(), ev)
		}
		if got, err := verify(ev); err != nil || got != walletA {
			t.Fatalf("genuine evidence: %q, %v", got, err)
		}
		// Swapping the two branches is the same evidence.
		swapped := ev
		swapped.HoldingA, swapped.HoldingB, swapped.RecordA, swapped.RecordB = ev.HoldingB, ev.HoldingA, ev.RecordB, ev.RecordA
		if got, err := verify(swapped); err != nil || got != walletA {
			t.Errorf("evidence with its branches swapped: %q, %v", got, err)
		}

		clone := func(d DoubleSpend) DoubleSpend {
			d.CulpritCert = bytes.Clone(d.CulpritCert)
			d.HoldingA, d.HoldingB = bytes.Clone(d.HoldingA), bytes.Clone(d.HoldingB)
			d.RecordA, d.RecordB = bytes.Clone(d.RecordA), bytes.Clone(d.RecordB)
			d.Certs = slices.Clone(d.Certs)
			return d
		}
		otherRoot, err := NewCentralBank(world.New(seed+1), s)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			edit func(d *DoubleSpend)
			root *devcert.Certificate
			want spec.Code
		}{
			{"the same record twice", func(d *DoubleSpend) { d.HoldingB, d.RecordB = d.HoldingA, d.RecordA }, nil, spec.CodeValueMismatch},
			{"the culprit cert swapped for B's", func(d *DoubleSpend) { d.CulpritCert = f.certs[walletB].Raw }, nil, spec.CodeWrongRecipient},
			{"the culprit cert swapped for C's", func(d *DoubleSpend) { d.CulpritCert = f.certs[walletC].Raw }, nil, spec.CodeWrongRecipient},
			{"a record and holding of an unrelated coin", func(d *DoubleSpend) { d.HoldingB, d.RecordB = sc.h100.Marshal(), sc.r3.Marshal() }, nil, spec.CodeValueMismatch},
			{"a record of an unrelated coin", func(d *DoubleSpend) { d.RecordB = sc.r3.Marshal() }, nil, spec.CodeValueMismatch},
			{"no lineage certificates", func(d *DoubleSpend) { d.Certs = nil }, nil, spec.CodeUntrustedIssuer},
			{"only wallet certificates", func(d *DoubleSpend) { d.Certs = [][]byte{f.certs[walletB].Raw, f.certs[walletC].Raw} }, nil, spec.CodeUntrustedIssuer},
			{"another central bank's root", func(*DoubleSpend) {}, otherRoot.Root(), spec.CodeUntrustedIssuer},
			{"no culprit cert", func(d *DoubleSpend) { d.CulpritCert = nil }, nil, spec.CodeMalformed},
		}
		recB := ev.RecordB
		for _, i := range []int{0, 1, 20, len(recB) / 2, len(recB) - 2, len(recB) - 1} {
			cases = append(cases, struct {
				name string
				edit func(d *DoubleSpend)
				root *devcert.Certificate
				want spec.Code
			}{fmt.Sprintf("record B byte %d of %d flipped", i, len(recB)), func(d *DoubleSpend) { d.RecordB[i] ^= 0x01 }, nil, ""})
		}
		for _, i := range []int{len(ev.HoldingA) / 2, len(ev.HoldingA) - 1} {
			cases = append(cases, struct {
				name string
				edit func(d *DoubleSpend)
				root *devcert.Certificate
				want spec.Code
			}{fmt.Sprintf("holding A byte %d of %d flipped", i, len(ev.HoldingA)), func(d *DoubleSpend) { d.HoldingA[i] ^= 0x01 }, nil, ""})
		}
		for _, tc := range cases {
			d := clone(ev)
			tc.edit(&d)
			root := f.cb.Root()
			if tc.root != nil {
				root = tc.root
			}
			got, err := VerifyEvidence(s, root, f.cb.CoinKey(), d)
			if got != "" {
				t.Errorf("evidence with %s names %q", tc.name, got)
			}
			if tc.want == "" {
				wantTyped(t, "evidence with "+tc.name, err)
			} else {
				wantCode(t, "evidence with "+tc.name, err, tc.want)
			}
		}
		// Editing the copies left the registry's evidence intact.
		if diff := cmp.Diff([]DoubleSpend{ev}, f.cb.Registry().DoubleSpends()); diff != "" {
			t.Errorf("DoubleSpends after the refusals (-want +got):\n%s", diff)
		}
	})
}

// A coin spent offline and deposited whole by its spender, with nothing
// uploaded in between: the payee's deposit carries the spend in its
// lineage. Whichever deposit comes first is credited, the other is
// refused as a double spend, and the spender is named (one settlement per
// coin, R2.6/R4.5).
func TestCoinSpentOfflineAndDepositedWhole(t *testing.T) {
	forEachSuite(t, func(t *testing.T, s suite.Suite) {
		for _, order := range []string{"payee first", "spender first"} {
			t.Run(order, func(t *testing.T) {
				f := newFixture(t, s)
				h := f.withdraw(t, walletA, 200)[0]
				rec := f.record(t, h, walletA, walletB, 200, 1)
				hB := outputs(h, rec, walletB)[0]
				depB := func() (int64, error) {
					return f.agent.Deposit(walletB, f.items(t, walletB, f.agent.ID, []*transfer.Holding{hB}))
				}
				depA := func() (int64, error) {
					return f.agent.Deposit(walletA, f.items(t, walletA, f.agent.ID, []*transfer.Holding{h}))
				}
				first, second := depB, depA
				if order == "spender first" {
					first, second = depA, depB
				}
				if v, err := first(); err != nil || v != 200 {
					t.Fatalf("first deposit: %d, %v", v, err)
				}
				v, err := second()
				wantCode(t, "second deposit", err, spec.CodeDoubleSpend)
				if v != 0 || f.cb.RedeemedTotal != 200 {
					t.Errorf("second deposit credited %d; redeemed %d of 200 issued", v, f.cb.RedeemedTotal)
				}
				named := false
				for _, d := range f.cb.Registry().DoubleSpends() {
					named = named || d.Culprit == walletA
				}
				if !named {
					t.Errorf("the double spend is not flagged with A as culprit: %+v", f.cb.Registry().DoubleSpends())
				}
			})
		}
	})
}
