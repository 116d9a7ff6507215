package conformance

import (
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// Issue 13's faults that act, in the properties: a message the channel
// repeats, holds back or delivers out of order reaches its receiver in a
// state the lock-step exchange never shows it (channelRepeatsProperty);
// clocks are skewed where a statement involves time (timedFaults,
// payerClockPlan); a double spender's copies upload before anyone they
// paid (spendersFirstProperty); and every way a kind is staged honours
// the switchedOff test hook (drawRollback here, pointsOn and scheduled in
// helpers.go).

// lateDelay is the long delay of channelRepeatsEveryStep: past the time
// window of any payment timestamp a receiver checks (minutes), short of
// a certificate's validity.
const lateDelay = 10 * time.Minute

// channelRepeatsProperty is R1.2's exhaustive case for the repeats a
// benign channel makes.
func channelRepeatsProperty() Property {
	return Property{
		Sub:   "R1.2",
		Name:  "channel-repeats-every-step",
		Doc:   "a clean payment under every single duplication, reordering (the sender retransmits and the original arrives after its next message) and delay (retransmitted, the original arriving after the exchange; and 10 minutes late) at every step, then every wallet reconciles; every refusal is typed and not internal, no message delivered a second time is accepted again (unrefused, and answered with other than the bytes it answered the first time, or written to its receiver's store), the payer saw the acknowledgement exactly when the payee stored the value (but 10 minutes late), the payer moved nothing or exactly the amount, the payee exactly what the payer moved, and no other wallet changed",
		Check: channelRepeatsEveryStep,
	}
}

func channelRepeatsEveryStep(t *T) {
	var bystander world.PartyID
	steps := cleanSteps(t, t.Seed, func(s scene) (world.PartyID, world.PartyID) {
		bystander = s.c
		return s.a, s.b
	})
	plans := boundaryPlans([]world.FaultKind{world.FaultDuplicate, world.FaultReorder, world.FaultDelay}, steps, bystander)
	if !switchedOff.has(world.FaultDelay) {
		for step := 1; step <= steps; step++ {
			plans = append(plans, world.Plan{{Step: step, Kind: world.FaultDelay, Arg: int(lateDelay / time.Millisecond)}})
		}
	}
	for _, plan := range plans {
		s := newScene(t, t, t.Seed)
		p := planPayment(t, s, s.a, s.b, payAmount, plan, checkWhole)
		if e, ok := answeredRepeat(s.in.World(), p.Outcome.Session); ok {
			t.Fatalf("under %s: %s answered the %s it had already been delivered (step %d) with a new reply or wrote to its store handling it, instead of refusing it, ignoring it or resending its first reply", plan, e.To, e.Type, e.Step)
		}
		// A repeat that makes nothing new leaves the exchange whole: no
		// message was lost, so the payer sees the acknowledgement exactly
		// when the payee stored the value. (Ten minutes late, a payee may
		// refuse a stale payment a one-way payer counts as made.)
		late := slices.ContainsFunc(plan, func(f world.Fault) bool { return f.Kind == world.FaultDelay && f.Arg > 0 })
		if !late && p.Paid != p.Received {
			t.Fatalf("under %s the payment ended half done, no message lost (payer saw the acknowledgement: %v, payee stored the value: %v): a repeat was taken as new", plan, p.Paid, p.Received)
		}
		t.Count(1)
	}
}

// timedFaults adds clock skew to kinds, for the properties whose
// statement involves time (offline periods, windows): a device's clock
// may be off while it pays.
func timedFaults(kinds []world.FaultKind) []world.FaultKind {
	return append(append([]world.FaultKind(nil), kinds...), world.FaultSkew)
}

// payerSkews are the payer clock offsets of payerClockPlan: none, an hour
// and two days ahead (past any daily reset); all inside a certificate's
// validity (a run starts at its first instant, so no clock goes back).
var payerSkews = []time.Duration{0, time.Hour, 48 * time.Hour}

// payerClockPlan draws an offset for the payer's clock from the first
// message of a payment, which the payer receives in every scheme (a
// payment request): limits that reset online must not reset when a
// clock moves. Nil when skew is switched off or the draw is no offset.
func payerClockPlan(rt *rapid.T) world.Plan {
	if switchedOff.has(world.FaultSkew) {
		return nil
	}
	d := rapid.SampledFrom(payerSkews).Draw(rt, "payer-skew")
	if d == 0 {
		return nil
	}
	return world.Plan{{Step: 1, Kind: world.FaultSkew, Arg: int(d / time.Millisecond)}}
}

// drawRollback draws how a double spender gets its second copy: rolled
// back (true) or cloned (false), of the kinds not switched off.
func drawRollback(rt *rapid.T) bool {
	switch {
	case switchedOff.has(world.FaultRollback):
		return false
	case switchedOff.has(world.FaultClone):
		return true
	}
	return rapid.Bool().Draw(rt, "rollback")
}

// spendersFirstProperty is R2.3's boundary case: the culprit's copies
// upload before anyone they paid.
func spendersFirstProperty() Property {
	return Property{
		Sub:   "R2.3",
		Name:  "spenders-upload-first",
		Doc:   "a cloned payer and its clone, or a payer rolled back to before its first spend, pay the same whole coin to two payees; the spenders reconcile first (a rolled-back payer after its first payee, whose upload alone holds the first spend; or, when it uploaded its first spend before the rollback, first of all), then the payees; the coins spent twice are flagged exactly from the reconciliation that brought in the second conflicting spend on; and once more with the clone paid by the second payee before it spends all it holds, so the coins spent twice sit among a coin spent once (unless the scheme cannot make those payments, logged)",
		Check: spendersUploadFirst,
	}
}

func spendersUploadFirst(t *T) {
	// combined: the clone is paid by the second payee before it spends
	// again, and spends all it holds: the coin spent twice among a coin
	// spent once, not necessarily the spend's first input (a bank that
	// looks for a double spend on the first input only must still flag
	// it).
	for _, v := range []struct{ rollback, between, combined bool }{{false, false, false}, {true, false, false}, {true, true, false}, {false, false, true}} {
		rollback := v.rollback
		if switchedOff.has(map[bool]world.FaultKind{true: world.FaultRollback, false: world.FaultClone}[rollback]) {
			continue
		}
		in := t.New(t, t.Seed, models.Config{})
		ws := mustWallets(t, in, 3)
		a, b, c := ws[0], ws[1], ws[2]
		mustFund(t, in, a, 1000)
		held := in.View(a).Coins
		t.Witness(in.World(), nil)
		second, restore := twin(t, t, in, a, rollback)
		// A whole coin: no change carries the spend's record back.
		p, amount, err := payOrLargestCoin(in, a, b, largestCoin(in.View(a)))
		if err != nil || !p.Received {
			t.Fatalf("first spend %s → %s: %s", a, b, describe(p, err))
		}
		spentA := missing(held, in.View(a).Coins)
		if v.between {
			// The payer uploads its first spend before it is rolled back.
			mustReconcile(t, in, a)
		}
		restore()
		again := amount
		if v.combined {
			const paid = 500
			mustFund(t, in, c, paid)
			if p, err := in.Pay(c, second, paid, nil); err != nil || !p.Received {
				if err == nil && cheaperCures(p) {
					t.Logf("the combined double spend is not checked: %s cannot pay %s %d fen in one payment: %s", c, second, paid, describe(p, nil))
					continue
				}
				t.Fatalf("%s pays %s %d fen: %s", c, second, paid, describe(p, err))
			}
			again = min(in.View(second).Offline(), models.Config{}.WithDefaults().Limits.PerPayment)
		}
		q, err := in.Pay(second, c, again, nil)
		if err == nil && v.combined && !q.Received && cheaperCures(q) {
			again = amount // too many coins for one payment: the amount alone
			q, err = in.Pay(second, c, again, nil)
		}
		if err != nil || !q.Received {
			t.Fatalf("second spend %s → %s of %d fen: %s", second, c, again, describe(q, err))
		}
		d := &doubleSpend{in: in, payer: a, second: second, payees: [2]world.PartyID{b, c}, amount: amount, rollback: rollback}
		for _, x := range missing(held, in.View(second).Coins) {
			if slices.Contains(spentA, x) {
				d.spent = append(d.spent, x)
			}
		}
		if len(d.spent) == 0 && v.combined {
			t.Logf("the combined double spend is not checked: the clone's spend of %d fen took none of the coins spent before", again)
			continue
		}
		if len(d.spent) == 0 {
			t.Fatalf("the two spends consumed no common coin (first %v): nothing was double spent", spentA)
		}
		// The reconciliation that brings in the second spend: the clone's,
		// or the rolled-back payer's after its first payee's.
		// both is the index in order of that reconciliation.
		order, both := []world.PartyID{a, second, b, c}, 1
		switch {
		case v.between:
			order, both = []world.PartyID{a, b, c}, 0
		case rollback:
			order = []world.PartyID{b, a, c}
		}
		what := map[bool]string{true: "rolled-back", false: "cloned"}[rollback]
		switch {
		case v.between:
			what = "rolled-back (after uploading its first spend)"
		case v.combined:
			what = "cloned (the clone paid by the second payee, then spending all it holds)"
		}
		for i, w := range order {
			mustReconcile(t, in, w)
			ok, complete, why := flaggedCover(d)
			if !ok || (i >= both && !complete) {
				t.Fatalf("a %s double spend, reconciled in the order %v: after %s the coins spent twice are not exactly the coins flagged: %s", what, order, w, why)
			}
		}
	}
}
