package conformance

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// r2Properties returns the properties of requirement R2, no double spend.
func r2Properties() []Property {
	return append([]Property{
		{
			Sub:   "R2.1",
			Name:  "crash-every-point",
			Doc:   "a power cut before, at every write of and after every step of a clean payment, on whichever device handles it, then a restart and a second payment of the rest; no double-spend flag, value conserved and no coin accepted twice",
			Check: crashEveryPointNoDoubleSpend,
		},
		{
			Sub:   "R2.1",
			Name:  "honest-crash-sequence",
			Doc:   "random sequences of withdrawals, payments under loss, duplication, reordering, delay and power cuts, restarts, reconciliations and deposits by honest devices; no double-spend flag is ever raised and the payees together never gain more than the payers lose",
			Check: honestCrashSequence,
		},
		{
			Sub:   "R2.2",
			Name:  "clone-repays-same-payee",
			Doc:   "a cloned payer pays the same payee the same amount twice with a generated funding and amount, and a generated event between the payments (a power cycle of the payee or the payer, either going online, or the payee depositing); or (drawn) a third wallet then pays the repeating payer and the repeat pays all it holds, so the coins paid twice sit among coins the payee never saw, and (drawn, on an instance of its own) the coin paid twice is received value and the unseen one withdrawn; the second payment is refused offline with double-spend and the payee's worth rises by exactly the amount once",
			Check: func(t *T) { repaySamePayee(t, false) },
		},
		{
			Sub:   "R2.2",
			Name:  "rollback-repays-same-payee",
			Doc:   "a payer rolled back to a snapshot taken before paying pays the same payee the same amount again, with a generated event between the payments (a power cycle of the payee or the payer, either going online, or the payee depositing); or (drawn) a third wallet then pays the repeating payer and the repeat pays all it holds, so the coins paid twice sit among coins the payee never saw, and (drawn, on an instance of its own) the coin paid twice is received value and the unseen one withdrawn; the second payment is refused offline with double-spend and the payee's worth rises by exactly the amount once",
			Check: func(t *T) { repaySamePayee(t, true) },
		},
		{
			Sub:   "R2.2",
			Name:  "cut-payee-repays-same-payee",
			Doc:   "a payer is cloned, then pays a payee under a power cut before, at every write of and after every step of the payment, and both restart; wherever the payee ends holding the payment, the clone's repeat of it is refused offline with double-spend and the payee's worth rises by exactly the amount once",
			Check: cutPayeeRepaysSamePayee,
		},
		{
			Sub:   "R2.2",
			Name:  "mail-repays-same-payee",
			Doc:   "a payer, cloned or snapshotted before paying (drawn), pays a payee a generated amount and the first message of the payment whose loss leaves the payee unpaid is lost; the payer reconciles, then the payee, whose device the bank credits with the value by mail; then the clone (or the payer rolled back) pays the payee the same amount again; the repeat is refused offline with double-spend and the payee's worth rises by exactly the amount once (a scheme that credits no lost payment to the payee's device by mail skips, saying so)",
			Check: mailRepaysSamePayee,
		},
		{
			Sub:   "R2.3",
			Name:  "clone-flagged-first-reconciliation",
			Doc:   "a cloned or rolled-back payer pays the same coins to two payees, with a generated event between the spends (the first payee reconciling, depositing or power-cycled, the payer going online or power-cycled), then everyone reconciles and the payees deposit in a generated interleaving; every coin spent twice is flagged, with its value, by the time both conflicting spends reached the bank by upload or deposit, and stays flagged",
			Check: flaggedAtFirstReconciliation,
		},
		spendersFirstProperty(),
		{
			Sub:   "R2.4",
			Name:  "culprit-verifiable-evidence",
			Doc:   "a cloned or rolled-back payer spends the same coins to two payees, with a generated event between the spends, and everyone reconciles and the payees deposit in a generated interleaving; every flag names the payer's identity and its evidence verifies with public data only, while evidence with one transfer twice does not",
			Check: culpritEvidence,
		},
		{
			Sub:   "R2.5",
			Name:  "honest-never-accused",
			Doc:   "honest devices pay payees whose messages are dropped, duplicated, reordered, replayed or tampered with and who crash, deposit, reconcile and restart at generated points; no double-spend flag ever names any device",
			Check: honestNeverAccused,
		},
		{
			Sub:   "R2.5",
			Name:  "payee-withholds-ack",
			Doc:   "a payee whose device keeps verified coins and never sends the message completing the payer's side, and then reconciles or deposits; the honest payer goes on spending what its wallet still offers to a third wallet and everyone reconciles; no flag names the payer",
			Check: payeeWithholdsAck,
		},
		{
			Sub:   "R2.6",
			Name:  "one-conflicting-spend-credited",
			Doc:   "a cloned or rolled-back payer pays the same coins to two payees, with a generated event between the spends, then the parties reconcile and the payees deposit in a generated interleaving, and everyone reconciles and deposits again; each payee's account is credited exactly the amount or nothing, and the two together at most the amount once",
			Check: oneConflictingSpendCredited,
		},
		{
			Sub:   "R2.6",
			Name:  "pay-and-deposit-one-credited",
			Doc:   "one copy of a cloned or rolled-back wallet pays a generated amount to a payee, the other deposits everything it holds (a rolled-back wallet after the rollback), then the depositor, the payee and the payer reconcile in a generated order, and everyone reconciles and deposits what it holds; the payment and the deposit are two conflicting spends, so the wallet's account and the payee's together gain at most what the wallet held once",
			Check: payAndDepositOneCredited,
		},
		{
			Sub:   "R2.7",
			Name:  "upload-order-independent",
			Doc:   "identical instances built from one seed replay a clone double spend and an honest payment, then reconcile the parties in every permutation; the flagged coins, culprits, reconciliation results, resulting balances and the value outstanding (issued less redeemed: an exchange at a sync moves the gross flows with its moment) and where it is are the same in every order",
			Check: uploadOrderIndependent,
		},
		onlineCutNoDoubleSpend,
		splitOneSpendFinal, splitDoubleSpendFlagged, splitOneDepositCredited,
	}, insiderProperties("R2")...)
}

// cleanPayment runs a fault-free payment payer → payee of amount in a
// fresh instance built by setup and returns it; it stops the property
// unless the payment completed on both sides.
func cleanPayment(t *T, setup func() models.Instance, payer, payee world.PartyID, amount int64) models.Payment {
	in := setup()
	p, err := in.Pay(payer, payee, amount, nil)
	if err != nil || !p.Received {
		t.Fatalf("the fault-free payment %s → %s of %d fen did not complete: %s", payer, payee, amount, describe(p, err))
	}
	return p
}

// paymentCuts is the frame of a property that cuts one payment of amount
// from a to b at every point: setup makes a fresh instance with a funded
// with fund, and points the fault points of the payment without a fault
// (every crash point, and the cuts at its end).
func paymentCuts(t *T, a, b world.PartyID, fund, amount int64) (setup func() models.Instance, points []world.Fault) {
	setup = func() models.Instance {
		in := t.New(t, t.Seed, models.Config{})
		mustFund(t, in, a, fund)
		return in
	}
	clean := cleanPayment(t, setup, a, b, amount)
	return setup, pointsOn(append(world.CrashPoints(clean.Outcome), endPoints(setup, a, b, amount)...))
}

// crashEveryPointNoDoubleSpend is R2.1 exhaustively over the crash points
// of one payment.
func crashEveryPointNoDoubleSpend(t *T) {
	ws := mustWallets(t, t.New(t, t.Seed, models.Config{}), 3)
	a, b, c := ws[0], ws[1], ws[2]
	const fund, amount = 1000, 230
	setup, points := paymentCuts(t, a, b, fund, amount)
	for _, f := range points {
		in := setup()
		plan := world.Plan{f}
		t.Witness(in.World(), plan)
		before := worths(in)
		p, err := in.Pay(a, b, amount, plan)
		if err != nil {
			t.Fatalf("%v: pay: %v", f, err)
		}
		in.Restart(a)
		in.Restart(b)
		// The restarted payer spends what it believes it still holds.
		rest := in.View(a).Offline()
		var q models.Payment
		if rest > 0 {
			q, err = in.Pay(a, c, rest, nil)
			if err != nil {
				t.Fatalf("%v: second payment: %v", f, err)
			}
		}
		mustReconcile(t, in, a, b, c, a, b, c)
		if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
			t.Fatalf("%v: an honest device was flagged: culprit %q (first payment %s; second %s)", f, ds[0].Culprit, describe(p, nil), describe(q, nil))
		}
		if a := in.Audit(); a.Held+a.Pending+a.Mail+a.Redeemed > a.Issued {
			t.Fatalf("%v: held + pending + mail + redeemed exceeds issued after reconciliation: %+v", f, a)
		}
		after := worths(in)
		loss := before[a] - after[a]
		gain := after[b] - before[b] + after[c] - before[c]
		if gain > loss {
			t.Fatalf("%v: the payees gained %d fen, the payer lost %d: a coin was accepted twice", f, gain, loss)
		}
	}
	t.Count(len(points))
}

// honestCrashSequence is R2.1 as a random state machine.
func honestCrashSequence(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		wallets := in.Wallets()
		pick := rapid.SampledFrom(wallets)
		amount := rapid.Int64Range(1, 30000)
		rt.Repeat(map[string]func(*rapid.T){
			"fund": func(rt *rapid.T) {
				_ = in.Fund(pick.Draw(rt, "wallet"), amount.Draw(rt, "amount"))
			},
			"pay": func(rt *rapid.T) {
				p, q := pick.Draw(rt, "payer"), pick.Draw(rt, "payee")
				if p == q {
					rt.Skip("a wallet does not pay itself")
				}
				plan := drawPlan(rt, crashFaults, wallets, 2)
				t.Witness(in.World(), plan)
				_, _ = in.Pay(p, q, amount.Draw(rt, "amount"), plan)
			},
			"restart": func(rt *rapid.T) { in.Restart(pick.Draw(rt, "wallet")) },
			"reconcile": func(rt *rapid.T) {
				_ = in.Reconcile(pick.Draw(rt, "wallet"))
			},
			"deposit": func(rt *rapid.T) { _, _ = in.Deposit(pick.Draw(rt, "wallet")) },
			"": func(rt *rapid.T) {
				if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
					rt.Fatalf("honest devices only, yet %q is flagged for coin %v", ds[0].Culprit, ds[0].Coin)
				}
				a := in.Audit()
				if got := a.Held + a.Pending + a.Mail + a.Redeemed; got > a.Issued {
					rt.Fatalf("held + pending + mail + redeemed = %d fen, %d issued: value accepted twice (%+v)", got, a.Issued, a)
				}
			},
		})
	})
}

// mustWallets returns the instance's first n wallets or skips.
func mustWallets(t *T, in models.Instance, n int) []world.PartyID {
	ws := in.Wallets()
	if len(ws) < n {
		t.Skipf("%s has %d wallets, the property needs %d", t.Info.Name, len(ws), n)
	}
	return ws[:n]
}

// repaySamePayee is R2.2: a clone (or the rolled-back payer) pays the
// payee the same amount again.
func repaySamePayee(t *T, rollback bool) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		ws := mustWallets(t, in, 2)
		a, b := ws[0], ws[1]
		fund := rapid.Int64Range(1, 50000).Draw(rt, "fund")
		mustFund(rt, in, a, fund)
		f := payThenTwin(t, rt, in, a, b, drawAmount(rt, in, a), rollback)
		second := f.second
		// Between the payments the payee or the payer may lose power or go
		// online, or the payee deposit (drawn): the repeat need not follow
		// at once.
		between := drawBetween(rt, repeatBetween)
		doBetween(rt, in, between, a, b)
		f.restore()
		// Combined (drawn, with a third wallet, after the draws above so
		// that they stay as they were): the third wallet pays the
		// repeating payer value its twin never held, and the repeat pays
		// all it holds, so the coins paid twice sit among coins the payee
		// never saw, not necessarily first (a payee that looks up only a
		// payment's first input must still refuse it). A wallet that
		// cannot combine them in one payment (too many coins) repeats the
		// amount alone; a repeat paid with other coins only is no repeat.
		repeat := f.amount
		limit := models.Config{}.WithDefaults().Limits.PerPayment
		has := in.View(second).Offline()
		combine := len(in.Wallets()) >= 3 && has < limit && rapid.Bool().Draw(rt, "combine")
		if combine {
			c := in.Wallets()[2]
			recv := rapid.Int64Range(1, limit-has).Draw(rt, "received")
			mustFund(rt, in, c, recv)
			if p, paid, err := payOrLargestCoin(in, c, second, recv); err != nil || !p.Received {
				rt.Fatalf("payment %s → %s of %d fen: %s", c, second, paid, describe(p, err))
			}
			repeat = min(in.View(second).Offline(), limit)
		}
		judged := f.repeat(rt, in, b, repeat, combine, fmt.Sprintf(" (%s between the payments)", between))
		if judged && combine && rapid.Bool().Draw(rt, "repeat-received") {
			repeatReceived(t, rt, rollback)
		}
	})
}

// cutPayeeRepaysSamePayee is R2.2 across a power cut in the first
// payment: a payee that ends the payment holding its coins received them,
// whatever write the cut fell at, so what it keeps to refuse their repeat
// must be written with them.
func cutPayeeRepaysSamePayee(t *T) {
	ws := mustWallets(t, t.New(t, t.Seed, models.Config{}), 2)
	a, b := ws[0], ws[1]
	const fund, amount = 1000, 230
	setup, points := paymentCuts(t, a, b, fund, amount)
	judged := 0
	for _, f := range points {
		in := setup()
		clone, _ := twin(t, t, in, a, false)
		plan := world.Plan{f}
		t.Witness(in.World(), plan)
		b0, offline0 := worth(in, b), in.View(b).Offline()
		held := in.View(a).Coins
		if _, err := in.Pay(a, b, amount, plan); err != nil {
			t.Fatalf("%v: pay: %v", f, err)
		}
		in.Restart(a)
		in.Restart(b)
		spent := missing(held, in.View(a).Coins)
		if in.View(b).Offline()-offline0 != amount || len(spent) == 0 {
			continue // the payee does not hold the payment: a repeat would be its first receipt
		}
		judged++
		heldClone := in.View(clone).Coins
		q, err := in.Pay(clone, b, amount, nil)
		if err != nil {
			t.Fatalf("%v: repeat payment: %v", f, err)
		}
		if q.Received && !slices.ContainsFunc(missing(heldClone, in.View(clone).Coins), func(c models.Coin) bool { return slices.Contains(spent, c) }) {
			continue // paid with coins the payee never saw: nothing was paid twice
		}
		if q.Received {
			t.Fatalf("%s accepted the same coins from %s twice offline: %s (the first payment under %v)", b, clone, describe(q, nil), f)
		}
		if !slices.Contains(rejectionCodes(q), spec.CodeDoubleSpend) {
			t.Fatalf("%v: the repeat payment was not refused with %s: %s", f, spec.CodeDoubleSpend, describe(q, nil))
		}
		if got := worth(in, b) - b0; got != amount {
			t.Fatalf("%v: %s's worth rose by %d fen, want %d (once)", f, b, got, amount)
		}
	}
	t.Count(len(points))
	if judged == 0 {
		t.Skipf("%s: no cut of the payment leaves %s holding it offline (received value the scheme does not let it spend offline is not held): nothing to repeat", t.Info.Name, b)
	}
	t.Logf("%d of %d cut points left the payee holding the payment; their repeats judged", judged, len(points))
}

// drawAmount draws a payment amount payer can afford within the default
// per-payment limit: any part of its offline value, or of its largest coin.
func drawAmount(rt *rapid.T, in models.Instance, payer world.PartyID) int64 {
	v := in.View(payer)
	hi := v.Offline()
	if rapid.Bool().Draw(rt, "within-one-coin") {
		hi = largestCoin(v)
	}
	hi = min(hi, models.Config{}.WithDefaults().Limits.PerPayment)
	if hi < 1 {
		rt.Fatalf("%s holds nothing to pay with: %+v", payer, v)
	}
	return rapid.Int64Range(1, hi).Draw(rt, "amount")
}

// largestCoin is the value of the wallet's largest coin.
func largestCoin(v models.View) int64 {
	var top int64
	for _, c := range v.Coins {
		top = max(top, c.Value)
	}
	return top
}

// payOrLargestCoin pays amount fault-free; if the payer's wallet refuses
// it only for want of coins it can spend in one payment (insufficient
// value in spendable coins, or a scheme's bound on the coins per payment:
// limit-exceeded; cheaperCures), it pays the value of its largest coin
// instead. It
// returns the payment and the amount paid.
func payOrLargestCoin(in models.Instance, payer, payee world.PartyID, amount int64) (models.Payment, int64, error) {
	p, err := in.Pay(payer, payee, amount, nil)
	if err == nil && !p.Received && cheaperCures(p) {
		amount = min(amount, largestCoin(in.View(payer)))
		p, err = in.Pay(payer, payee, amount, nil)
	}
	return p, amount, err
}

// twin stages the second spender of a double spend: a clone of a, or a
// itself with restore rolling it back to its state before the first spend.
func twin(t *T, f fataler, in models.Instance, a world.PartyID, rollback bool) (world.PartyID, func()) {
	if k := map[bool]world.FaultKind{true: world.FaultRollback, false: world.FaultClone}[rollback]; switchedOff.has(k) {
		t.Skipf("%s: the %s fault is switched off", t.Info.Name, k)
	}
	if rollback {
		snap := in.Snapshot(a)
		if snap.Unsaved() {
			t.Skipf("%s: %s", t.Info.Name, noRollback(a))
		}
		return a, func() { in.Restore(a, snap) }
	}
	c, err := in.Clone(a)
	if err != nil {
		if codeOf(err) == spec.CodeUnimplemented {
			t.Skipf("%s cannot clone a wallet: %v", t.Info.Name, err)
		}
		f.Fatalf("clone %s: %v", a, err)
	}
	return c, func() {}
}

// doubleSpend is a staged double spend: payer (or its clone) paid the same
// coins to two payees.
type doubleSpend struct {
	in            models.Instance
	payer, second world.PartyID // second is a clone, or payer itself rolled back
	payees        [2]world.PartyID
	amount        int64
	spent         []models.Coin // coins both spends consumed
	before        map[world.PartyID]int64
	account       map[world.PartyID]int64 // payees' accounts before
	identity      string
	rollback      bool
	between       string // what happened between the spends (betweenSpends)
	first, again  models.Payment
}

// stageDoubleSpend funds the first wallet, makes it (cloned or rolled
// back) pay the same amount to the second and third wallets.
func stageDoubleSpend(t *T, rt *rapid.T, rollback bool) *doubleSpend {
	in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
	ws := mustWallets(t, in, 3)
	d := &doubleSpend{in: in, payer: ws[0], payees: [2]world.PartyID{ws[1], ws[2]}}
	mustFund(rt, in, d.payer, rapid.Int64Range(1, 50000).Draw(rt, "fund"))
	d.amount = drawAmount(rt, in, d.payer)
	d.rollback = rollback
	d.identity = in.View(d.payer).Identity
	t.Witness(in.World(), nil)
	held := in.View(d.payer).Coins
	var restore func()
	d.second, restore = twin(t, rt, in, d.payer, rollback)
	d.before = worths(in)
	d.account = map[world.PartyID]int64{}
	for _, w := range d.payees {
		d.account[w] = in.View(w).Account
	}
	var err error
	if d.first, d.amount, err = payOrLargestCoin(in, d.payer, d.payees[0], d.amount); err != nil || !d.first.Received {
		rt.Fatalf("first spend %s → %s of %d fen: %s", d.payer, d.payees[0], d.amount, describe(d.first, err))
	}
	spentA := missing(held, in.View(d.payer).Coins)
	// What happens between the spends is drawn: the first payee going
	// online or depositing, either side power-cycled, the payer going
	// online before its clone or its rolled-back self spends again.
	d.between = drawBetween(rt, betweenSpends)
	doBetween(rt, in, d.between, d.payer, d.payees[0])
	restore()
	if d.again, err = in.Pay(d.second, d.payees[1], d.amount, nil); err != nil || !d.again.Received {
		rt.Fatalf("second spend %s → %s of %d fen: %s", d.second, d.payees[1], d.amount, describe(d.again, err))
	}
	spentB := missing(held, in.View(d.second).Coins)
	for _, c := range spentA {
		if slices.Contains(spentB, c) {
			d.spent = append(d.spent, c)
		}
	}
	if len(d.spent) == 0 {
		rt.Fatalf("the two spends consumed no common coin (first %v, second %v): nothing was double spent", spentA, spentB)
	}
	return d
}

// missing returns the coins of before that are not in after.
func missing(before, after []models.Coin) []models.Coin {
	var out []models.Coin
	for _, c := range before {
		if !slices.Contains(after, c) {
			out = append(out, c)
		}
	}
	return out
}

// parties lists the distinct parties of the double spend.
func (d *doubleSpend) parties() []world.PartyID {
	ps := []world.PartyID{d.payer}
	if d.second != d.payer {
		ps = append(ps, d.second)
	}
	return append(ps, d.payees[0], d.payees[1])
}

// flaggedCover compares the coin instances the ledger flags with the
// coins spent twice: ok when every flagged instance is one of them (none
// is a sibling, parent or other coin of the same value), and complete
// when the two sets are equal and each flag's value is the value of the
// coin it flags (two spends of a coin: the excess is the coin's value
// once). why says which instances or values differ.
func flaggedCover(d *doubleSpend) (ok, complete bool, why string) {
	want, got := map[string]int64{}, map[string]int64{}
	for _, c := range d.spent {
		want[c.ID] = c.Value
	}
	for _, f := range d.in.Ledger().DoubleSpends {
		got[coinID(d.in, f.Coin)] = f.Value
	}
	ok = true
	for id := range got {
		if _, spent := want[id]; !spent {
			ok = false
		}
	}
	if complete = ok && maps.Equal(want, got); !complete {
		why = fmt.Sprintf("coins spent twice and their value vs coin instances flagged and the value flagged (-want +got):\n%s", cmp.Diff(want, got))
	}
	return ok, complete, why
}

// flaggedAtFirstReconciliation is R2.3: the parties go online in a
// generated order, and the payees deposit at generated points of it (a
// deposit presents the coins' lineage, so it is one of the ways a spend
// reaches the bank), after whatever happened between the spends.
func flaggedAtFirstReconciliation(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		d := stageDoubleSpend(t, rt, drawRollback(rt))
		order := drawOnline(rt, d.parties(), d.payees[:])
		// A spend reaches the bank with its payer's or its payee's upload
		// or deposit; a payer rolled back before its first spend no
		// longer holds that spend's record, unless it went online before
		// the rollback.
		up := map[world.PartyID]bool{}
		switch d.between {
		case betweenPayeeReconciles, betweenPayeeDeposits:
			up[d.payees[0]] = true
		}
		firstAtBank := d.between == betweenPayerReconciles
		firstUp := func() bool { return firstAtBank || up[d.payees[0]] || (!d.rollback && up[d.payer]) }
		wasFlagged := false
		for i, ev := range order {
			if err := ev.run(d.in); err != nil {
				rt.Fatalf("%v: %v", ev, err)
			}
			up[ev.Party] = true
			ok, complete, why := flaggedCover(d)
			if !ok {
				rt.Fatalf("after %s and %v a coin that was not spent twice is flagged: %s", d.between, order[:i+1], why)
			}
			if wasFlagged && !complete {
				rt.Fatalf("after %s and %v a flag was withdrawn: %s", d.between, order[:i+1], why)
			}
			wasFlagged = wasFlagged || complete
			if firstUp() && (up[d.second] || up[d.payees[1]]) && !complete {
				rt.Fatalf("%s between the spends, then %v have brought both spends to the bank, yet the coins spent twice are not exactly the coins flagged: %s", d.between, order[:i+1], why)
			}
		}
		if !wasFlagged {
			_, _, why := flaggedCover(d)
			rt.Fatalf("after %s between the spends and %v the double spend is not flagged: %s", d.between, order, why)
		}
	})
}

// repeatBetween are the events drawn between a payment and its repeat
// to the same payee.
var repeatBetween = []string{betweenNothing, betweenPayeeRestarts, betweenPayerRestarts, betweenPayerReconciles, betweenPayeeReconciles, betweenPayeeDeposits}

// culpritEvidence is R2.4: the parties go online and the payees deposit
// in a generated order.
func culpritEvidence(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		d := stageDoubleSpend(t, rt, drawRollback(rt))
		order := drawOnline(rt, d.parties(), d.payees[:])
		for _, ev := range order {
			if err := ev.run(d.in); err != nil {
				rt.Fatalf("%v: %v", ev, err)
			}
		}
		ds := d.in.Ledger().DoubleSpends
		if len(ds) == 0 {
			rt.Fatalf("no flag after %s between the spends and %v", d.between, order)
		}
		for _, ev := range ds {
			if ev.Culprit != d.identity {
				rt.Fatalf("the flag on %v names %q; the double spender is %s with identity %q", ev.Coin, ev.Culprit, d.payer, d.identity)
			}
			if slices.Equal(ev.RecordA, ev.RecordB) {
				rt.Fatalf("the flag on %v carries one transfer twice, not two", ev.Coin)
			}
			got, err := verifyEvidence(t, d.in, ev)
			if err != nil {
				rt.Fatalf("the evidence on %v does not verify with public data: %v", ev.Coin, err)
			}
			if got != d.identity {
				rt.Fatalf("the evidence on %v verifies as a double spend by %q, want %q", ev.Coin, got, d.identity)
			}
			framed := ev
			framed.RecordB, framed.HoldingB = ev.RecordA, ev.HoldingA
			if who, err := verifyEvidence(t, d.in, framed); err == nil {
				rt.Fatalf("evidence carrying one transfer twice verifies, naming %q", who)
			}
		}
	})
}

// honestNeverAccused is R2.5: every device is honest; payees' messages are
// dropped, duplicated, replayed or tampered with, and payees crash,
// deposit, reconcile and restart whenever the generator says.
func honestNeverAccused(t *T) {
	kinds := append(append([]world.FaultKind(nil), networkFaults...), world.FaultCrashBefore, world.FaultCrashAt, world.FaultCrashAfter)
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		wallets := in.Wallets()
		pick := rapid.SampledFrom(wallets)
		amount := rapid.Int64Range(1, 30000)
		for _, w := range wallets {
			mustFund(rt, in, w, rapid.Int64Range(1, 30000).Draw(rt, "fund"))
		}
		rt.Repeat(map[string]func(*rapid.T){
			"pay": func(rt *rapid.T) {
				p, q := pick.Draw(rt, "payer"), pick.Draw(rt, "payee")
				if p == q {
					rt.Skip("a wallet does not pay itself")
				}
				plan := drawPlan(rt, kinds, wallets, 3)
				t.Witness(in.World(), plan)
				_, _ = in.Pay(p, q, amount.Draw(rt, "amount"), plan)
			},
			"fund":      func(rt *rapid.T) { _ = in.Fund(pick.Draw(rt, "wallet"), amount.Draw(rt, "amount")) },
			"restart":   func(rt *rapid.T) { in.Restart(pick.Draw(rt, "wallet")) },
			"reconcile": func(rt *rapid.T) { _ = in.Reconcile(pick.Draw(rt, "wallet")) },
			"deposit":   func(rt *rapid.T) { _, _ = in.Deposit(pick.Draw(rt, "wallet")) },
			"": func(rt *rapid.T) {
				if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
					rt.Fatalf("an honest device is accused: %q flagged for coin %v", ds[0].Culprit, ds[0].Coin)
				}
			},
		})
		// Everything uploaded, twice.
		for range 2 {
			for _, w := range wallets {
				_ = in.Reconcile(w)
			}
		}
		if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
			rt.Fatalf("an honest device is accused after the final reconciliations: %q flagged for coin %v", ds[0].Culprit, ds[0].Coin)
		}
	})
}

// payeeWithholdsAck is R2.5 against a payee that deviates inside its own
// device (models.CorruptWithholdAck): whatever the payer's wallet still
// offers afterwards is its to spend, and spending it must not make it a
// culprit.
func payeeWithholdsAck(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		ws := mustWallets(t, in, 3)
		a, b, c := ws[0], ws[1], ws[2]
		mustFund(rt, in, a, rapid.Int64Range(1, 50000).Draw(rt, "fund"))
		corrupt(t, rt, in, b, models.Corruption{Kind: models.CorruptWithholdAck})
		amount := drawAmount(rt, in, a)
		t.Witness(in.World(), nil)
		if _, err := in.Pay(a, b, amount, nil); err != nil {
			rt.Fatalf("pay: %v", err)
		}
		for _, op := range rapid.SliceOfN(rapid.SampledFrom([]string{"deposit", "reconcile"}), 0, 2).Draw(rt, "payee-ops") {
			if op == "deposit" {
				_, _ = in.Deposit(b)
			} else {
				_ = in.Reconcile(b)
			}
		}
		// The payer spends on, honestly: whatever its wallet shows.
		for range 3 {
			v := in.View(a)
			if v.Offline() == 0 {
				break
			}
			if _, _, err := payOrLargestCoin(in, a, c, min(v.Offline(), largestCoin(v))); err != nil {
				rt.Fatalf("onward payment: %v", err)
			}
		}
		order := rapid.Permutation([]world.PartyID{a, b, c}).Draw(rt, "order")
		mustReconcile(rt, in, order...)
		mustReconcile(rt, in, order...)
		id := in.View(a).Identity
		for _, ds := range in.Ledger().DoubleSpends {
			if ds.Culprit == id {
				rt.Fatalf("the honest payer %s is accused of double spending coin %v after its payee withheld the acknowledgement", a, ds.Coin)
			}
		}
	})
}

// oneConflictingSpendCredited is R2.6.
func oneConflictingSpendCredited(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		d := stageDoubleSpend(t, rt, drawRollback(rt))
		// Who goes online and who deposits first is drawn; then everyone
		// reconciles again and deposits what is left.
		order := drawOnline(rt, d.parties(), d.payees[:])
		var tail []online
		for _, w := range d.parties() {
			tail = append(tail, online{Party: w})
		}
		for _, w := range d.payees {
			tail = append(tail, online{Party: w, Deposit: true})
		}
		for _, ev := range append(order, tail...) {
			if err := ev.run(d.in); err != nil {
				rt.Fatalf("%v: %v", ev, err)
			}
		}
		mustReconcile(rt, d.in, d.parties()...)
		// Settlement credits accounts; a coin refused at deposit may stay
		// in the payee's wallet, but it is not credited. Each payee is
		// credited its spend exactly or nothing, and not both are.
		var gain int64
		credits := map[world.PartyID]int64{}
		for _, w := range d.payees {
			credits[w] = d.in.View(w).Account - d.account[w]
			gain += credits[w]
		}
		for _, w := range d.payees {
			if c := credits[w]; c != 0 && c != d.amount {
				rt.Fatalf("after %s between the spends and %v, %s's account moved by %d fen at settlement: a spend of %d fen is credited in full or not at all", d.between, order, w, credits[w], d.amount)
			}
		}
		if gain > d.amount {
			rt.Fatalf("both conflicting spends of %d fen were credited at settlement after %s between them and %v: the payees' accounts together gained %d fen (flags %d)", d.amount, d.between, order, gain, len(d.in.Ledger().DoubleSpends))
		}
	})
}

// payAndDepositOneCredited is R2.6 with the second conflicting spend a
// deposit: a deposit spends a coin as a payment does, so a copy that
// pays a coin and a copy that deposits it are two conflicting spends.
func payAndDepositOneCredited(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		ws := mustWallets(t, in, 2)
		a, b := ws[0], ws[1]
		mustFund(rt, in, a, rapid.Int64Range(1, 5000).Draw(rt, "fund"))
		t.Witness(in.World(), nil)
		rollback := drawRollback(rt)
		payer, restore := twin(t, rt, in, a, rollback)
		value := in.View(a).Offline()
		accounts := map[world.PartyID]int64{a: in.View(a).Account, b: in.View(b).Account}
		p, amount, err := payOrLargestCoin(in, payer, b, rapid.Int64Range(1, min(value, 600)).Draw(rt, "amount"))
		if err != nil || !p.Received {
			rt.Fatalf("the payment %s → %s: %s", payer, b, describe(p, err))
		}
		restore() // a rolled-back wallet holds what it held before paying
		order := []online{{Party: a, Deposit: true}, {Party: b}}
		if payer != a {
			order = append(order, online{Party: payer})
		}
		if !fixedOrders {
			order = rapid.Permutation(order).Draw(rt, "online-order")
		}
		tail := []online{{Party: a}, {Party: b}, {Party: payer}, {Party: a, Deposit: true}, {Party: b, Deposit: true}, {Party: payer, Deposit: true}}
		for _, ev := range append(order, tail...) {
			if err := ev.run(in); err != nil {
				rt.Fatalf("%v: %v", ev, err)
			}
		}
		var gain int64
		for w, before := range accounts {
			gain += in.View(w).Account - before
		}
		if gain > value {
			rt.Fatalf("%s paid %d fen of the %d fen it held to %s and %s deposited everything (%s, then %v): the accounts gained %d fen in all, more than the %d fen held once (flags %d)",
				payer, amount, value, b, a, map[bool]string{true: "rolled back", false: "its clone paying"}[rollback], order, gain, value, len(in.Ledger().DoubleSpends))
		}
	})
}

// settlement is what an order of reconciliations decided, for R2.7.
type settlement struct {
	Flags     []dsFlag
	Reconcile map[world.PartyID]spec.Code
	Worth     map[world.PartyID]int64
	Pending   map[world.PartyID]int64
	Audit     settledAudit
}

// settledAudit is the audit as R2.7 compares it: the value outstanding
// (issued less redeemed) and where it is, not the gross flows: an
// exchange at a sync (chip's issuance desk redeems a card's change and
// issues it anew) moves those with the moment a card syncs, which the
// order of reconciliations sets, and decides nothing about an upload.
type settledAudit struct {
	Outstanding, Held, Pending, Mail, Lost int64
}

func settledOf(a models.Audit) settledAudit {
	return settledAudit{Outstanding: a.Issued - a.Redeemed, Held: a.Held, Pending: a.Pending, Mail: a.Mail, Lost: a.Lost}
}

type dsFlag struct {
	Coin    string
	Culprit string
	Value   int64
}

// uploadOrderIndependent is R2.7: every permutation of the uploads of a
// clone double spend and an honest payment (three or four parties). A case
// costs a fresh instance per permutation, so it runs a tenth of the
// property's cases, drawn from rapid generators with the run's seed.
func uploadOrderIndependent(t *T) {
	type params struct {
		Seed     uint64
		Fund     int64
		Frac     float64
		Honest   int64
		Rollback bool
	}
	gen := rapid.Custom(func(rt *rapid.T) params {
		return params{
			Seed:     rapid.Uint64().Draw(rt, "seed"),
			Fund:     rapid.Int64Range(2, 50000).Draw(rt, "fund"),
			Frac:     rapid.Float64Range(0, 1).Draw(rt, "amount"),
			Honest:   rapid.Int64Range(1, 30000).Draw(rt, "honest"),
			Rollback: drawRollback(rt),
		}
	})
	for i := range max(1, t.Checks()/20) {
		c := gen.Example(int(t.Seed) + i)
		build := func() (models.Instance, []world.PartyID) {
			in := t.New(t, c.Seed, models.Config{})
			ws := mustWallets(t, in, 3)
			a, b, w := ws[0], ws[1], ws[2]
			mustFund(t, in, a, c.Fund)
			mustFund(t, in, b, c.Honest)
			amount := max(1, int64(c.Frac*float64(in.View(a).Offline())))
			second, restore := twin(t, t, in, a, c.Rollback)
			p, amount, err := payOrLargestCoin(in, a, b, amount)
			if err != nil || !p.Received {
				t.Fatalf("case %+v: first spend %s → %s: %s", c, a, b, describe(p, err))
			}
			restore()
			if p, err = in.Pay(second, w, amount, nil); err != nil || !p.Received {
				t.Fatalf("case %+v: second spend %s → %s: %s", c, second, w, describe(p, err))
			}
			if _, _, err := payOrLargestCoin(in, b, w, c.Honest); err != nil {
				t.Fatalf("case %+v: honest payment %s → %s: %v", c, b, w, err)
			}
			ps := []world.PartyID{a, b, w}
			if second != a {
				ps = append(ps, second)
			}
			return in, ps
		}
		_, parties := build()
		var want *settlement
		var wantOrder []world.PartyID
		for _, order := range permute(parties) {
			in, _ := build()
			got := &settlement{Reconcile: map[world.PartyID]spec.Code{}, Worth: map[world.PartyID]int64{}, Pending: map[world.PartyID]int64{}}
			for _, w := range order {
				got.Reconcile[w] = codeOf(in.Reconcile(w))
			}
			for _, w := range order {
				if err := in.Reconcile(w); err != nil {
					t.Fatalf("case %+v, order %v: second reconciliation of %s: %v", c, order, w, err)
				}
			}
			for _, f := range in.Ledger().DoubleSpends {
				got.Flags = append(got.Flags, dsFlag{Coin: f.Coin.String(), Culprit: f.Culprit, Value: f.Value})
			}
			sort.Slice(got.Flags, func(i, j int) bool { return got.Flags[i].Coin < got.Flags[j].Coin })
			for _, w := range parties {
				v := in.View(w)
				got.Worth[w] = v.Offline() + v.Account
				for _, p := range v.Pending {
					got.Pending[w] += p.Value
				}
			}
			got.Audit = settledOf(in.Audit())
			if want == nil {
				want, wantOrder = got, order
				if len(got.Flags) == 0 {
					t.Fatalf("case %+v, order %v: the double spend was not flagged", c, order)
				}
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				flags := "other flagged coins or culprits"
				if cmp.Equal(want.Flags, got.Flags) {
					flags = "the same flagged coins and culprits"
				}
				t.Fatalf("case %+v: reconciling in order %v decides otherwise than in order %v, with %s (-want +got):\n%s", c, order, wantOrder, flags, diff)
			}
		}
	}
}

// permute returns every permutation of xs.
func permute(xs []world.PartyID) [][]world.PartyID {
	if len(xs) <= 1 {
		return [][]world.PartyID{slices.Clone(xs)}
	}
	var out [][]world.PartyID
	for i := range xs {
		rest := append(slices.Clone(xs[:i]), xs[i+1:]...)
		for _, p := range permute(rest) {
			out = append(out, append([]world.PartyID{xs[i]}, p...))
		}
	}
	return out
}

// repeatReceived is repaySamePayee's other arrangement, on an instance
// of its own: the coin paid twice is received value. The payer holds
// only what a third wallet paid it when it pays the payee; its twin (a
// clone, or the payer rolled back) then withdraws value the payee never
// saw and repeats with all it holds. A wallet that orders its inputs by
// origin puts the repeated coin at the other end than in the combined
// case above. The payee must refuse the repeat with double-spend, its
// worth rising by the first payment once.
func repeatReceived(t *T, rt *rapid.T, rollback bool) {
	in := t.New(rt, rapid.Uint64().Draw(rt, "seed-received"), models.Config{})
	ws := in.Wallets()
	a, b, c := ws[0], ws[1], ws[2]
	limit := models.Config{}.WithDefaults().Limits.PerPayment
	recv := rapid.Int64Range(2, limit/2).Draw(rt, "received-first")
	mustFund(rt, in, c, recv)
	if p, paid, err := payOrLargestCoin(in, c, a, recv); err != nil || !p.Received {
		rt.Fatalf("payment %s → %s of %d fen: %s", c, a, paid, describe(p, err))
	}
	f := payThenTwin(t, rt, in, a, b, rapid.Int64Range(1, max(1, in.View(a).Offline())).Draw(rt, "amount-received"), rollback)
	f.restore()
	mustFund(rt, in, f.second, rapid.Int64Range(1, limit/2).Draw(rt, "withdrawn-after"))
	f.repeat(rt, in, b, min(in.View(f.second).Offline(), limit), true, " (received value repeated)")
}

// firstPay is R2.2's first payment: the twin that repeats it (a clone,
// or the payer itself once restore rolls it back), the payee's worth
// before, what was paid and the coins it spent.
type firstPay struct {
	second  world.PartyID
	restore func()
	b0      int64
	amount  int64
	spent   []models.Coin
}

// payThenTwin makes a's twin and has a pay b amount (or its largest coin,
// payOrLargestCoin).
func payThenTwin(t *T, rt *rapid.T, in models.Instance, a, b world.PartyID, amount int64, rollback bool) firstPay {
	t.Witness(in.World(), nil)
	second, restore := twin(t, rt, in, a, rollback)
	b0 := worth(in, b)
	held := in.View(a).Coins
	p, amount, err := payOrLargestCoin(in, a, b, amount)
	if err != nil || !p.Received {
		rt.Fatalf("first payment %s → %s of %d fen: %s", a, b, amount, describe(p, err))
	}
	return firstPay{second, restore, b0, amount, missing(held, in.View(a).Coins)}
}

// repeat has the twin pay b repeat fen and fails unless b refuses it
// offline with double-spend and b's worth rose by the first payment
// once. A combined repeat (coins b never saw among them) that the twin
// cannot make in one payment falls back to the first amount; one then
// paid with other coins only repeats nothing and is not judged: repeat
// reports whether it judged.
func (f firstPay) repeat(rt *rapid.T, in models.Instance, b world.PartyID, repeat int64, combined bool, what string) bool {
	heldB := in.View(f.second).Coins
	q, err := in.Pay(f.second, b, repeat, nil)
	if err == nil && combined && !q.Received && cheaperCures(q) && repeat != f.amount {
		repeat = f.amount
		q, err = in.Pay(f.second, b, repeat, nil)
	}
	if err != nil {
		rt.Fatalf("repeat payment%s: %v", what, err)
	}
	if combined && q.Received && !slices.ContainsFunc(missing(heldB, in.View(f.second).Coins), func(c models.Coin) bool { return slices.Contains(f.spent, c) }) {
		return false // paid with coins the payee never saw: nothing was paid twice
	}
	if q.Received {
		rt.Fatalf("%s accepted the same coins from %s twice offline: %s%s", b, f.second, describe(q, nil), what)
	}
	if !slices.Contains(rejectionCodes(q), spec.CodeDoubleSpend) {
		rt.Fatalf("the repeat payment%s was not refused with %s: %s", what, spec.CodeDoubleSpend, describe(q, nil))
	}
	if got := worth(in, b) - f.b0; got != f.amount {
		rt.Fatalf("%s's worth rose by %d fen, want %d (once)", b, got, f.amount)
	}
	return true
}

// mailRepaysSamePayee is R2.2 for value that reached the payee by mail
// (a lost message's value the bank credits to the payee's device at
// reconciliation): the payee received the coins as surely as if the
// message had arrived, so their repeat must be refused offline too. The
// loss is the first of a clean payment's messages whose loss leaves the
// payee unpaid and whose value the two reconciliations then bring to the
// payee's device, found by running the payment once per loss point on
// instances built alike from the case's seed.
func mailRepaysSamePayee(t *T) {
	mailed := 0
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		fund := rapid.Int64Range(1, 50000).Draw(rt, "fund")
		rollback := drawRollback(rt)
		var a, b world.PartyID
		setup := func() (models.Instance, world.PartyID, func()) {
			in := t.New(rt, seed, models.Config{})
			ws := mustWallets(t, in, 2)
			a, b = ws[0], ws[1]
			mustFund(rt, in, a, fund)
			second, restore := twin(t, rt, in, a, rollback)
			return in, second, restore
		}
		probe, _, _ := setup()
		clean, amount, err := payOrLargestCoin(probe, a, b, drawAmount(rt, probe, a))
		if err != nil || !clean.Received {
			rt.Fatalf("the fault-free payment %s → %s of %d fen did not complete: %s", a, b, amount, describe(clean, err))
		}
		for _, f := range pointsOn(world.LossPoints(clean.Outcome)) {
			in, second, restore := setup()
			b0, off0 := worth(in, b), in.View(b).Offline()
			held := in.View(a).Coins
			p, err := in.Pay(a, b, amount, world.Plan{f})
			if err != nil || p.Received {
				continue
			}
			spent := missing(held, in.View(a).Coins)
			mustReconcile(rt, in, a, b)
			if in.View(b).Offline()-off0 != amount {
				continue // not delivered to the payee's device by mail
			}
			mailed++
			restore()
			t.Witness(in.World(), nil)
			what := fmt.Sprintf(" (the first payment's message at %v lost, its value mailed to the payee at reconciliation)", f)
			firstPay{second: second, b0: b0, amount: amount, spent: spent}.repeat(rt, in, b, amount, false, what)
			return
		}
	})
	if mailed == 0 {
		t.Skipf("%s credits no payment's value to the payee's device by mail: no loss of a message of a clean payment, followed by the payer's and the payee's reconciliation, left the amount on the payee's device", t.Info.Name)
	}
}
