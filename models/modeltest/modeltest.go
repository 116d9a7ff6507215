// Package modeltest holds the tests every scheme of models/ repeats, each
// a function given the scheme (or a constructor of its instances) and the
// few scheme-specific facts it needs; a scheme's test file calls them in
// a few lines. They drive an instance only through models.Instance.
//
// Contract: each function reports through the testing value it is given
// and fails exactly when the scheme breaks the stated property; none
// changes the scheme or reads its internals. Random choices come from
// rapid or from the seeded world.
package modeltest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/internal/rapidflag"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/forge"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Main is a scheme package's TestMain: the rapid properties run over 100
// operation sequences (10 under -short, the quick loop's) unless
// -rapid.checks is given.
func Main(m *testing.M) {
	flag.Parse()
	n := 100
	if testing.Short() {
		n = 40 // rapidflag runs a quarter under -short
	}
	rapidflag.Default(n)
	os.Exit(m.Run())
}

// EachSuite runs f as a subtest (or sub-benchmark) of t for every suite,
// named by the suite's id.
func EachSuite[T interface{ Run(string, func(T)) bool }](t T, f func(t T, s suite.Suite)) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t T) { f(t, s) })
	}
}

// New makes an instance of sc on a world of seed under suite s (the
// default suite when nil), failing t if it cannot.
func New(t interface{ Fatal(...any) }, sc models.Scheme, seed uint64, s suite.Suite) models.Instance {
	in, err := sc.New(world.New(seed), models.Config{Suite: s})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// CheckBalanced fails t unless the audit balances.
func CheckBalanced(t interface{ Fatalf(string, ...any) }, in models.Instance, after string) {
	a := in.Audit()
	if !a.Balanced() {
		t.Fatalf("value not conserved after %s: %+v (held+pending+mail+redeemed = %d, issued %d)",
			after, a, a.Held+a.Pending+a.Mail+a.Redeemed, a.Issued)
	}
}

// moneyOf is the wallets' account balances plus the value of the coins
// outstanding (held, pending, in the mail): what a withdrawal moves from
// an account into coins and a deposit back, so neither changes it.
func moneyOf(in models.Instance) int64 {
	a := in.Audit()
	n := a.Held + a.Pending + a.Mail
	for _, w := range in.Wallets() {
		n += in.View(w).Account
	}
	return n
}

// checkMoney is CheckBalanced, and moneyOf unchanged since the start.
func checkMoney(t *rapid.T, in models.Instance, money int64, after string) {
	CheckBalanced(t, in, after)
	if got := moneyOf(in); got != money {
		t.Fatalf("money not conserved after %s: the wallets' accounts and the coins outstanding hold %d fen, %d at the start", after, got, money)
	}
}

// BenignFaults are the faults of the honest and crash profiles: loss,
// duplication, reordering, delay and power cuts, never forgery.
var BenignFaults = []world.FaultKind{
	world.FaultDrop, world.FaultDuplicate, world.FaultReorder, world.FaultDelay,
	world.FaultCrashBefore, world.FaultCrashAt, world.FaultCrashAfter,
}

// Plans draws fault plans of up to two faults of Kinds at steps 1..Steps
// with arguments 0..Args; a redirect goes to one of wallets A to C.
type Plans struct {
	Kinds       []world.FaultKind
	Steps, Args int
}

// Draw draws one plan.
func (p Plans) Draw(t *rapid.T) world.Plan {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) world.Fault {
		f := world.Fault{
			Step: rapid.IntRange(1, p.Steps).Draw(t, "step"),
			Kind: rapid.SampledFrom(p.Kinds).Draw(t, "kind"),
			Arg:  rapid.IntRange(0, p.Args).Draw(t, "arg"),
		}
		if f.Kind == world.FaultRedirect {
			f.Party = rapid.SampledFrom([]world.PartyID{"wallet-A", "wallet-B", "wallet-C"}).Draw(t, "to")
		}
		return f
	}), 0, 2).Draw(t, "plan")
}

// Conserve is how Conservation drives a scheme.
type Conserve struct {
	// Plan draws a payment's fault plan; nil: payments are fault free,
	// and a fault-free payment must be both paid and received.
	Plan func(*rapid.T) world.Plan
	// Ops adds the scheme's own operations (each checks what it needs).
	Ops func(in models.Instance) map[string]func(*rapid.T)
	// Finally runs after the sequence.
	Finally func(t *rapid.T, in models.Instance)
}

// Conservation checks the property (R5.2, R2.1) with rapid over random
// sequences of withdrawals, payments, reconciliations, deposits and
// restarts by honest wallets of an instance of sc (a random suite and
// seed): after every operation value is conserved (the coins' audit
// balances, and the wallets' accounts plus the coins outstanding hold
// what they held at the start: moneyOf), and between operations no
// offline limit is exceeded and no double spend is flagged.
func Conservation(t *testing.T, sc models.Scheme, c Conserve) {
	t.Helper()
	rapid.Check(t, func(t *rapid.T) { conservation(t, sc, c) })
}

// conservation is one sequence of Conservation.
func conservation(t *rapid.T, sc models.Scheme, c Conserve) {
	s := rapid.SampledFrom(suite.All()).Draw(t, "suite")
	in := New(t, sc, rapid.Uint64().Draw(t, "seed"), s)
	wallets := in.Wallets()
	pick := rapid.SampledFrom(wallets)
	amount := rapid.Int64Range(1, 30000)
	money := moneyOf(in)
	ops := map[string]func(*rapid.T){
		"fund": func(t *rapid.T) {
			_ = in.Fund(pick.Draw(t, "wallet"), amount.Draw(t, "amount"))
			checkMoney(t, in, money, "fund")
		},
		"pay": func(t *rapid.T) {
			p, q := pick.Draw(t, "payer"), pick.Draw(t, "payee")
			if p == q {
				t.Skip("a wallet does not pay itself")
			}
			// The amount is drawn before the plan, as the committed
			// regression cases of chip and chain were recorded.
			a := amount.Draw(t, "amount")
			var plan world.Plan
			if c.Plan != nil {
				plan = c.Plan(t)
			}
			pay, _ := in.Pay(p, q, a, plan)
			if c.Plan == nil && pay.Paid != pay.Received {
				t.Fatalf("a fault-free payment paid %v, received %v: %v", pay.Paid, pay.Received, pay.Outcome.Rejections)
			}
			checkMoney(t, in, money, "pay")
		},
		"reconcile": func(t *rapid.T) {
			_ = in.Reconcile(pick.Draw(t, "wallet"))
			checkMoney(t, in, money, "reconcile")
		},
		"deposit": func(t *rapid.T) {
			_, _ = in.Deposit(pick.Draw(t, "wallet"))
			checkMoney(t, in, money, "deposit")
		},
		"restart": func(t *rapid.T) {
			in.Restart(pick.Draw(t, "wallet"))
			checkMoney(t, in, money, "restart")
		},
		"": func(t *rapid.T) {
			for _, w := range wallets {
				v := in.View(w)
				if v.Spent > bank.DefaultLimits.Cumulative || v.Payments > bank.DefaultLimits.Count {
					t.Fatalf("%s spent %d fen in %d payments offline, over the limits", w, v.Spent, v.Payments)
				}
			}
			if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
				t.Fatalf("honest wallets flagged: %v", ds)
			}
		},
	}
	if c.Ops != nil {
		for k, f := range c.Ops(in) {
			ops[k] = f
		}
	}
	t.Repeat(ops)
	if c.Finally != nil {
		c.Finally(t, in)
	}
}

// Crash is what CrashAtEveryPoint needs of a scheme beyond models.Instance.
type Crash struct {
	// Points is how many fault points (a power cut before, at each write
	// of and after each step, on either side, and the loss of each
	// message) the clean payment must have, exactly: a count the
	// scheme's flow fixes, so a lost write or step is seen.
	Points int
	// Total is a wallet's whole value; nil: offline value plus account.
	Total func(in models.Instance, w world.PartyID) int64
	// Settled checks the scheme's own notion of a settled payment after
	// both reconciled; it returns a complaint or "".
	Settled func(in models.Instance) string
	// BothOutcomes requires that some faults leave both sides in the
	// pre-state and others both in the post-state.
	BothOutcomes bool
}

// CrashAtEveryPoint is R5.1, exhaustively, in each suite: a power cut at
// every step and at every write of a 230 fen payment from A to B, on
// either side, and the loss of every message; once both reconcile (in
// two orders), either both have the post-state or both the pre-state, the
// audit balances, nothing is in flight and nobody is flagged.
func CrashAtEveryPoint(t *testing.T, sc models.Scheme, c Crash) {
	total := c.Total
	if total == nil {
		total = func(in models.Instance, w world.PartyID) int64 {
			v := in.View(w)
			return v.Offline() + v.Account
		}
	}
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			setup := func() models.Instance {
				in := New(t, sc, 7, s)
				MustFund(t, in, "wallet-A", 1000)
				return in
			}
			clean, err := setup().Pay("wallet-A", "wallet-B", 230, nil)
			if err != nil || !clean.Paid || !clean.Received {
				t.Fatalf("clean run: %+v %v", clean, err)
			}
			points := append(world.CrashPoints(clean.Outcome), world.LossPoints(clean.Outcome)...)
			if n := len(points); n != c.Points {
				t.Fatalf("%d fault points in a %d-step payment with writes %v, want %d: %v", n, clean.Outcome.Steps, clean.Outcome.Writes, c.Points, points)
			}
			outcomes := map[string]int{}
			for _, order := range [][]world.PartyID{{"wallet-A", "wallet-B"}, {"wallet-B", "wallet-A", "wallet-B"}} {
				for _, f := range points {
					t.Run(fmt.Sprintf("%v/%v", f, order), func(t *testing.T) {
						in := setup()
						a0, b0 := total(in, "wallet-A"), total(in, "wallet-B")
						if _, err := in.Pay("wallet-A", "wallet-B", 230, world.Plan{f}); err != nil {
							t.Fatal(err)
						}
						CheckBalanced(t, in, "the faulty payment")
						MustReconcile(t, in, order...)
						CheckBalanced(t, in, "reconciliation")
						da, db := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0
						pre, post := da == 0 && db == 0, da == -230 && db == 230
						if !pre && !post {
							t.Fatalf("payer moved %d, payee %d: neither both pre- nor both post-state", da, db)
						}
						outcomes[map[bool]string{true: "pre", false: "post"}[pre]]++
						if len(in.Ledger().DoubleSpends) > 0 {
							t.Fatal("an honest wallet was flagged")
						}
						if a := in.Audit(); a.Pending != 0 || a.Mail != 0 {
							t.Fatalf("value still in flight after both reconciled: %+v", a)
						}
						if c.Settled != nil {
							if msg := c.Settled(in); msg != "" {
								t.Fatal(msg)
							}
						}
					})
				}
			}
			// Both outcomes occur: faults before the write-ahead leave
			// both in the pre-state, faults after it the post-state.
			if c.BothOutcomes && (outcomes["pre"] == 0 || outcomes["post"] == 0) {
				t.Fatalf("outcomes %v", outcomes)
			}
		})
	}
}

// CloneDoubleSpendEveryOrder is R2.3, R2.4, R2.5, R2.7 under suite s: a
// clone of wallet A spends the same 300 fen as A; in every order of
// upload the double spend is flagged, wallet-A is named with evidence
// anyone can check (holder maps the certificate id the evidence names to
// its holder; nil: itself), the honest payees are not accused, and the
// verdicts are the same in every order. Under -short a suite other than
// the default runs the first order only (ShortOrders).
func CloneDoubleSpendEveryOrder(t *testing.T, sc models.Scheme, s suite.Suite, holder func(in models.Instance, certID string) string) {
	if holder == nil {
		holder = func(_ models.Instance, id string) string { return id }
	}
	var first []bank.DoubleSpend
	parties := []world.PartyID{"wallet-A", "wallet-A~clone1", "wallet-B", "wallet-C"}
	for _, order := range ShortOrders(t, s, Permutations(parties)) {
		in := New(t, sc, 11, s)
		MustFund(t, in, "wallet-A", 500)
		clone, err := in.Clone("wallet-A")
		if err != nil || clone != parties[1] {
			t.Fatalf("clone %q %v", clone, err)
		}
		for _, pay := range []struct{ from, to world.PartyID }{{"wallet-A", "wallet-B"}, {clone, "wallet-C"}} {
			p, err := in.Pay(pay.from, pay.to, 300, nil)
			if err != nil || !p.Received {
				t.Fatalf("%s → %s: %+v %v", pay.from, pay.to, p, err)
			}
		}
		MustReconcile(t, in, order...)
		ds := in.Ledger().DoubleSpends
		if len(ds) == 0 {
			t.Fatalf("order %v: double spend not flagged", order)
		}
		for _, d := range ds {
			if d.Culprit != "wallet-A" {
				t.Fatalf("order %v: %q accused, want wallet-A", order, d.Culprit)
			}
			got, err := bank.VerifyEvidence(s, in.Bank().Root(), in.Bank().CoinKey(), d)
			if err != nil || holder(in, got) != "wallet-A" {
				t.Fatalf("order %v: evidence does not verify: %q %v", order, got, err)
			}
		}
		if first == nil {
			first = ds
		} else if diff := cmp.Diff(first, ds); diff != "" {
			t.Fatalf("order %v changed the verdicts (-want +got):\n%s", order, diff)
		}
	}
}

// ShortOrders are the orders of upload an every-order test runs under
// suite s: all of them, or under -short the first only where s is not the
// default suite. Which order comes first is protocol, not cryptography:
// the default suite takes every order, each other suite still stages the
// double spend and checks its evidence once. The full run takes every
// order under every suite.
func ShortOrders(t testing.TB, s suite.Suite, orders [][]world.PartyID) [][]world.PartyID {
	t.Helper()
	if !testing.Short() || len(orders) < 2 || s == nil || s.ID() == suite.Default().ID() {
		return orders
	}
	t.Logf("-short: %s: the first of %d orders (%s takes every order); the full run takes them all", s.ID(), len(orders), suite.Default().ID())
	return orders[:1]
}

// EvidenceRefusesHonestFraming: evidence is not forgeable by swapping in
// an honest party's records. bCert is the certificate id wallet-B presents.
func EvidenceRefusesHonestFraming(t *testing.T, in models.Instance, bCert string) {
	MustFund(t, in, "wallet-A", 500)
	clone, _ := in.Clone("wallet-A")
	in.Pay("wallet-A", "wallet-B", 300, nil)
	in.Pay(clone, "wallet-C", 300, nil)
	for _, w := range in.Wallets() {
		in.Reconcile(w)
	}
	ds := in.Ledger().DoubleSpends
	if len(ds) == 0 {
		t.Fatal("no double spend flagged")
	}
	d := ds[0]
	framed := d
	framed.RecordB = d.RecordA // one record twice is not two spends
	if _, err := bank.VerifyEvidence(suite.Default(), in.Bank().Root(), in.Bank().CoinKey(), framed); err == nil {
		t.Fatal("evidence with one record twice verifies")
	}
	bcert, _ := in.Bank().Cert(bCert)
	framed = d
	framed.CulpritCert = bcert.Raw
	if _, err := bank.VerifyEvidence(suite.Default(), in.Bank().Root(), in.Bank().CoinKey(), framed); err == nil {
		t.Fatal("evidence naming wallet-B verifies")
	}
}

// Permutations returns every order of xs.
func Permutations(xs []world.PartyID) [][]world.PartyID {
	if len(xs) <= 1 {
		return [][]world.PartyID{append([]world.PartyID(nil), xs...)}
	}
	var out [][]world.PartyID
	for i := range xs {
		rest := append(append([]world.PartyID(nil), xs[:i]...), xs[i+1:]...)
		for _, p := range Permutations(rest) {
			out = append(out, append([]world.PartyID{xs[i]}, p...))
		}
	}
	return out
}

// TraceDeterministic: the same seed gives a byte-identical trace of run
// (faults included), another seed another trace. newAt makes an instance
// on a world of the given seed.
func TraceDeterministic(t *testing.T, newAt func(seed uint64) models.Instance, run func(in models.Instance)) {
	trace := func(seed uint64) []byte {
		in := newAt(seed)
		run(in)
		return in.World().Trace().JSON()
	}
	a, b := trace(5), trace(5)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different traces")
	}
	if bytes.Equal(a, trace(6)) {
		t.Fatal("different seeds, same trace")
	}
}

// MutantsObservable runs each mutant's scenario on the reference
// and on the mutant (newWith makes an instance; mutation "" is the
// reference) and requires a difference (-reference +mutant). A mutant
// without a scenario is skipped, saying so: its kill is shown by the
// conformance suites' mutant score (check --mutants, conformance's
// TestMutants), not here.
func MutantsObservable[I any](t *testing.T, mutants []models.Mutant, scenarios map[string]func(*testing.T, I) []string, newWith func(t *testing.T, mutation string) I) {
	for _, m := range mutants {
		name := m.Name
		t.Run(name, func(t *testing.T) {
			scenario, ok := scenarios[name]
			if !ok {
				t.Skipf("no focused scenario written for %s: its kill by %s is shown by the mutant score (check --mutants), not by this test", name, m.Breaks)
			}
			ref := scenario(t, newWith(t, ""))
			got := scenario(t, newWith(t, name))
			diff := cmp.Diff(ref, got)
			if diff == "" {
				t.Fatalf("the mutant behaves like the reference: %v", got)
			}
			t.Logf("(-reference +mutant):\n%s", diff)
		})
	}
}

// MustFund withdraws v into wallet w or fails t.
func MustFund(t testing.TB, in models.Instance, w world.PartyID, v int64) {
	t.Helper()
	if err := in.Fund(w, v); err != nil {
		t.Fatal(err)
	}
}

// MustClone clones wallet w of in (a clone or a rolled-back copy of its
// device, as in.Clone makes it) or fails t; it returns the clone's id.
func MustClone(t testing.TB, in models.Instance, w world.PartyID) world.PartyID {
	t.Helper()
	clone, err := in.Clone(w)
	if err != nil {
		t.Fatal(err)
	}
	return clone
}

// MustPayClean pays v from wallet from to wallet to on in, fault free,
// failing t unless the payment was paid and received, nothing was
// refused and the flow took steps steps; it returns the payment.
func MustPayClean(t testing.TB, in models.Instance, from, to world.PartyID, v int64, steps int) models.Payment {
	t.Helper()
	p, err := in.Pay(from, to, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Paid || !p.Received || len(p.Outcome.Rejections) > 0 || p.Outcome.Steps != steps {
		t.Fatalf("payment of %d fen %s→%s (want %d steps): %+v", v, from, to, steps, p)
	}
	return p
}

// PaidPayload pays amount from payer to payee on in, whose world is w,
// failing t unless the payee received it, and returns the payload of the
// first message of type typ the payment delivered to the payee, failing t
// when there is none.
func PaidPayload(t testing.TB, w *world.World, in models.Instance, payer, payee world.PartyID, amount int64, typ string) []byte {
	t.Helper()
	mark := w.Mark()
	if p, err := in.Pay(payer, payee, amount, nil); err != nil || !p.Received {
		t.Fatalf("pay %d fen %s→%s: %+v %v", amount, payer, payee, p, err)
	}
	for _, m := range w.Delivered(payee, mark) {
		if m.Type == typ {
			return m.Payload
		}
	}
	t.Fatalf("no %s delivered to %s", typ, payee)
	return nil
}

// MustReconcile reconciles each of ws in order or fails t.
func MustReconcile(t testing.TB, in models.Instance, ws ...world.PartyID) {
	t.Helper()
	for _, w := range ws {
		if err := in.Reconcile(w); err != nil {
			t.Fatal(err)
		}
	}
}

// PayObs pays and reports what each side saw and the balances after.
func PayObs(in models.Instance, from, to world.PartyID, v int64, plan world.Plan) []string {
	p, err := in.Pay(from, to, v, plan)
	return []string{fmt.Sprintf("pay %s→%s %d: paid=%v received=%v err=%v, balances %d/%d",
		from, to, v, p.Paid, p.Received, err, in.View(from).Offline(), in.View(to).Offline())}
}

// ForgeHeld replaces every coin wallet w of tab (one of the model's own
// elements) holds with the same coin signed by a key drawn from the
// world's "forger" randomness that is not the issuer's (what a forger
// without the issuer key can make), writing the store directly, then
// recovers the element.
func ForgeHeld[D kit.Device, E interface {
	kit.Element
	forge.Holder
}](t testing.TB, tab *kit.Table[D, E], w world.PartyID) {
	t.Helper()
	e := tab.Own[w]
	k, err := e.Suite().GenerateKey(tab.W.Rand("forger"))
	if err != nil {
		t.Fatal(err)
	}
	puts := map[string][]byte{}
	for key, h := range e.Coins() {
		root, err := coin.Sign(k, h.Root.Coin)
		if err != nil {
			t.Fatal(err)
		}
		f := &transfer.Holding{Root: root, Chain: h.Chain, Serial: h.Serial}
		puts[kit.PrefCoin+key] = f.Marshal()
	}
	e.Backing().Commit(puts, nil)
	e.Recover()
}

// PaysForged is the mutant scenario of a wallet paying with coins forged
// in its own store: wallet-A of in (whose device table is tab) is funded
// with 1000 fen, its coins are forged (ForgeHeld) and it pays them to
// wallet-B. It returns what PayObs saw.
func PaysForged[D kit.Device, E interface {
	kit.Element
	forge.Holder
}](t *testing.T, in models.Instance, tab *kit.Table[D, E]) []string {
	t.Helper()
	MustFund(t, in, "wallet-A", 1000)
	ForgeHeld(t, tab, "wallet-A")
	return PayObs(in, "wallet-A", "wallet-B", 1000, nil)
}

// InsiderCase is an insider payment the payee must refuse: wallet-A,
// funded with Fund (and wallet-C with Other, named as the plan's other
// when not 0), pays wallet-B First fen honestly when First > 0, then the
// insider of Kind pays wallet-B Amount and the payee refuses with Code.
type InsiderCase struct {
	Kind               models.InsiderKind
	Fund, Other, First int64
	Amount             int64
	Code               spec.Code
}

// InsiderRefused stages c on in (which must implement models.Insider):
// the payee refuses the payment with the code of the check behind it,
// stores nothing, and the insider keeps its coins.
func InsiderRefused(t *testing.T, in models.Instance, c InsiderCase) {
	stageInsider(t, in, c, func(p models.Payment, err error) {
		if err != nil || !p.Received {
			t.Fatalf("honest payment first: %+v %v", p, err)
		}
	})
	a, b := in.View("wallet-A").Offline(), in.View("wallet-B").Offline()
	p, err := in.Pay("wallet-A", "wallet-B", c.Amount, nil)
	if err != nil {
		t.Fatal(err)
	}
	codes := Refusals(p, "wallet-B")
	if p.Received || !slices.Contains(codes, c.Code) {
		t.Fatalf("received=%v, payee refusals %v, want %s", p.Received, codes, c.Code)
	}
	if a2, b2 := in.View("wallet-A").Offline(), in.View("wallet-B").Offline(); a2 != a || b2 != b {
		t.Errorf("offline balances moved: insider %d→%d, payee %d→%d", a, a2, b, b2)
	}
}

// Refusals lists the codes of party's refusals in payment p.
func Refusals(p models.Payment, party world.PartyID) []spec.Code {
	var codes []spec.Code
	for _, r := range p.Outcome.Rejections {
		if r.Party == party {
			codes = append(codes, spec.CodeOf(r.Err))
		}
	}
	return codes
}

// OnlineCrash is an online operation of wallet-A (a deposit, or a
// reconciliation that exchanges long-lineage coins) to cut by a power cut
// at each of the writes it makes on the wallet's device.
type OnlineCrash struct {
	Name    string                             // the operation, as subtests and messages name it
	Setup   func(t *testing.T) models.Instance // a fresh instance ready for the operation
	Run     func(in models.Instance)           // the operation
	Refresh bool                               // the operation must exchange coins (checked on the clean run)
	Deposit bool                               // going online again deposits as well
	Total   func(in models.Instance, w world.PartyID) int64
	After   func(t *testing.T, in models.Instance) // the scheme's own checks, last
}

// OnlineCrashSafe is R2.1 and R5.2 online: a power cut at every write of
// c's operation (counted on a run without a cut; each case checks that the
// cut happened) leaves value conserved; once the wallet goes online again
// its device-plus-account total is unchanged and nobody is flagged.
func OnlineCrashSafe(t *testing.T, c OnlineCrash) {
	clean := c.Setup(t)
	dev := clean.World().Device("wallet-A")
	w0, from := dev.Writes(), clean.World().Trace().Len()
	c.Run(clean)
	writes := dev.Writes() - w0
	if writes == 0 {
		t.Fatalf("%s makes no write on the device: no power cut to stage", c.Name)
	}
	if c.Refresh && !Refreshed(clean.World().Trace().Events()[from:]) {
		t.Fatalf("%s: the reconciliation exchanged no coin: the refresh this test cuts did not happen", c.Name)
	}
	for k := 0; k < writes; k++ {
		t.Run(fmt.Sprintf("%s/crash-at-write-%d", c.Name, k), func(t *testing.T) {
			in := c.Setup(t)
			before := c.Total(in, "wallet-A")
			dev := in.World().Device("wallet-A")
			from, boots := in.World().Trace().Len(), dev.Boots()
			dev.ArmCrash(k)
			c.Run(in)
			dev.ArmCrash(-1)
			if !Crashed(in.World().Trace().Events()[from:], "wallet-A") || dev.Boots() != boots+1 {
				t.Fatalf("the power cut at write %d of %d did not happen (boots %d → %d)", k, writes, boots, dev.Boots())
			}
			CheckBalanced(t, in, c.Name+" with a power cut")
			if err := in.Reconcile("wallet-A"); err != nil {
				t.Fatal(err)
			}
			if c.Deposit {
				in.Deposit("wallet-A")
			}
			CheckBalanced(t, in, "going online again")
			if got := c.Total(in, "wallet-A"); got != before {
				t.Fatalf("device+account %d, was %d", got, before)
			}
			if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
				t.Fatalf("an honest wallet flagged after a power cut: %v", ds)
			}
			if c.After != nil {
				c.After(t, in)
			}
		})
	}
}

// Crashed reports whether events record a power cut of dev.
func Crashed(events []world.Event, dev world.PartyID) bool {
	return slices.ContainsFunc(events, func(e world.Event) bool { return e.Kind == world.KindCrash && e.From == dev })
}

// Refreshed reports whether events record an agent bank issuing coins
// during a reconciliation (an exchange of long-lineage coins).
func Refreshed(events []world.Event) bool {
	return slices.ContainsFunc(events, func(e world.Event) bool {
		return e.Kind == world.KindState && strings.HasPrefix(e.Detail, "withdrawal ")
	})
}

// Operation runs op ("deposit" or "refresh", a reconciliation) for wallet-A.
func Operation(op string) func(in models.Instance) {
	return func(in models.Instance) {
		if op == "deposit" {
			in.Deposit("wallet-A")
		} else {
			in.Reconcile("wallet-A")
		}
	}
}

// Bench is how BenchPayment drives a scheme.
type Bench struct {
	// Renew makes a fresh instance every Renew payments (seeded by the
	// payment's index); 0: one instance for the whole run.
	Renew int
	// Samples is how many times each unit cost is measured.
	Samples int
	// Metrics reports the scheme's own per-payment counts of counted over n
	// payments, beside signs/op and verifies/op.
	Metrics func(b *testing.B, counted opcount.Ops, n float64)
}

// BenchPayment measures one payment of 230 fen from a fresh 1000 fen coin
// (split into payment and change) on sc under suite s, next to the cost
// of the public-key operations it performs, counted during the run and
// priced by unit costs measured in the same process. The ratio x-floor is
// the model's overhead over pure cryptography. Between payments both
// wallets deposit everything, so each pays from a few coins. It runs
// suite.Uncached: every signature a payment needs is made and verified,
// none answered from a memo that an earlier benchmark of the same seed
// (another scheme's variant, or -count) filled.
func BenchPayment(b *testing.B, sc models.Scheme, s suite.Suite, c Bench) {
	suite.Uncached(func() { benchPayment(b, sc, s, c) })
}

func benchPayment(b *testing.B, sc models.Scheme, s suite.Suite, c Bench) {
	limits := bank.Limits{PerPayment: 1 << 40, Cumulative: 1 << 40, Count: 1 << 30}
	fresh := func(seed uint64) models.Instance {
		in, err := sc.New(world.New(seed), models.Config{Suite: s, Limits: limits, Opening: 1 << 40})
		if err != nil {
			b.Fatal(err)
		}
		return in
	}
	var in models.Instance
	var elapsed time.Duration
	var counted opcount.Ops
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if c.Renew > 0 && i%c.Renew == 0 {
			in = fresh(uint64(i))
		} else if in == nil {
			in = fresh(1)
		}
		if err := in.Fund("wallet-A", 1000); err != nil {
			b.Fatal(err)
		}
		before := opcount.Total()
		// Time inside Start/StopTimer: both read the memory statistics,
		// which stops the world.
		b.StartTimer()
		start := time.Now()
		p, err := in.Pay("wallet-A", "wallet-B", 230, nil)
		elapsed += time.Since(start)
		b.StopTimer()
		counted = counted.Add(opcount.Total().Sub(before))
		if err != nil || !p.Received {
			b.Fatalf("payment failed: %v %v", err, p.Outcome.Rejections)
		}
		for _, w := range []world.PartyID{"wallet-A", "wallet-B"} {
			if _, err := in.Deposit(w); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
	n := float64(b.N)
	costs, err := cryptofloor.Measure(s, c.Samples, 200)
	if err != nil {
		b.Fatal(err)
	}
	floor := costs.Floor(counted)
	b.ReportMetric(float64(counted.Sign)/n, "signs/op")
	b.ReportMetric(float64(counted.Verify)/n, "verifies/op")
	if c.Metrics != nil {
		c.Metrics(b, counted, n)
	}
	b.ReportMetric(float64(elapsed)/float64(floor), "x-floor")
}

// TamperFaults are the channel faults TamperEveryField stages at each of
// steps steps: a substitution of each of fields fields, a bit flip, a
// truncation, an extension, a replay from an earlier session and a
// duplication (argument 7·step + stride·i for the i-th of these), and a
// redirection to wallet-C.
func TamperFaults(steps, fields, stride int) []world.Fault {
	var faults []world.Fault
	for step := 1; step <= steps; step++ {
		for field := 0; field < fields; field++ {
			faults = append(faults, world.Fault{Step: step, Kind: world.FaultField, Arg: field})
		}
		for i, k := range []world.FaultKind{world.FaultBitFlip, world.FaultTruncate, world.FaultExtend, world.FaultReplay, world.FaultDuplicate} {
			faults = append(faults, world.Fault{Step: step, Kind: k, Arg: 7*step + stride*i})
		}
		faults = append(faults, world.Fault{Step: step, Kind: world.FaultRedirect, Party: "wallet-C"})
	}
	return faults
}

// TamperEveryField is R1.1, R1.2 and R1.5: each of faults staged on a
// 230 fen payment from A to B (on an instance from setup) never creates
// or destroys value: every refusal is typed, and after A, B, C and B
// again reconcile the audit balances, both are in the pre-state or both
// in the post-state (total: a wallet's whole value), and nobody is
// flagged. It returns how many refusals carried each code.
func TamperEveryField(t *testing.T, setup func(t *testing.T) models.Instance, total func(models.Instance, world.PartyID) int64, faults []world.Fault) map[spec.Code]int {
	if len(faults) == 0 {
		t.Fatal("no faults to apply: the clean payment had no steps")
	}
	refusals := map[spec.Code]int{}
	for _, f := range faults {
		t.Run(f.String(), func(t *testing.T) {
			in := setup(t)
			a0, b0 := total(in, "wallet-A"), total(in, "wallet-B")
			p, err := in.Pay("wallet-A", "wallet-B", 230, world.Plan{f})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Outcome.Rejections {
				c := spec.CodeOf(r.Err)
				if c == spec.CodeInternal || !c.Known() {
					t.Fatalf("step %d: %s refused %s with an untyped error: %v", r.Step, r.Party, r.Type, r.Err)
				}
				refusals[c]++
			}
			CheckBalanced(t, in, "the tampered payment")
			MustReconcile(t, in, "wallet-A", "wallet-B", "wallet-C", "wallet-B")
			CheckBalanced(t, in, "reconciliation")
			da, db := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0
			if !(da == 0 && db == 0) && !(da == -230 && db == 230) {
				t.Fatalf("payer moved %d, payee %d", da, db)
			}
			if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
				t.Fatalf("honest wallets flagged: %v", ds)
			}
		})
	}
	return refusals
}

// BalanceFollows: a wallet's Balance (the total its trace lines print,
// kept as its coins change) is the value of the coins it holds, summed
// from scratch, for wallet-A, wallet-B and wallet-C of in (whose device
// table is tab) after a withdrawal, payments made and received (coins
// received spent on), and every wallet's reconciliation. It fails when
// the element changes its coins around the total.
func BalanceFollows[D kit.Device, E interface {
	kit.Element
	forge.Holder
	Balance() int64
}](t *testing.T, in models.Instance, tab *kit.Table[D, E]) {
	t.Helper()
	wallets := []world.PartyID{"wallet-A", "wallet-B", "wallet-C"}
	check := func(after string) {
		t.Helper()
		for _, id := range wallets {
			e := tab.Own[id]
			var want int64
			for _, h := range e.Coins() {
				want += h.Value()
			}
			if got := e.Balance(); got != want {
				t.Errorf("after %s, %s: Balance %d, coins held worth %d", after, id, got, want)
			}
		}
	}
	MustFund(t, in, "wallet-A", 3000)
	check("a withdrawal")
	for i, p := range []struct {
		from, to world.PartyID
		amount   int64
	}{{"wallet-A", "wallet-B", 230}, {"wallet-A", "wallet-B", 1170}, {"wallet-B", "wallet-C", 600}, {"wallet-A", "wallet-C", 45}} {
		if _, err := in.Pay(p.from, p.to, p.amount, nil); err != nil {
			t.Fatalf("payment %d: %v", i, err)
		}
		check("a payment")
	}
	MustReconcile(t, in, wallets...)
	check("the reconciliations")
}
