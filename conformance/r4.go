package conformance

import (
	"fmt"
	"slices"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
)

// r4Properties returns the properties of requirement R4, unforgeability.
func r4Properties() []Property {
	// forgery is a property of a forgery paid to an honest wallet: alone,
	// or (beside) together with genuine coins, so that the payee must check
	// every coin of a payment, not only the first it reads.
	forgery := func(sub spec.SubID, name string, kind models.CorruptionKind, what string, beside bool, codes ...spec.Code) Property {
		doc := "gopter generates the value of " + what + " that a compromised wallet holds and pays to an honest one; the payee refuses it"
		check := forgeryRefused
		if beside {
			doc = "gopter generates the value of " + what + " and the value of genuine coins that a compromised wallet holds beside it, and the wallet pays both to an honest one in one payment (in whichever order its coin selection puts them: the forgery first or after a genuine coin); the payee refuses the payment"
			check = forgeryBesideRefused
		}
		return Property{
			Sub:   sub,
			Name:  name,
			Doc:   doc + " (" + codeList(codes) + ") and its worth never changes, the forger's deposit credits nothing beyond its genuine value, and the accounts never exceed their opening balances",
			Check: func(t *T) { check(t, kind, codes) },
		}
	}
	return append([]Property{
		forgery("R4.1", "forged-coin-refused", models.CorruptForgedCoin, "a coin signed by a key other than the issuer's", false,
			spec.CodeBadSignature, spec.CodeBadSeal, spec.CodeUntrustedIssuer),
		forgery("R4.1", "forged-coin-beside-genuine-refused", models.CorruptForgedCoin, "a coin signed by a key other than the issuer's", true,
			spec.CodeBadSignature, spec.CodeBadSeal, spec.CodeUntrustedIssuer),
		forgery("R4.1", "forged-coin-deep-refused", models.CorruptForgedCoinDeep, "a coin signed by a key other than the issuer's and then moved once more, by a record the holder signed paying it to itself (its forged signature one hop below the top of its lineage)", false,
			spec.CodeBadSignature, spec.CodeBadSeal, spec.CodeUntrustedIssuer),
		{
			Sub:  "R4.1",
			Name: "resigned-coin-refused",
			Doc: "gopter draws a table denomination, a seed and how the signature is replaced: a compromised wallet's one genuine coin of that denomination keeps every field and its whole lineage (the agent's hand-over record still verifies) but carries a valid signature under a key that is not the issuer's, or the issuer's genuine signature of another coin of the same denomination another wallet holds; the forger first presents the coin at deposit, which its agent bank refuses, crediting nothing; it then pays the coin to an honest wallet, which refuses it (" + codeList(resignedCodes) + ") and whose worth never changes through reconciliation and deposit; " +
				"the forger's account never exceeds its genuine value (a bank may restore the genuine coin it issued to the forger, not credit it twice), and deposits never exceed issuance",
			Check: resignedCoinRefused,
		},
		forgery("R4.2", "redenominated-coin-refused", models.CorruptRedenominated, "a genuine coin's new denomination", false,
			spec.CodeBadSignature, spec.CodeBadDenomination, spec.CodeBadCurrency, spec.CodeUnknownVersion, spec.CodeValueMismatch),
		forgery("R4.3", "forged-lineage-refused", models.CorruptForgedLineage, "the excess of children over their genuine parent", false,
			spec.CodeValueMismatch, spec.CodeBadSignature),
		// The issuer's signature over the coin is checked before the
		// agent it names, so a forger's coin from a rogue agent may be
		// caught as a bad signature first.
		forgery("R4.4", "unauthorised-agent-refused", models.CorruptUnauthorisedAgent, "a coin naming an agent the central bank never authorised", false,
			spec.CodeUntrustedIssuer, spec.CodeBadSignature),
		forgery("R4.4", "unauthorised-agent-beside-genuine-refused", models.CorruptUnauthorisedAgent, "a coin naming an agent the central bank never authorised", true,
			spec.CodeUntrustedIssuer, spec.CodeBadSignature),
		{
			Sub:   "R4.5",
			Name:  "deposits-never-exceed-issuance",
			Doc:   "a clone pays the same coins to two payees and everyone reconciles and deposits, then rapid interleaves withdrawals, payments, forgeries of every kind, clones paying twice, reconciliations and deposits; after every step the value credited by deposit (Σ accounts − Σ opening + issued) and the value redeemed are at most the value issued, with no allowance for double spends, issued is at least what was withdrawn, redeemed equals credited, and no issued coin is redeemed through its descendants for more than its value",
			Check: depositsNeverExceedIssuance,
		},
		{
			Sub:   "R4.6",
			Name:  "tampered-storage-no-value",
			Doc:   "a wallet's store is edited to hold more value, or its counters are rewound, and it pays, reconciles and deposits as much as it can; the device's account is never credited beyond its genuine value, deposits never exceed issuance plus the excess flagged against named culprits, and when the edit made excess value the first online step that could see it names the device, by a double-spend flag or a refusal",
			Check: tamperedStorageNoValue,
		},
	}, insiderProperties("R4")...)
}

func codeList(codes []spec.Code) string {
	s := ""
	for i, c := range codes {
		if i > 0 {
			s += ", "
		}
		s += string(c)
	}
	return s
}

// opening is the opening balance of every wallet the R4 properties use.
const opening = 100000

// checkIssuance fails unless deposits never exceeded issuance. Every fen
// an account holds beyond its opening balance came from a withdrawal
// (debited, and issued) deposited back, so the value credited by deposit
// is credited = Σ accounts − Σ opening + issued. A double spend by a
// cloned or tampered device is honoured for the honest holders of both
// branches (models/bank), and its excess is what the central bank claims
// from the culprit that Ledger.DoubleSpends names; so the invariant is
// credited ≤ issued + Σ flagged excess, and likewise for redeemed. Value
// beyond issuance that no flag accounts for is forged value.
func checkIssuance(f fataler, in models.Instance, openingTotal int64, after string) {
	l := in.Ledger()
	var flagged int64
	for _, d := range l.DoubleSpends {
		flagged += d.Value
	}
	credited := l.Accounts - openingTotal + l.Issued
	if credited > l.Issued+flagged || l.Redeemed > l.Issued+flagged {
		f.Fatalf("after %s deposits exceed issuance: accounts %d (opening %d), credited %d, redeemed %d, issued %d, flagged double-spend excess %d",
			after, l.Accounts, openingTotal, credited, l.Redeemed, l.Issued, flagged)
	}
}

// issuance is what R4.5 compares after every step.
type issuance struct {
	Issued   int64 // Ledger.Issued: what the central bank says it issued
	Credited int64 // Σ accounts − Σ opening + issued: credited by deposit
	Redeemed int64 // Ledger.Redeemed: what the central bank says it redeemed
}

// checkIssuanceExact is R4.5 as stated, with no allowance: the value
// credited by deposit and the value redeemed are at most the value
// issued (every issued fen was withdrawn from an account at par, so the
// credits are Σ accounts − Σ opening + issued, and credited ≤ issued is
// Σ accounts ≤ Σ opening); the issuance total is at least what the
// harness withdrew (a reconciliation may also exchange coins); the bank redeemed exactly what it credited; and
// no coin the central bank issued is redeemed, over all the coins
// descending from it that the registry records as deposited, for more
// than its own value (a double spend's excess is never honoured: were
// every other coin deposited too, the total would exceed issuance).
// withdrawn is the harness's sum of the withdrawals that succeeded.
func checkIssuanceExact(f fataler, in models.Instance, openingTotal, withdrawn int64, after string) {
	l := in.Ledger()
	cb := in.Bank()
	reg := cb.Registry()
	entries := reg.AllEntries() // the central bank's books: sealed records (chip's desk) included
	got := issuance{Issued: l.Issued, Credited: l.Accounts - openingTotal + l.Issued, Redeemed: l.Redeemed}
	want := got
	want.Redeemed = got.Credited
	// With redeemed = credited, credited ≤ issued bounds redeemed too.
	if got.Credited > got.Issued || got.Issued < withdrawn || got != want {
		f.Fatalf("after %s deposits are not backed by issuance exactly (credited and redeemed at most issued, issued at least the %d fen withdrawn, redeemed = credited) (-want +got):\n%s",
			after, withdrawn, cmp.Diff(want, got))
	}
	seen := map[bank.Instance]bool{}
	redeemed := map[coin.Serial]int64{}
	for _, e := range entries {
		if _, toAgent := cb.Agent(e.Record.Payee); !toAgent {
			continue // only a deposit record pays an agent bank
		}
		inst := bank.InstanceOf(e.Parent)
		if seen[inst] || !reg.Redeemed(inst) {
			continue
		}
		seen[inst] = true
		root := e.Parent.Root.Serial
		redeemed[root] += e.Parent.Value()
		if d := e.Parent.Root.Denomination; redeemed[root] > d {
			f.Fatalf("after %s the coins descending from issued coin %s (%d fen) that were redeemed are worth %d fen: a double spend's excess was credited",
				after, root, d, redeemed[root])
		}
	}
}

func forgeryRefused(t *T, kind models.CorruptionKind, codes []spec.Code) {
	// Forged values: table denominations and other amounts, all above
	// what the forger holds genuinely, so paying them must use the forgery.
	values := gen.OneGenOf(
		gen.OneConstOf(int64(500), int64(1000), int64(2000), int64(5000), int64(10000)),
		gen.Int64Range(301, 30000),
	)
	props := gopter.NewProperties(t.GopterParams())
	props.Property(string(kind), prop.ForAll(func(value int64, seed uint64) string {
		return forgeryCase(t, kind, codes, value, 0, seed)
	}, values.WithLabel("value"), gen.UInt64().WithLabel("seed")))
	t.Gopter(props)
}

// forgeryBesideRefused is forgeryRefused with genuine coins of a table
// denomination held beside the forgery and spent in the same payment.
func forgeryBesideRefused(t *T, kind models.CorruptionKind, codes []spec.Code) {
	// Table denominations, so the forgery and the genuine coin are one
	// coin each and fit any payment's count of coins.
	values := gen.OneConstOf(int64(500), int64(1000), int64(2000), int64(5000), int64(10000))
	props := gopter.NewProperties(t.GopterParams())
	props.Property(string(kind), prop.ForAll(func(value, genuine int64, seed uint64) string {
		return forgeryCase(t, kind, codes, value, genuine, seed)
	}, values.WithLabel("value"), denominations().WithLabel("genuine"), gen.UInt64().WithLabel("seed")))
	t.Gopter(props)
}

// denominations draws one value of the published denomination table.
func denominations() gopter.Gen {
	denoms := make([]any, 0, len(coin.Denominations))
	for _, d := range coin.Denominations {
		denoms = append(denoms, d)
	}
	return gen.OneConstOf(denoms...)
}

// resignedCodes are the refusals R4.1 allows a receiving wallet.
var resignedCodes = []spec.Code{spec.CodeBadSignature, spec.CodeBadSeal, spec.CodeUntrustedIssuer}

// resignedCoinRefused stages R4.1's signature substitutions on a genuine
// coin: the coin and its lineage are genuine, so only the issuer's
// signature on the coin itself can tell it from the real one.
func resignedCoinRefused(t *T) {
	kinds := gen.OneConstOf(models.CorruptResignedCoin, models.CorruptBorrowedSignature)
	props := gopter.NewProperties(t.GopterParams())
	props.Property("resigned", prop.ForAll(func(kind models.CorruptionKind, value int64, seed uint64) string {
		return forgeryCase(t, kind, resignedCodes, value, 0, seed)
	}, kinds.WithLabel("kind"), denominations().WithLabel("denomination"), gen.UInt64().WithLabel("seed")))
	t.Gopter(props)
}

// forgeryCase runs one forgery and returns what went wrong, "" if nothing.
// For the signature substitutions of R4.1 value is the denomination of
// the one genuine coin the forger holds and spoils. With beside > 0 (a
// forgery made from nothing) the forger first withdraws beside fen of
// genuine coins and pays everything it holds at once.
func forgeryCase(t *T, kind models.CorruptionKind, codes []spec.Code, value, beside int64, seed uint64) (msg string) {
	var fail string
	f := fatalerFunc(func(format string, args ...any) { fail = fmt.Sprintf(format, args...); panic(errCase) })
	defer func() {
		if r := recover(); r != nil {
			if r != errCase {
				panic(r)
			}
			msg = fail
		}
	}()
	in := t.New(f, seed, models.Config{Wallets: 3, Opening: opening})
	ws := in.Wallets()
	forger, victim := ws[0], ws[1]
	openingTotal := in.Ledger().Accounts
	// The forger pays with forged value only: a coin it makes from
	// nothing holds no genuine coin beside it, and a re-denominated coin
	// or a forged split consumes its one genuine coin. With beside, a coin
	// made from nothing is paid together with genuine ones: a payee that
	// checks only the first coin of a payment takes it when the forgery
	// comes later.
	var other world.PartyID
	resigned := kind == models.CorruptResignedCoin || kind == models.CorruptBorrowedSignature
	switch {
	case beside > 0:
		mustFund(f, in, forger, beside)
	case kind == models.CorruptRedenominated || kind == models.CorruptForgedLineage:
		mustFund(f, in, forger, 100)
	case resigned:
		// One genuine coin of value fen, whose signature the forger
		// replaces.
		mustFund(f, in, forger, value)
		if kind == models.CorruptBorrowedSignature {
			// The signature of another genuine coin of the same
			// denomination, which a third wallet holds.
			other = ws[2]
			mustFund(f, in, other, value)
		}
	}
	genuine := worth(in, forger)
	corrupt(t, f, in, forger, models.Corruption{Kind: kind, Value: value, Other: other})
	t.Witness(in.World(), nil)
	checkIssuance(f, in, openingTotal, "the forgery")
	if resigned {
		// The forger first presents the coin at deposit: its agent bank
		// must refuse it. (The issuer did issue a coin of that serial to
		// the forger, so a bank may later restore the genuine coin; what
		// it must not do is take this one.)
		a0 := in.View(forger).Account
		n, err := in.Deposit(forger)
		if err != nil && !acceptable(codeOf(err)) {
			f.Fatalf("deposit %s holding a %s: untyped or internal error %v", forger, kind, err)
		}
		if a := in.View(forger).Account; err == nil || n > 0 || a != a0 {
			f.Fatalf("the forger's agent bank took a coin of %d fen with a %s at deposit: credited %d fen, account %d → %d, err %v", value, kind, n, a0, a, err)
		}
		checkIssuance(f, in, openingTotal, "the forger's deposit of the coin")
	}
	// Pay the largest coin it holds: forged, and one coin, so no limit
	// on coins per payment refuses it first.
	var amount int64
	for _, c := range in.View(forger).Coins {
		amount = max(amount, c.Value)
	}
	if beside > 0 {
		// Every coin it holds, genuine and forged, in one payment.
		amount = in.View(forger).Offline()
	}
	amount = min(amount, 50000)
	v0 := worth(in, victim)
	p, err := in.Pay(forger, victim, amount, nil)
	if err != nil && !acceptable(codeOf(err)) {
		f.Fatalf("pay %d fen with a %s: untyped or internal error %v", amount, kind, err)
	}
	checkTyped(f, p, "the forged payment")
	if byForger, byVictim := rejectionsBy(p, forger), rejectionsBy(p, victim); len(byForger) > 0 && len(byVictim) == 0 && !p.Received {
		// The forger's device stands for a compromised one: if it will not
		// pay its forgery, the case never reaches the payee it tests.
		f.Fatalf("staging: the forger's own device refused to pay its %s (%v), so the payee's check was never reached", kind, byForger)
	}
	if len(p.Outcome.Rejections) > 0 {
		// The victim's refusal, if it could tell offline, names the forgery.
		var vc []spec.Code
		for _, r := range p.Outcome.Rejections {
			if r.Party == victim {
				vc = append(vc, codeOf(r.Err))
			}
		}
		if len(vc) > 0 && !slices.ContainsFunc(vc, func(c spec.Code) bool { return slices.Contains(codes, c) }) {
			f.Fatalf("the payee refused a %s of %d fen with %v, want one of %v", kind, value, vc, codes)
		}
	}
	if p.Received && len(p.Outcome.Rejections) == 0 && worth(in, victim) != v0 {
		f.Fatalf("the payee accepted a %s of %d fen as value: %s", kind, value, describe(p, err))
	}
	if got := worth(in, victim); got != v0 {
		f.Fatalf("the payee's worth moved from %d to %d on a %s", v0, got, kind)
	}
	reconcileQuietly(f, in, victim, forger, victim)
	if _, err := in.Deposit(victim); err != nil && !acceptable(codeOf(err)) {
		f.Fatalf("deposit %s: %v", victim, err)
	}
	// The genuine coins paid beside a forgery may reach the payee at
	// reconciliation (the payer committed them, the bank forwards them);
	// the forgery may not.
	if got := worth(in, victim); got > v0+beside {
		f.Fatalf("after reconciliation and deposit the payee gained %d fen from a %s (%d fen of genuine coins were paid beside it)", got-v0, kind, beside)
	}
	checkIssuance(f, in, openingTotal, "the payee's deposit")
	if _, err := in.Deposit(forger); err != nil && !acceptable(codeOf(err)) {
		f.Fatalf("deposit %s: %v", forger, err)
	}
	checkIssuance(f, in, openingTotal, "the forger's deposit")
	if got := in.View(forger).Account; got > genuine {
		f.Fatalf("the forger's account holds %d fen after its deposit, more than its genuine %d: forged value was credited", got, genuine)
	}
	return ""
}

// errCase unwinds one generated case.
var errCase = &struct{ s string }{"case failed"}

// fatalerFunc adapts a function to fataler.
type fatalerFunc func(format string, args ...any)

func (f fatalerFunc) Fatalf(format string, args ...any) { f(format, args...) }

// forgeries are the corruption kinds R4.5 mixes in.
var forgeries = []models.CorruptionKind{
	models.CorruptForgedCoin, models.CorruptRedenominated, models.CorruptForgedLineage,
	models.CorruptUnauthorisedAgent, models.CorruptStorage, models.CorruptCounter,
	models.CorruptResignedCoin, models.CorruptBorrowedSignature,
}

func depositsNeverExceedIssuance(t *T) {
	doubleSpendDeposited(t)
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{Wallets: 3, Opening: opening})
		openingTotal := in.Ledger().Accounts
		var withdrawn int64
		amount := rapid.Int64Range(1, 3000)
		pick := func(rt *rapid.T, label string) world.PartyID {
			return rapid.SampledFrom(in.Wallets()).Draw(rt, label)
		}
		rt.Repeat(map[string]func(*rapid.T){
			"": func(rt *rapid.T) { checkIssuanceExact(rt, in, openingTotal, withdrawn, "the step") },
			"fund": func(rt *rapid.T) {
				a := amount.Draw(rt, "amount")
				if in.Fund(pick(rt, "wallet"), a) == nil {
					withdrawn += a
				}
			},
			"pay": func(rt *rapid.T) {
				p, q := pick(rt, "payer"), pick(rt, "payee")
				if p == q {
					rt.Skip("a wallet does not pay itself")
				}
				_, _ = in.Pay(p, q, amount.Draw(rt, "amount"), nil)
			},
			"forge": func(rt *rapid.T) {
				w := pick(rt, "forger")
				c := models.Corruption{Kind: rapid.SampledFrom(forgeries).Draw(rt, "kind"), Value: amount.Draw(rt, "value")}
				cr, ok := in.(models.Corrupter)
				if !ok {
					rt.Skip("no models.Corrupter")
				}
				if err := cr.Corrupt(w, c); err != nil && !acceptable(codeOf(err)) && codeOf(err) != spec.CodeUnimplemented {
					rt.Fatalf("corrupt %s with %s: %v", w, c.Kind, err)
				}
			},
			"clone-pays-twice": func(rt *rapid.T) {
				if switchedOff.has(world.FaultClone) {
					rt.Skip("the clone fault is switched off")
				}
				w := pick(rt, "culprit")
				c, err := in.Clone(w)
				if err != nil {
					rt.Skip("clone refused")
				}
				a := amount.Draw(rt, "amount")
				for _, payer := range []world.PartyID{w, c} {
					q := pick(rt, "payee")
					if q == w || q == c {
						continue
					}
					_, _ = in.Pay(payer, q, a, nil)
				}
			},
			"reconcile": func(rt *rapid.T) { _ = in.Reconcile(pick(rt, "wallet")) },
			"deposit":   func(rt *rapid.T) { _, _ = in.Deposit(pick(rt, "wallet")) },
		})
	})
}

// doubleSpendDeposited is R4.5's directed case: a cloned wallet pays the
// same coins to two payees, and every party reconciles and deposits all
// it can; after every step deposits are backed by issuance exactly.
// Random interleavings rarely reach both payees' deposits.
func doubleSpendDeposited(t *T) {
	in := t.New(t, t.Seed, models.Config{Wallets: 3, Opening: opening})
	ws := in.Wallets()
	a, b, c := ws[0], ws[1], ws[2]
	openingTotal := in.Ledger().Accounts
	const fund = 1000
	mustFund(t, in, a, fund)
	if switchedOff.has(world.FaultClone) {
		t.Logf("the clone fault is switched off: the directed double spend is not staged")
		return
	}
	clone, err := in.Clone(a)
	if err != nil {
		if codeOf(err) == spec.CodeUnimplemented {
			t.Logf("%s cannot clone a wallet (%v): the directed double spend is left to the random interleavings", t.Info.Name, err)
			return
		}
		t.Fatalf("clone %s: %v", a, err)
	}
	t.Witness(in.World(), nil)
	check := func(after string) { checkIssuanceExact(t, in, openingTotal, fund, after) }
	for _, pay := range [][2]world.PartyID{{a, b}, {clone, c}} {
		p, err := in.Pay(pay[0], pay[1], fund, nil)
		if err != nil || !p.Received {
			// Without both spends there is no double spend to deposit.
			t.Fatalf("the directed double spend: %s pays %s %d fen: %s", pay[0], pay[1], fund, describe(p, err))
		}
		check(fmt.Sprintf("%s pays %s %d fen", pay[0], pay[1], fund))
	}
	for _, w := range []world.PartyID{b, c, a, clone} {
		_ = in.Reconcile(w)
		check("reconciling " + string(w))
		_, err := in.Deposit(w)
		check(fmt.Sprintf("%s deposits (%v)", w, err))
	}
}

func tamperedStorageNoValue(t *T) {
	// Boundary cases first (boundary.go): each edit once, at its largest,
	// on an instance of the run's seed; then the random cases.
	for i := range storageEdits {
		tamperedStorageCase(t, t, fixedChoice{t: t, seed: t.Seed, picks: map[string]int{"kind": i}})
		t.Count(1)
	}
	rapid.Check(t, func(rt *rapid.T) { tamperedStorageCase(t, rt, rapidChoice{rt}) })
}

// storageEdits are the edits R4.6 stages on a device's store.
var storageEdits = []models.CorruptionKind{models.CorruptStorage, models.CorruptCounter}

// tamperedStorageCase is one case of R4.6.
func tamperedStorageCase(t *T, f fataler, ch choice) {
	in := t.New(f, ch.world(), models.Config{Wallets: 3, Opening: opening})
	ws := in.Wallets()
	dev, other := ws[0], ws[1]
	openingTotal := in.Ledger().Accounts
	mustFund(f, in, dev, ch.int64("fund", 100, 3000))
	mustFund(f, in, other, 500)
	genuine := worth(in, dev)
	kind := storageEdits[ch.index("kind", len(storageEdits))]
	corrupt(t, f, in, dev, models.Corruption{Kind: kind, Value: ch.int64("value", 1, 5000)})
	t.Witness(in.World(), nil)
	excess := worth(in, dev) - genuine
	identity := in.View(dev).Identity
	named := func() bool {
		return slices.ContainsFunc(in.Ledger().DoubleSpends, func(d bank.DoubleSpend) bool { return d.Culprit == identity })
	}
	refusedDev := false
	// The device spends what it now holds, to the limits.
	for i := ch.int64("payments", 1, 4); i > 0; i-- {
		held := in.View(dev).Offline()
		if held <= 0 {
			break
		}
		_, _ = in.Pay(dev, ws[1+ch.index("payee", len(ws)-1)], ch.int64("amount", 1, min(held, 5000)), nil)
	}
	for _, w := range ws[1:] {
		reconcileQuietly(f, in, w)
		if _, err := in.Deposit(w); err != nil && !acceptable(codeOf(err)) {
			f.Fatalf("deposit %s: %v", w, err)
		}
	}
	if err := in.Reconcile(dev); err != nil {
		if !acceptable(codeOf(err)) {
			f.Fatalf("reconcile %s: %v", dev, err)
		}
		refusedDev = true
	}
	if _, err := in.Deposit(dev); err != nil {
		if !acceptable(codeOf(err)) {
			f.Fatalf("deposit %s: %v", dev, err)
		}
		refusedDev = true
	}
	// A copy spent to two payees is visible only once both branches
	// are uploaded (R2.3): after everyone reconciled, every excess an
	// honest payee was credited must be flagged against the device.
	reconcileQuietly(f, in, ws...)
	checkIssuance(f, in, openingTotal, "every wallet reconciled")
	if got := in.View(dev).Account; got > genuine {
		f.Fatalf("after %s (+%d fen on the device) its account holds %d fen, more than its genuine %d", kind, excess, got, genuine)
	}
	// Value beyond what the wallets legitimately have, wherever it
	// sits now (accounts or coins): the excess the banks have seen or
	// still can. When it survived, the device must have been named.
	var total int64
	for _, w := range ws {
		total += worth(in, w)
	}
	if over := total - openingTotal; over > 0 && !named() && !refusedDev {
		f.Fatalf("the %s edit gave %s %d fen more and %d fen of it survived its payments, reconciliation and deposit, yet no double spend names %s and nothing it did online was refused", kind, dev, excess, over, identity)
	}
}
