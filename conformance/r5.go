package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// r5Properties returns the properties of requirement R5, fairness.
func r5Properties() []Property {
	return append([]Property{
		{
			Sub:   "R5.2",
			Name:  "conserved-every-step",
			Doc:   "a clean payment under every single loss, duplication, reordering, delay and power cut at every step, then both reconcile; then random sequences of withdrawals, payments under up to two of those faults, reconciliations, deposits and restarts; after every step held + pending + mail + redeemed = issued and nothing is lost",
			Check: conservedEveryStep,
		},
		{
			Sub:   "R5.1",
			Name:  "atomic-every-fault-point",
			Doc:   "a power cut before, at every write of and after every step of a clean payment, and the loss of each of its messages, then both parties reconcile in either order; both end in the pre-state or both in the post-state",
			Check: atomicEveryFaultPoint,
		},
		{
			Sub:   "R5.2",
			Name:  "balanced-every-fault-point",
			Doc:   "a power cut at every crash point and the loss of every message of a clean payment, then both reconciliations in either order, and once more with both devices power-cycled after the payment and the payer paying a third wallet before it reconciles; after the payment, the power cycle, the next payment and each reconciliation held + pending + mail + redeemed = issued and nothing is lost",
			Check: balancedEveryFaultPoint,
		},
		{
			Sub:   "R5.3",
			Name:  "exposure-window-bounded",
			Doc:   "a loss or power cut at every point of a clean payment, each reconciliation after 8 h offline, then generated faults (device clocks skewed too) and offline periods from none to 8 h; each party's window from its first state change to its final outcome, measured from the trace in steps and simulated time, is finite and, less the time spent offline before the reconciliation that made it final, within the scheme's declared bound; afterwards nothing is pending or in the mail, nothing is lost for good and the payee gained exactly what the payer lost",
			Check: exposureWindowBounded,
		},
		{
			Sub:   "R5.4",
			Name:  "malicious-payee-every-point",
			Doc:   "a payee that withholds or ignores the message of any step, or loses power at any crash point, or whose device withholds its acknowledgement or refuses, authenticated, a payment it stored, then deposits before anyone reconciles; the payee never gains more than the payer lost, a payer debited before it reconciles holds receipts reconciliation accepts (models.Receipter) for what it lost, and a debited payer's payment settles to the payee",
			Check: maliciousPayeeEveryPoint,
		},
		{
			Sub:   "R5.4",
			Name:  "malicious-payee-random",
			Doc:   "a payee that drops, duplicates, replays, reorders and delays messages, crashes, and deposits, reconciles and restarts at generated points, its device honest, withholding its acknowledgement or refusing, authenticated, a payment it stored; the payee never gains more than the payer lost, a payer debited before it reconciles holds receipts reconciliation accepts (models.Receipter) for what it lost, and a debited payer's payment settles to the payee; and with the payer then paying a third wallet before it reconciles, the three settling in a generated order: neither the payer nor the third wallet is named a double spender, the third wallet is credited what it accepted, and value is conserved; or with the payer depositing all it holds before it reconciles: the payer is not named and value is conserved",
			Check: maliciousPayeeRandom,
		},
		{
			Sub:   "R5.5",
			Name:  "malicious-payer-accepted-paid",
			Doc:   "a payer that tampers with, drops or replays its messages, cuts its power, restores an earlier snapshot or spends the coins again through a clone, then the parties reconcile in a generated order with the payees depositing at a generated point of it; every payee that accepted is credited exactly the amount at settlement or the payer is named with evidence that verifies",
			Check: maliciousPayerAcceptedPaid,
		},
		{
			Sub:   "R5.6",
			Name:  "nothing-pending-every-fault-point",
			Doc:   "a power cut at every crash point and the loss of every message of a clean payment, then both reconciliations in either order; no value is pending, in the mail or lost, the payer holds no pending coin, and the amount is in exactly one party's wallet or account",
			Check: nothingPendingEveryFaultPoint,
		},
		onlineCutConserved, onlineCutAtomic,
		splitPendingResolved, gossipLossResolved,
	}, insiderProperties("R5")...)
}

func conservedEveryStep(t *T) {
	// Boundary cases first (boundary.go): a clean payment under every
	// single fault of the profile at every step, then both reconcile.
	boundaryPayments(t, crashFaults, func(in models.Instance, ws []world.PartyID, plan world.Plan) {
		checkBalanced(t, in, "pay "+string(ws[0])+"→"+string(ws[1])+" under "+plan.String())
		for _, w := range ws[:2] {
			_ = in.Reconcile(w)
			checkBalanced(t, in, "reconcile "+string(w)+" after a payment under "+plan.String())
		}
	})
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		wallets := in.Wallets()
		pick := rapid.SampledFrom(wallets)
		amount := rapid.Int64Range(1, 30000)
		rt.Repeat(map[string]func(*rapid.T){
			"fund": func(rt *rapid.T) {
				_ = in.Fund(pick.Draw(rt, "wallet"), amount.Draw(rt, "amount"))
				checkBalanced(rt, in, "fund")
			},
			"pay": func(rt *rapid.T) {
				p, q := pick.Draw(rt, "payer"), pick.Draw(rt, "payee")
				if p == q {
					rt.Skip("a wallet does not pay itself")
				}
				plan := drawPlan(rt, crashFaults, wallets, 2)
				t.Witness(in.World(), plan)
				_, _ = in.Pay(p, q, amount.Draw(rt, "amount"), plan)
				checkBalanced(rt, in, "pay "+string(p)+"→"+string(q)+" under "+plan.String())
			},
			"reconcile": func(rt *rapid.T) {
				_ = in.Reconcile(pick.Draw(rt, "wallet"))
				checkBalanced(rt, in, "reconcile")
			},
			"deposit": func(rt *rapid.T) {
				_, _ = in.Deposit(pick.Draw(rt, "wallet"))
				checkBalanced(rt, in, "deposit")
			},
			"restart": func(rt *rapid.T) {
				in.Restart(pick.Draw(rt, "wallet"))
				checkBalanced(rt, in, "restart")
			},
		})
	})
}

// paymentAmount is the amount of the enumerated payments; fundAmount is
// what the payer withdraws first.
const paymentAmount, fundAmount = 230, 1000

// nextAmount is what the payer of an enumerated payment pays a third
// wallet after the power cycle, before it reconciles.
const nextAmount = 120

// faultPoint is one enumerated case: a payment under one fault, then the
// reconciliations of order.
type faultPoint struct {
	in           models.Instance
	payer, payee world.PartyID
	fault        world.Fault
	order        []world.PartyID
	pay          models.Payment
	before       map[world.PartyID]int64
}

// delta is what a party's worth moved by since before the payment.
func (c *faultPoint) delta(w world.PartyID) int64 { return worth(c.in, w) - c.before[w] }

// String names the case.
func (c *faultPoint) String() string {
	return fmt.Sprintf("%v then reconcile %v", c.fault, c.order)
}

// everyFaultPoint enumerates a power cut at every crash point and the
// loss of every message of a clean payment from the first wallet to the
// second, each followed by reconciliations in both orders (the second
// order reconciles the payee again, so value forwarded by the payer's
// upload reaches it), and once more with both devices power-cycled after
// the session and before reconciling (what survives is only what they
// persisted), the payer then paying a third wallet before it reconciles.
// check runs after the payment, the restarts and that payment (reconciled
// false) and after each reconciliation (reconciled true once all of order
// ran).
func everyFaultPoint(t *T, check func(c *faultPoint, after string, reconciled bool)) {
	everyFaultPointOf(t, true, check)
}

// everyFaultPointOf is everyFaultPoint, with the power-cycle variant
// only when cycle is set.
func everyFaultPointOf(t *T, cycle bool, check func(c *faultPoint, after string, reconciled bool)) {
	ws := mustWallets(t, t.New(t, t.Seed, models.Config{}), 2)
	a, b := ws[0], ws[1]
	setup := func() models.Instance {
		in := t.New(t, t.Seed, models.Config{})
		mustFund(t, in, a, fundAmount)
		return in
	}
	clean := cleanPayment(t, setup, a, b, paymentAmount)
	points := pointsOn(append(world.CrashPoints(clean.Outcome), world.LossPoints(clean.Outcome)...))
	points = append(points, endPoints(setup, a, b, paymentAmount)...)
	n := 0
	for _, v := range []struct {
		order   []world.PartyID
		restart bool
	}{{[]world.PartyID{a, b}, false}, {[]world.PartyID{b, a, b}, false}, {[]world.PartyID{a, b}, true}} {
		if v.restart && !cycle {
			continue
		}
		order := v.order
		for _, f := range points {
			in := setup()
			c := &faultPoint{in: in, payer: a, payee: b, fault: f, order: order, before: worths(in)}
			t.Witness(in.World(), world.Plan{f})
			var err error
			if c.pay, err = in.Pay(a, b, paymentAmount, world.Plan{f}); err != nil {
				t.Fatalf("%v: pay: %v", f, err)
			}
			check(c, fmt.Sprintf("the payment under %v", f), false)
			if v.restart {
				in.Restart(a)
				in.Restart(b)
				check(c, fmt.Sprintf("the payment under %v and a power cycle of both devices", f), false)
				// The payer goes on paying before it reconciles: what it
				// persisted of the first payment must survive the next.
				if ws := in.Wallets(); len(ws) > 2 {
					_, _ = in.Pay(a, ws[2], nextAmount, nil)
					check(c, fmt.Sprintf("the payment under %v, a power cycle of both devices and a payment of %d fen from %s to %s", f, nextAmount, a, ws[2]), false)
				}
			}
			for i, w := range order {
				mustReconcile(t, in, w)
				check(c, fmt.Sprintf("%v, then reconciling %v", f, order[:i+1]), i == len(order)-1)
			}
			n++
		}
	}
	t.Count(n)
}

// atomicEveryFaultPoint is R5.1.
func atomicEveryFaultPoint(t *T) {
	everyFaultPointOf(t, false, func(c *faultPoint, after string, reconciled bool) {
		if !reconciled {
			return
		}
		da, db := c.delta(c.payer), c.delta(c.payee)
		pre, post := da == 0 && db == 0, da == -paymentAmount && db == paymentAmount
		if !pre && !post {
			t.Fatalf("after %s: the payer's worth moved %+d fen and the payee's %+d: neither both in the pre-state nor both in the post-state (payment %s)",
				after, da, db, describe(c.pay, nil))
		}
	})
}

// balancedEveryFaultPoint is R5.2 exhaustively.
func balancedEveryFaultPoint(t *T) {
	everyFaultPoint(t, func(c *faultPoint, after string, _ bool) {
		checkBalanced(t, c.in, after)
	})
}

// nothingPendingEveryFaultPoint is R5.6.
func nothingPendingEveryFaultPoint(t *T) {
	everyFaultPointOf(t, false, func(c *faultPoint, after string, reconciled bool) {
		if !reconciled {
			return
		}
		a := c.in.Audit()
		if a.Pending != 0 || a.Mail != 0 || a.Lost != 0 {
			t.Fatalf("after %s value is unresolved: pending %d, mail %d, lost %d fen (%+v)", after, a.Pending, a.Mail, a.Lost, a)
		}
		if p := c.in.View(c.payer).Pending; len(p) > 0 {
			t.Fatalf("after %s the payer still holds pending coins %v", after, p)
		}
		da, db := c.delta(c.payer), c.delta(c.payee)
		if da+db != 0 || (db != 0 && db != paymentAmount) {
			t.Fatalf("after %s the payment's %d fen are not in exactly one party's wallet or account: the payer's worth moved %+d, the payee's %+d",
				after, paymentAmount, da, db)
		}
	})
}

// state is what R5.3 compares to decide that a party's outcome is final.
type state struct {
	Worth   int64
	Pending int64
}

func stateOf(in models.Instance, w world.PartyID) state {
	v := in.View(w)
	s := state{Worth: v.Offline() + v.Account}
	for _, c := range v.Pending {
		s.Pending += c.Value
	}
	return s
}

// window is one measured exposure window.
type window struct {
	Steps int
	Time  time.Duration
}

// maxOfflineGap is the longest offline period R5.3 generates between
// the payment and a reconciliation.
const maxOfflineGap = 8 * time.Hour

// offlineGaps are the offline periods R5.3 draws from: none, seconds,
// minutes, hours, a working day.
var offlineGaps = []time.Duration{0, 2 * time.Second, 10 * time.Minute, 2 * time.Hour, maxOfflineGap}

// exposure collects what R5.3 measured over its cases.
type exposure struct {
	bound        models.Exposure
	worst        [2]window
	worstOffline [2]time.Duration
	logged       int
}

// exposureWindowBounded is R5.3: it measures each party's window from the
// trace and the parties' states after the payment and after each
// reconciliation. Before each reconciliation the clock advances by an
// offline period, so the window spans simulated time: from the party's
// first state change to the first state after which its outcome no
// longer changes. The time the parties spent offline before the
// reconciliation that made the outcome final is reported and is not held
// against the scheme's bound (the holder, not the scheme, decides when to
// go online); the rest of the window, and its steps, must be within
// models.Info.Exposure. Once both reconciled three times nothing may be
// pending or in the mail, and the payee must have gained exactly what the
// payer lost with nothing lost in the audit: value lost for good is a
// window that never closes. Every loss
// and crash point of a clean payment is enumerated with the longest
// offline period before every reconciliation, then rapid generates
// faults and periods.
func exposureWindowBounded(t *T) {
	bound := t.Info.Exposure
	if bound.Steps <= 0 || bound.Time <= 0 {
		t.Skipf("%s declares no exposure bound (models.Info.Exposure)", t.Info.Name)
	}
	x := &exposure{bound: bound}
	ws := mustWallets(t, t.New(t, t.Seed, models.Config{}), 2)
	setup := func() models.Instance {
		in := t.New(t, t.Seed, models.Config{})
		mustFund(t, in, ws[0], fundAmount)
		return in
	}
	clean := cleanPayment(t, setup, ws[0], ws[1], paymentAmount)
	points := pointsOn(append(world.LossPoints(clean.Outcome), world.CrashPoints(clean.Outcome)...))
	for _, f := range points {
		x.measure(t, t, setup(), world.Plan{f}, func(int) time.Duration { return maxOfflineGap })
	}
	t.Count(len(points))
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		mustFund(rt, in, mustWallets(t, in, 2)[0], fundAmount)
		plan := drawPlan(rt, timedFaults(crashFaults), in.Wallets(), 2)
		gap := rapid.SampledFrom(offlineGaps)
		x.measure(t, rt, in, plan, func(i int) time.Duration { return gap.Draw(rt, fmt.Sprintf("offline-%d", i)) })
	})
	t.Logf("exposure: payer at most %d steps and %v of its own (%v offline), payee at most %d steps and %v (%v offline); bound %d steps, %v",
		x.worst[0].Steps, x.worst[0].Time, x.worstOffline[0], x.worst[1].Steps, x.worst[1].Time, x.worstOffline[1], bound.Steps, bound.Time)
}

// measure runs one R5.3 case on in, whose first wallet holds fundAmount:
// the payment of paymentAmount to the second wallet under plan, then six
// reconciliations alternating payer and payee, the clock advancing by
// gap(i) before reconciliation i.
func (x *exposure) measure(t *T, f fataler, in models.Instance, plan world.Plan, gap func(i int) time.Duration) {
	ws := in.Wallets()
	a, b := ws[0], ws[1]
	before := worths(in)
	t.Witness(in.World(), plan)
	from := in.World().Trace().Len()
	p, err := in.Pay(a, b, paymentAmount, plan)
	if err != nil {
		f.Fatalf("pay under %v: %v", plan, err)
	}
	events := in.World().Trace().Events()[from:]
	parties := []world.PartyID{a, b}
	// States after the payment (index 0) and after each reconciliation;
	// offline[j] is the time spent offline before reconciliation j
	// (offline[0] = 0).
	var states [][2]state
	var times []time.Time
	offline := []time.Duration{0}
	snap := func() {
		states = append(states, [2]state{stateOf(in, a), stateOf(in, b)})
		times = append(times, in.World().Now())
	}
	snap()
	ops := []world.PartyID{a, b, a, b, a, b}
	for i, w := range ops {
		d := gap(i)
		in.World().Advance(d)
		offline = append(offline, d)
		mustReconcile(f, in, w)
		snap()
	}
	last := states[len(states)-1]
	au := in.Audit()
	if au.Pending != 0 || au.Mail != 0 {
		f.Fatalf("under %v, after %d reconciliations %v apart, the payment is still unresolved (%+v): an exposure window that never closes", plan, len(ops), offline[1:], au)
	}
	if loss, gain := before[a]-worth(in, a), worth(in, b)-before[b]; loss != gain || au.Lost != 0 {
		f.Fatalf("under %v, after %d reconciliations %v apart, the payer lost %d fen and the payee gained %d (audit %+v): value lost for good, an exposure window that never closes",
			plan, len(ops), offline[1:], loss, gain, au)
	}
	if !cmp.Equal(states[len(states)-2], last) {
		f.Fatalf("under %v the parties' states still change at the last of %d reconciliations (-before +after):\n%s", plan, len(ops), cmp.Diff(states[len(states)-2], last))
	}
	for i, w := range parties {
		// The first state change: the party's first write in the payment.
		first := slices.IndexFunc(events, func(e world.Event) bool {
			return e.From == w && (e.Kind == world.KindPersist || e.Kind == world.KindState)
		})
		if first < 0 {
			continue // the party never changed state: no window
		}
		startStep, startTime := events[first].Step, world.Epoch.Add(time.Duration(events[first].TimeMS)*time.Millisecond)
		// The outcome is final from the first state after which it no
		// longer changes.
		j := len(states) - 1
		for j > 0 && states[j-1][i] == last[i] {
			j--
		}
		var win window
		var waited time.Duration
		if j == 0 {
			// Final within the payment: at the party's last write.
			end := events[first]
			for _, e := range events[first:] {
				if e.From == w && e.Session == events[first].Session && (e.Kind == world.KindPersist || e.Kind == world.KindState) {
					end = e
				}
			}
			win = window{Steps: end.Step - startStep, Time: time.Duration(end.TimeMS-events[first].TimeMS) * time.Millisecond}
		} else {
			win = window{Steps: p.Outcome.Steps - startStep + j, Time: times[j].Sub(startTime)}
			for _, d := range offline[1 : j+1] {
				waited += d
			}
		}
		own := win.Time - waited
		role := []string{"payer", "payee"}[i]
		if win.Steps < 0 || own < 0 {
			f.Fatalf("%s (%s): a negative window %+v (offline %v)", w, role, win, waited)
		}
		if win.Steps > x.bound.Steps || own > x.bound.Time {
			f.Fatalf("%s (%s) is exposed for %d steps and %v (%v of it offline, %v the scheme's own) under %v, over the declared bound of %d steps and %v",
				w, role, win.Steps, win.Time, waited, own, plan, x.bound.Steps, x.bound.Time)
		}
		x.worst[i].Steps = max(x.worst[i].Steps, win.Steps)
		x.worst[i].Time = max(x.worst[i].Time, own)
		x.worstOffline[i] = max(x.worstOffline[i], waited)
		if x.logged < 12 {
			x.logged++
			t.Logf("exposure of the %s under %q: %d steps, %v of simulated time (%v offline before the reconciliation that made it final)", role, plan.String(), win.Steps, win.Time, waited)
		}
	}
}

// payeeSettles checks R5.4 once everything settled: the payee gained no
// more than the payer lost, and a debited payer's payment reached the
// payee.
func payeeSettles(f fataler, in models.Instance, payer, payee world.PartyID, before map[world.PartyID]int64, what string) {
	loss, gain := before[payer]-worth(in, payer), worth(in, payee)-before[payee]
	if gain > loss {
		f.Fatalf("%s: the payee gained %d fen, the payer lost only %d", what, gain, loss)
	}
	if loss > 0 && gain != loss {
		f.Fatalf("%s: the honest payer was debited %d fen, yet the payee ends credited with %d after reconciliation", what, loss, gain)
	}
}

// payerHoldsReceipts checks R5.4's receipt before the payer reconciles:
// a payer debited since before holds receipts (models.Receipter) for
// payments to payee that reconciliation accepts, worth at least what it
// was debited. An instance that shows no receipts is not checked
// (noteReceipts says so in the property's log).
func payerHoldsReceipts(f fataler, in models.Instance, payer, payee world.PartyID, before map[world.PartyID]int64, what string) {
	rc, ok := in.(models.Receipter)
	if !ok {
		return
	}
	loss := before[payer] - worth(in, payer)
	if loss <= 0 {
		return
	}
	rs, err := rc.Receipts(payer)
	if codeOf(err) == spec.CodeUnimplemented {
		return // an external payer: the harness cannot read its log
	}
	if err != nil {
		f.Fatalf("%s: receipts of %s: %v", what, payer, err)
	}
	var proved int64
	for _, r := range rs {
		if r.Payee == payee && r.Err == nil {
			proved += r.Amount
		}
	}
	if proved < loss {
		f.Fatalf("%s: the payer was debited %d fen and holds receipts reconciliation accepts for %d (%+v)", what, loss, proved, rs)
	}
}

// noteReceipts logs that in's receipts go unchecked, if it shows none.
func noteReceipts(t *T, in models.Instance) {
	if _, ok := in.(models.Receipter); !ok {
		t.Logf("%s does not implement models.Receipter: R5.4's receipts (a debited payer holds proof reconciliation accepts) are not checked", t.Info.Name)
	}
}

// settleAll reconciles every listed party twice and then has the payee
// deposit and reconcile once more.
func settleAll(f fataler, in models.Instance, payee world.PartyID, ws ...world.PartyID) {
	mustReconcile(f, in, ws...)
	mustReconcile(f, in, ws...)
	if _, err := in.Deposit(payee); err != nil && codeOf(err) == "" {
		f.Fatalf("deposit %s: %v", payee, err)
	}
	mustReconcile(f, in, ws...)
}

// maliciousPayeeEveryPoint is R5.4 over every step of a clean payment: the
// payee withholds or ignores that step's message (a loss) or aborts there
// (a power cut), then deposits whatever it kept before anyone reconciles.
func maliciousPayeeEveryPoint(t *T) {
	ws := mustWallets(t, t.New(t, t.Seed, models.Config{}), 2)
	a, b := ws[0], ws[1]
	setup := func() models.Instance {
		in := t.New(t, t.Seed, models.Config{})
		mustFund(t, in, a, fundAmount)
		return in
	}
	clean := cleanPayment(t, setup, a, b, paymentAmount)
	noteReceipts(t, setup())
	points := pointsOn(append(world.LossPoints(clean.Outcome), world.CrashPoints(clean.Outcome)...))
	for _, f := range points {
		in := setup()
		plan := world.Plan{f}
		t.Witness(in.World(), plan)
		before := worths(in)
		if _, err := in.Pay(a, b, paymentAmount, plan); err != nil {
			t.Fatalf("%v: pay: %v", f, err)
		}
		payerHoldsReceipts(t, in, a, b, before, fmt.Sprintf("payee deviating with %v", f))
		if _, err := in.Deposit(b); err != nil && codeOf(err) == "" {
			t.Fatalf("%v: deposit: %v", f, err)
		}
		settleAll(t, in, b, b, a)
		payeeSettles(t, in, a, b, before, fmt.Sprintf("payee deviating with %v, depositing at once", f))
	}
	t.Count(len(points))
	// The payee's own device deviating without a fault: it keeps what it
	// verified and withholds the message that completes the payer's side,
	// or sends the payer the refusal an honest payee sends for a payment
	// it did not store. A payee the harness cannot corrupt (an external
	// wallet) is not staged, and the log says so: the points above hold
	// the property's verdict.
	for _, d := range payeeCorruptions[1:] {
		in := setup()
		if cr, ok := in.(models.Corrupter); !ok {
			t.Logf("%s not staged: the instance does not implement models.Corrupter", d.kind)
			continue
		} else if err := cr.Corrupt(b, models.Corruption{Kind: d.kind}); codeOf(err) == spec.CodeUnimplemented {
			t.Logf("%s not staged: %v", d.kind, err)
			continue
		} else if err != nil {
			t.Fatalf("corrupt %s with %s: %v", b, d.kind, err)
		}
		t.Witness(in.World(), nil)
		before := worths(in)
		if _, err := in.Pay(a, b, paymentAmount, nil); err != nil {
			t.Fatalf("%s: pay: %v", d.kind, err)
		}
		payerHoldsReceipts(t, in, a, b, before, fmt.Sprintf("payee deviating with no fault%s", d.how))
		if _, err := in.Deposit(b); err != nil && codeOf(err) == "" {
			t.Fatalf("%s: deposit: %v", d.kind, err)
		}
		settleAll(t, in, b, b, a)
		payeeSettles(t, in, a, b, before, fmt.Sprintf("payee deviating with no fault%s, depositing at once", d.how))
		t.Count(1)
	}
}

// payeeFaults are what a malicious payee does to the channel it shares
// with the payer: withhold, repeat, reorder, delay, replay, abort.
var payeeFaults = []world.FaultKind{world.FaultDrop, world.FaultDuplicate, world.FaultReorder, world.FaultDelay,
	world.FaultReplay, world.FaultCrashBefore, world.FaultCrashAt, world.FaultCrashAfter}

// payeeCorruptions are what a malicious payee's own device does (none
// first): keep what it verified and never complete the payer's side, or
// keep it and tell the payer, authenticated, that the payment failed.
// how is what a failure message adds.
var payeeCorruptions = []struct {
	kind models.CorruptionKind
	how  string
}{
	{"", ""},
	{models.CorruptWithholdAck, ", withholding its acknowledgement"},
	{models.CorruptRefuseAfterStore, ", refusing the payment it stored"},
}

// maliciousPayeeRandom is R5.4 with generated deviations.
func maliciousPayeeRandom(t *T) {
	// Boundary cases first (boundary.go): the payee honest, withholding
	// its acknowledgement, and refusing what it stored, once each, on an
	// instance of the run's seed, without faults; then the random cases.
	noteReceipts(t, t.New(t, t.Seed, models.Config{}))
	for i := range payeeCorruptions {
		maliciousPayeeCase(t, t, fixedChoice{t: t, seed: t.Seed, picks: map[string]int{"payee-corruption": i}})
		t.Count(1)
	}
	// And each once more with the payer paying a third wallet all it
	// holds before it reconciles, the payee reconciling first.
	for i := range payeeCorruptions {
		maliciousPayeeCase(t, t, fixedChoice{t: t, seed: t.Seed, picks: map[string]int{"payee-corruption": i, "payer-onward": 1}})
		t.Count(1)
	}
	// And each once more with the payee depositing what it kept and the
	// payer then depositing all it holds, before either reconciles.
	for i := range payeeCorruptions {
		maliciousPayeeCase(t, t, fixedChoice{t: t, seed: t.Seed, picks: map[string]int{"payee-corruption": i, "payer-onward": 2, "payee-deposits-first": 1}})
		t.Count(1)
	}
	rapid.Check(t, func(rt *rapid.T) { maliciousPayeeCase(t, rt, rapidChoice{rt}) })
}

// maliciousPayeeCase is one case of R5.4's random property. With the
// choice payer-onward 1, the payer then pays a third wallet c before it
// reconciles, and the case checks fairness to those who did not deviate
// (R5.4 with R2.4): whatever order the three settle in, neither the payer
// nor c is named a double spender, c is credited what it accepted, the
// payee gains no more than the payer lost to it, and value is conserved.
// With payer-onward 2 the payer instead deposits all it holds before it
// reconciles (after the payee deposited, if chosen): the payer is not
// named, the payee gains no more than the payer lost, value is conserved.
func maliciousPayeeCase(t *T, f fataler, ch choice) {
	in := t.New(f, ch.world(), models.Config{})
	move := ch.index("payer-onward", 3)
	onward := move == 1
	n := 2
	if onward {
		n = 3
	}
	ws := mustWallets(t, in, n)
	a, b := ws[0], ws[1]
	mustFund(f, in, a, ch.int64("fund", 1, 50000))
	deviation := payeeCorruptions[ch.index("payee-corruption", len(payeeCorruptions))]
	if deviation.kind != "" {
		corrupt(t, f, in, b, models.Corruption{Kind: deviation.kind})
	}
	v := in.View(a)
	hi := v.Offline()
	if ch.index("within-one-coin", 2) == 1 {
		hi = largestCoin(v)
	}
	hi = min(hi, models.Config{}.WithDefaults().Limits.PerPayment)
	if hi < 1 {
		f.Fatalf("%s holds nothing to pay with: %+v", a, v)
	}
	amount := ch.int64("amount", 1, hi)
	before := worths(in)
	plan := ch.plan(payeeFaults, ws, 3)
	t.Witness(in.World(), plan)
	if _, err := in.Pay(a, b, amount, plan); err != nil {
		f.Fatalf("pay: %v", err)
	}
	how := fmt.Sprintf("payee deviating with %v", plan) + deviation.how
	if len(plan) == 0 {
		how = "payee deviating with no fault" + deviation.how
	}
	payerHoldsReceipts(f, in, a, b, before, how)
	// The payee's own moves, before the payer reconciles.
	for _, op := range ch.ops("payee-ops", []string{"deposit", "reconcile", "restart"}, 4) {
		switch op {
		case "deposit":
			_, _ = in.Deposit(b)
		case "reconcile":
			_ = in.Reconcile(b)
		case "restart":
			in.Restart(b)
		}
	}
	payerHoldsReceipts(f, in, a, b, before, how+", after the payee's moves")
	if move == 2 {
		how += ", then the payer depositing all it holds before it reconciles"
		if ch.index("payee-deposits-first", 2) == 1 {
			how = strings.Replace(how, ", then the payer", ", the payee depositing first, then the payer", 1)
			_, _ = in.Deposit(b)
		}
		if _, err := in.Deposit(a); err != nil && codeOf(err) == "" {
			f.Fatalf("%s: deposit %s: %v", how, a, err)
		}
		settleAll(f, in, b, ch.order([]world.PartyID{a, b})...)
		notNamed(f, in, how, a)
		payeeSettles(f, in, a, b, before, how)
		checkBalanced(f, in, how)
		return
	}
	if !onward {
		order := ch.order([]world.PartyID{a, b})
		settleAll(f, in, b, order...)
		payeeSettles(f, in, a, b, before, how)
		return
	}
	c := ws[2]
	how += ", then the payer paying a third wallet before it reconciles"
	beforeC := worth(in, c)
	accepted, received := payOnward(f, in, ch, a, c)
	settleAll(f, in, b, ch.order([]world.PartyID{b, a, c})...)
	if _, err := in.Deposit(c); err != nil && codeOf(err) == "" {
		f.Fatalf("deposit %s: %v", c, err)
	}
	mustReconcile(f, in, a, b, c)
	notNamed(f, in, how, a, c)
	gainC := worth(in, c) - beforeC
	if received && gainC != accepted {
		f.Fatalf("%s: the third wallet accepted %d fen from the payer and ends credited %d", how, accepted, gainC)
	}
	// The payer's loss to the payee is its loss less what c gained.
	toPayee := maps.Clone(before)
	toPayee[a] -= gainC
	payeeSettles(f, in, a, b, toPayee, how)
	checkBalanced(f, in, how)
}

// notNamed fails if the ledger names any of the honest wallets ws a
// double spender.
func notNamed(f fataler, in models.Instance, how string, ws ...world.PartyID) {
	for _, w := range ws {
		id := in.View(w).Identity
		for _, ev := range in.Ledger().DoubleSpends {
			if ev.Culprit == id {
				f.Fatalf("%s: honest %s (%q) is named the double spender of %v", how, w, id, ev.Coin)
			}
		}
	}
}

// payOnward has payer a pay c a chosen part of what it holds offline
// (all of it, up to the per-payment limit, in the boundary case) and
// returns the amount and whether c stored it (models.Payment.Received);
// nothing if a holds nothing.
func payOnward(f fataler, in models.Instance, ch choice, a, c world.PartyID) (int64, bool) {
	hi := min(in.View(a).Offline(), models.Config{}.WithDefaults().Limits.PerPayment)
	if hi < 1 {
		return 0, false
	}
	amount := ch.int64("onward", 1, hi)
	p, err := in.Pay(a, c, amount, nil)
	if err != nil {
		f.Fatalf("pay onward: %v", err)
	}
	return amount, p.Received
}

// payerFaults are what a malicious payer does to its messages and device.
var payerFaults = append(append([]world.FaultKind(nil), tamperFaults...),
	world.FaultDrop, world.FaultDuplicate, world.FaultReplay, world.FaultCrashBefore, world.FaultCrashAt, world.FaultCrashAfter)

// maliciousPayerAcceptedPaid is R5.5.
func maliciousPayerAcceptedPaid(t *T) {
	// Boundary cases first (boundary.go): every strategy once, on an
	// instance of the run's seed, without faults, with the smallest
	// choices; then the random cases.
	for i := range payerStrategies {
		maliciousPayerCase(t, t, fixedChoice{t: t, seed: t.Seed, picks: map[string]int{"strategy": i}})
		t.Count(1)
	}
	rapid.Check(t, func(rt *rapid.T) { maliciousPayerCase(t, rt, rapidChoice{rt}) })
}

// payerStrategies are how R5.5's malicious payer deviates.
var payerStrategies = []string{"none", "restore", "clone", "restart", "storage"}

// maliciousPayerCase is one case of R5.5: a payer deviating by the chosen
// strategy pays b (and, when it restores or clones, c); whoever accepted
// must be paid in full at settlement or the payer named with evidence.
func maliciousPayerCase(t *T, f fataler, ch choice) {
	in := t.New(f, ch.world(), models.Config{})
	ws := mustWallets(t, in, 3)
	a, b, c := ws[0], ws[1], ws[2]
	mustFund(f, in, a, ch.int64("fund", 1, 50000))
	identity := in.View(a).Identity
	strategy := payerStrategies[ch.index("strategy", len(payerStrategies))]
	if k := map[string]world.FaultKind{"restore": world.FaultRollback, "clone": world.FaultClone}[strategy]; k != "" && switchedOff.has(k) {
		ch.skip("the " + string(k) + " fault is switched off")
		return
	}
	limit := models.Config{}.WithDefaults().Limits.PerPayment
	var amount int64
	if strategy == "storage" {
		// The payer's store is edited to hold coins it never received,
		// and it pays with them. Larger than any coin it holds, so a
		// largest-first wallet pays with it.
		extra := largestCoin(in.View(a)) + ch.int64("extra", 1, 10000)
		cr, ok := in.(models.Corrupter)
		if !ok {
			ch.skip(t.Info.Name + " has no models.Corrupter to edit the payer's storage")
			return
		}
		if err := cr.Corrupt(a, models.Corruption{Kind: models.CorruptStorage, Value: extra}); err != nil {
			if codeOf(err) == spec.CodeUnimplemented {
				ch.skip("the scheme cannot edit the payer's storage: " + err.Error())
				return
			}
			f.Fatalf("corrupt %s's storage: %v", a, err)
		}
		// Pay with the forged coin.
		amount = ch.int64("forged-amount", 1, min(largestCoin(in.View(a)), limit))
	} else {
		v := in.View(a)
		hi := v.Offline()
		if ch.int64("within-one-coin", 0, 1) == 1 {
			hi = largestCoin(v)
		}
		hi = min(hi, limit)
		if hi < 1 {
			f.Fatalf("%s holds nothing to pay with: %+v", a, v)
		}
		amount = ch.int64("amount", 1, hi)
	}
	snap := in.Snapshot(a)
	if strategy == "restore" && snap.Unsaved() {
		ch.skip(noRollback(a))
		return
	}
	var clone world.PartyID
	if strategy == "clone" {
		var err error
		if clone, err = in.Clone(a); err != nil {
			// Only a device whose store the harness cannot read (a card
			// in a reader) may not be cloned; any other target must.
			if codeOf(err) == spec.CodeUnimplemented && snap.Unsaved() {
				ch.skip("the payer's device cannot be cloned: " + err.Error())
				return
			}
			f.Fatalf("clone: %v", err)
		}
	}
	accounts := map[world.PartyID]int64{b: in.View(b).Account, c: in.View(c).Account}
	plan := ch.plan(payerFaults, ws, 2)
	t.Witness(in.World(), plan)
	accepted := map[world.PartyID]bool{}
	p, err := in.Pay(a, b, amount, plan)
	if err != nil {
		f.Fatalf("pay: %v", err)
	}
	accepted[b] = p.Received
	parties := []world.PartyID{a, b, c}
	switch strategy {
	case "restore":
		in.Restore(a, snap)
		q, _ := in.Pay(a, c, amount, nil)
		accepted[c] = q.Received
	case "clone":
		q, _ := in.Pay(clone, c, amount, nil)
		accepted[c] = q.Received
		parties = append(parties, clone)
	case "restart":
		in.Restart(a)
	}
	// The parties go online in a generated order, and the payees deposit
	// at a generated point of it (before anyone reconciled, between, or
	// after everyone), in a generated order of the two.
	order := ch.order(parties)
	depositAt := ch.index("deposit-at", len(order)+1)
	depositors := []world.PartyID{b, c}
	if fixedOrders {
		depositAt = len(order)
	} else if ch.index("first-depositor", 2) == 1 {
		depositors = []world.PartyID{c, b}
	}
	for i := 0; i <= len(order); i++ {
		if i == depositAt {
			for _, w := range depositors {
				_, _ = in.Deposit(w)
			}
		}
		if i < len(order) {
			mustReconcile(f, in, order[i])
		}
	}
	mustReconcile(f, in, order...)
	for _, w := range depositors {
		_, _ = in.Deposit(w)
	}
	mustReconcile(f, in, order...)
	for _, w := range []world.PartyID{b, c} {
		if !accepted[w] {
			continue
		}
		if got := in.View(w).Account - accounts[w]; got == amount {
			continue
		}
		if named(t, in, identity) {
			continue
		}
		f.Fatalf("%s accepted %d fen from %s (strategy %s, plan %v), is credited %d at settlement, and no verifiable evidence names %q",
			w, amount, a, strategy, plan, in.View(w).Account-accounts[w], identity)
	}
}

// named reports whether a double-spend flag names identity with evidence
// that verifies with public data.
func named(t *T, in models.Instance, identity string) bool {
	for _, ev := range in.Ledger().DoubleSpends {
		if ev.Culprit != identity {
			continue
		}
		if who, err := verifyEvidence(t, in, ev); err == nil && who == identity {
			return true
		}
	}
	return false
}
