package conformance

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// r1Properties returns the properties of requirement R1, security.
// byRole is R1.3 and R1.4 for each role of the bad device: one property
// per role, so a documented gap on one side (the chain payee shows no
// certificate) does not hide a check missing on the other.
func byRole() []Property {
	type staging struct {
		sub         spec.SubID
		name, setup string
		codes       string
		check       func(t *T, badPays bool)
	}
	var out []Property
	for _, s := range []staging{
		{"R1.3", "uncertified", "a wallet presents a self-signed certificate, one from a foreign root, or one of the other crypto suite", "untrusted-issuer, bad-signature or wrong-suite", uncertifiedDeviceRefused},
		{"R1.4", "revoked", "a wallet that paid a third wallet before (both reconciled, so the banks settled a payment it signed) has its certificate revoked and the honest counterpart reconciles to fetch the revocation list (the revoked wallet paying also with its own clock an hour behind)", "cert-revoked", revokedDeviceRefused},
		{"R1.4", "expired", "the clock is advanced past the certificates' validity and the honest counterpart reconciles to learn the time", "cert-expired", expiredDeviceRefused},
	} {
		for _, role := range []string{"payer", "payee"} {
			badPays := role == "payer"
			out = append(out, Property{
				Sub:   s.sub,
				Name:  s.name + "-" + role + "-refused",
				Doc:   s.setup + "; payments with that wallet as " + role + " are refused with " + s.codes + " before any value moves, and after both reconcile neither wallet's worth changed",
				Check: func(t *T) { s.check(t, badPays) },
			})
		}
	}
	for _, role := range []string{"payer", "payee"} {
		out = append(out, Property{
			Sub:   "R1.4",
			Name:  "skewed-" + role + "-clock-refuses",
			Doc:   "the " + role + "'s clock is offset (a skew fault at every step that delivers to it) past the end of the certificates' validity, then before its start, while world time stays inside it; the " + role + " refuses the payment with cert-expired or cert-not-yet-valid before any value moves; after both reconcile (the banks judge by the true time, at which the certificates are valid) the worths are unchanged or the payment settled whole",
			Check: func(t *T) { skewedClockRefuses(t, role == "payer") },
		})
	}
	return out
}

func r1Properties() []Property {
	return append(append(byRole(), []Property{
		{
			Sub:   "R1.1",
			Name:  "tamper-every-message",
			Doc:   "every message of a clean payment is bit-flipped, truncated, extended, has a field substituted (by that field of the sender's latest other message, random bytes where there is none) and has one bit of a field flipped (in its first byte, further in, and its last bit where its length is a power of two) in turn; the altered message is refused with a canonical code other than internal and, once both parties reconcile, payer and payee are both in the pre-state or both in the post-state; then the same on a clean payment combining value of two origins (what the payer withdrew and what the third wallet paid it: several inputs), unless the scheme cannot make it in one payment (logged)",
			Check: tamperEveryMessage,
		},
		{
			Sub:   "R1.1",
			Name:  "tamper-random-plans",
			Doc:   "a clean payment under every single bit flip, truncation, extension and field substitution at every step, then random payments under random plans of up to three of them; every refusal is typed and not internal, and after reconciliation no wallet gained or lost value except by the payment itself, whole",
			Check: tamperRandomPlans,
		},
		{
			Sub:   "R1.2",
			Name:  "replayed-message-refused",
			Doc:   "after a clean payment from payer to payee, each of its messages is replayed into every step of a second payment between them, and again with both wallets power-cycled between the payments; the replayed message is refused with replay, wrong-recipient or double-spend (unless byte-identical to the message it precedes) and, after reconciliation, the payee is credited at most the second payment",
			Check: replayedMessageRefused,
		},
		{
			Sub:   "R1.2",
			Name:  "replay-never-credits-twice",
			Doc:   "random payments under random plans of duplications, replays from earlier sessions and redirections; after every wallet reconciles, the value credited to all wallets never exceeds the value debited from them, no bystander changes, and the payee is credited nothing or exactly the amount, and no more than the payer lost",
			Check: replayNeverCreditsTwice,
		},
		{
			Sub:   "R1.5",
			Name:  "redirected-payment-no-value",
			Doc:   "each message of a payment in turn is redirected to a third wallet; the third wallet's worth never changes, after it reconciles and deposits too, and the payee is credited nothing or the amount, never more than the payer lost",
			Check: redirectedPaymentNoValue,
		},
		{
			Sub:   "R1.5",
			Name:  "transfer-to-other-payee-refused",
			Doc:   "each message of a clean payment to one payee is replayed into every step of a payment by the same payer to a second payee; the second payee refuses the foreign message with bad-seal, wrong-recipient or (bound to the first session's nonce) replay, unless it is byte-identical to its own, and after reconciliation and deposit it holds at most what it was paid itself and the first payee gained nothing more",
			Check: transferToOtherPayeeRefused,
		},
		{
			Sub:   "R1.6",
			Name:  "relay-gives-no-value",
			Doc:   "a clean payment under every single relay, reorder, delay, drop and redirect to a bystander wallet at every step, then random payments under random plans of up to three of them; after every wallet reconciles, every wallet other than payer and payee is unchanged and the payee is credited the amount or nothing, never more than the payer was debited",
			Check: relayGivesNoValue,
		},
		channelRepeatsProperty(),
	}...), insiderProperties("R1")...)
}

// payAmount is the payment the deterministic R1 properties make: not a
// denomination, so coins are split and change is made.
const payAmount = 230

// scene is a fresh instance with three wallets, the first and the third
// funded, and optionally a clean payment already made.
type scene struct {
	t       *T
	in      models.Instance
	a, b, c world.PartyID
}

func newScene(t *T, f fataler, seed uint64) scene {
	in := t.New(f, seed, models.Config{Wallets: 3})
	ws := in.Wallets()
	if len(ws) < 3 {
		f.Fatalf("the instance has %d wallets, the property needs 3", len(ws))
	}
	s := scene{t: t, in: in, a: ws[0], b: ws[1], c: ws[2]}
	mustFund(f, in, s.a, 1000)
	mustFund(f, in, s.c, 1000)
	return s
}

// cleanSteps runs the payment a → b of amount on a fresh scene of seed
// and returns how many steps it took.
func cleanSteps(t *T, seed uint64, prep func(s scene) (world.PartyID, world.PartyID)) int {
	return cleanOutcome(t, seed, prep).Steps
}

// cleanOutcome is cleanSteps' whole outcome: the steps, and how many
// fields each step's message has.
func cleanOutcome(t *T, seed uint64, prep func(s scene) (world.PartyID, world.PartyID)) world.Outcome {
	s := newScene(t, t, seed)
	p, q := prep(s)
	pay, err := s.in.Pay(p, q, payAmount, nil)
	if err != nil || !pay.Received {
		t.Fatalf("the clean payment %s → %s failed: %s", p, q, describe(pay, err))
	}
	return pay.Outcome
}

// acceptable reports whether a refusal code is canonical and not internal.
func acceptable(c spec.Code) bool { return c.Known() && c != spec.CodeInternal }

// checkTyped fails the case for a refusal that is untyped or internal.
func checkTyped(f fataler, p models.Payment, what string) {
	for _, r := range p.Outcome.Rejections {
		if c := codeOf(r.Err); !acceptable(c) {
			f.Fatalf("%s: step %d: %s refused %s with %q, want a canonical code other than internal: %v", what, r.Step, r.Party, r.Type, c, r.Err)
		}
	}
}

// rejectedAt returns the codes of the refusals at step.
func rejectedAt(p models.Payment, step int) []spec.Code {
	var out []spec.Code
	for _, r := range p.Outcome.Rejections {
		if r.Step == step {
			out = append(out, codeOf(r.Err))
		}
	}
	return out
}

// reconcileAll takes every wallet online, in order, twice (so what one
// upload forwards reaches a wallet that went first).
func reconcileAll(f fataler, in models.Instance) {
	ws := in.Wallets()
	mustReconcile(f, in, ws...)
	mustReconcile(f, in, ws...)
}

// checkWhole fails unless the payment moved nothing or exactly amount
// from payer to payee, and nobody else's worth changed.
func checkWhole(f fataler, in models.Instance, before map[world.PartyID]int64, payer, payee world.PartyID, amount int64, what string) {
	after := worths(in)
	want := map[world.PartyID]int64{}
	for w, v := range before {
		want[w] = v
	}
	dp := after[payer] - before[payer]
	if dp != 0 {
		want[payer], want[payee] = before[payer]-amount, before[payee]+amount
	}
	if d := cmp.Diff(want, after); d != "" {
		f.Fatalf("%s: value appeared or vanished: payer %s moved %d, payee %s moved %d, want both 0 or -%d/+%d (-want +got):\n%s",
			what, payer, dp, payee, after[payee]-before[payee], amount, amount, d)
	}
}

// checkNoGain fails if a wallet other than payer and payee changed, if
// the payee was credited anything but nothing or amount, or more than the
// payer was debited. Unlike checkWhole it lets value vanish (R5's
// business): it looks for value an adversary could gain.
func checkNoGain(f fataler, in models.Instance, before map[world.PartyID]int64, payer, payee world.PartyID, amount int64, what string) {
	after := worths(in)
	dp, dq := after[payer]-before[payer], after[payee]-before[payee]
	want := map[world.PartyID]int64{}
	for w, v := range before {
		want[w] = v
	}
	want[payer], want[payee] = after[payer], after[payee]
	if d := cmp.Diff(want, after); d != "" {
		f.Fatalf("%s: a wallet other than payer and payee changed (-want +got):\n%s", what, d)
	}
	if (dq != 0 && dq != amount) || dq > -dp || (dp != 0 && dp != -amount) {
		f.Fatalf("%s: payer %s moved %d, payee %s moved %d: the payee may gain the amount %d only, and only what the payer lost", what, payer, dp, payee, dq, amount)
	}
}

func tamperEveryMessage(t *T) {
	seed := t.Seed
	clean := cleanOutcome(t, seed, func(s scene) (world.PartyID, world.PartyID) { return s.a, s.b })
	tamperEach(t, pointsOn(messageFaults(t, clean)), "", payAmount, func() scene { return newScene(t, t, seed) })
	// The same faults on a payment that combines value of two origins:
	// what the payer withdrew and what the third wallet paid it. A
	// payment spending several coins or holdings carries a part per
	// input (a signature, a lineage): a receiver that checks only the
	// first input must meet a mutation of another's. Its faults follow
	// its own clean run: it may have more steps, or more fields.
	combined, out, why := combinedScene(t, seed)
	if why != "" {
		t.Logf("the payment combining value of two origins is not checked: %s", why)
		return
	}
	tamperEach(t, pointsOn(messageFaults(t, out)), "the combined payment ", combinedAmount, combined)
}

// messageFaults are R1.1's faults for a payment, read off its clean run
// (clean): at every step, bit flips spread over the whole message, every
// field of it substituted (clean.Fields: each coin's or input's parts
// are fields of their own), bits flipped inside each field, cuts and an
// extension. Bit 1023 is the last bit of any field whose length is a
// power of two (a 16-byte challenge, a 32-byte hash), where a compare one
// byte short stops; a shallow run keeps it. A message without field spans
// gets its first fieldsWithout "fields", which fall back to bit flips.
func messageFaults(t *T, clean world.Outcome) []world.Fault {
	flips, fieldBits := 8, []int{5, 301, 1023}
	if t.Checks() < DefaultChecks {
		flips, fieldBits = 4, []int{fieldBits[0], fieldBits[2]}
	}
	var faults []world.Fault
	for step := 1; step <= clean.Steps; step++ {
		for k := range flips {
			// 997 is prime: bit positions k·997+3 mod a message's bit
			// length spread over messages of any length.
			faults = append(faults, world.Fault{Step: step, Kind: world.FaultBitFlip, Arg: 3 + 997*k})
		}
		fields := fieldsWithout
		if step <= len(clean.Fields) && clean.Fields[step-1] > 0 {
			fields = clean.Fields[step-1]
		}
		for i := range fields {
			faults = append(faults, world.Fault{Step: step, Kind: world.FaultField, Arg: i})
			if i >= world.FieldFlipFields {
				continue // a field-bit fault names the first 16 fields only; substitution reaches the rest
			}
			for _, b := range fieldBits {
				faults = append(faults, world.Fault{Step: step, Kind: world.FaultFieldFlip, Arg: i + world.FieldFlipFields*b})
			}
		}
		faults = append(faults,
			world.Fault{Step: step, Kind: world.FaultTruncate, Arg: 7 + step},
			world.Fault{Step: step, Kind: world.FaultTruncate, Arg: 61 * step},
			world.Fault{Step: step, Kind: world.FaultExtend, Arg: 0x5a})
	}
	return faults
}

// fieldsWithout is how many field faults a message without field spans
// gets (they fall back to bit flips near its start).
const fieldsWithout = 12

// combinedAmount is what the payer pays in combinedScene: more than it
// withdrew (newScene's 1000) and more than it was paid (combinedPaid).
const (
	combinedPaid   = 600
	combinedAmount = 1300
)

// combinedScene returns a maker of scenes of seed in which c has paid a
// combinedPaid fen before a pays b combinedAmount, and checks the clean
// combined payment goes through (clean is its outcome); why says why not
// when the scheme cannot make it in one payment (too many coins:
// cheaperCures).
func combinedScene(t *T, seed uint64) (fresh func() scene, clean world.Outcome, why string) {
	fresh = func() scene {
		s := newScene(t, t, seed)
		if p, err := s.in.Pay(s.c, s.a, combinedPaid, nil); err != nil || !p.Received {
			t.Fatalf("%s pays %s %d fen: %s", s.c, s.a, combinedPaid, describe(p, err))
		}
		return s
	}
	s := fresh()
	p, err := s.in.Pay(s.a, s.b, combinedAmount, nil)
	switch {
	case err == nil && !p.Received && cheaperCures(p):
		return nil, world.Outcome{}, fmt.Sprintf("the clean payment %s → %s of %d fen was refused for want of coins it can spend in one payment: %s", s.a, s.b, combinedAmount, describe(p, nil))
	case err != nil || !p.Received:
		t.Fatalf("the clean combined payment %s → %s of %d fen failed: %s", s.a, s.b, combinedAmount, describe(p, err))
	}
	return fresh, p.Outcome, ""
}

// tamperEach pays amount a → b on a fresh scene under each single fault
// and checks the altered message is refused with a canonical code and
// the value moved whole or not at all.
func tamperEach(t *T, faults []world.Fault, what string, amount int64, fresh func() scene) {
	for _, f := range faults {
		plan := world.Plan{f}
		s := fresh()
		t.Witness(s.in.World(), plan)
		before := worths(s.in)
		p, err := s.in.Pay(s.a, s.b, amount, plan)
		if err != nil {
			t.Fatalf("%spay under %s: %v", what, plan, err)
		}
		checkTyped(t, p, what+"under "+plan.String())
		if codes := rejectedAt(p, f.Step); len(codes) == 0 {
			t.Fatalf("%sunder %s the altered message of step %d was accepted (%s)", what, plan, f.Step, describe(p, nil))
		}
		reconcileAll(t, s.in)
		checkWhole(t, s.in, before, s.a, s.b, amount, what+"under "+plan.String())
		checkBalanced(t, s.in, "reconciliation after "+what+plan.String())
	}
}

func tamperRandomPlans(t *T) {
	randomPlanPayment(t, tamperFaults, 900, checkWhole)
}

// randomPlanPayment pays a generated amount (up to maxAmount) between generated
// wallets under a generated plan of up to three faults of kinds, checks
// the outcome is typed, reconciles everyone and hands the worths before
// and after to check. Its boundary cases run first (boundary.go): the
// clean payment a → b of payAmount under every single fault of kinds at
// every step, on a scene of the run's seed.
func randomPlanPayment(t *T, kinds []world.FaultKind, maxAmount int64, check func(f fataler, in models.Instance, before map[world.PartyID]int64, payer, payee world.PartyID, amount int64, what string)) {
	var bystander world.PartyID
	steps := cleanSteps(t, t.Seed, func(s scene) (world.PartyID, world.PartyID) {
		bystander = s.c
		return s.a, s.b
	})
	for _, plan := range boundaryPlans(kinds, steps, bystander) {
		s := newScene(t, t, t.Seed)
		planPayment(t, s, s.a, s.b, payAmount, plan, check)
		t.Count(1)
	}
	rapid.Check(t, func(rt *rapid.T) {
		s := newScene(t, rt, rapid.Uint64().Draw(rt, "seed"))
		ws := s.in.Wallets()
		payer := rapid.SampledFrom([]world.PartyID{s.a, s.c}).Draw(rt, "payer")
		payee := rapid.SampledFrom(ws).Filter(func(w world.PartyID) bool { return w != payer }).Draw(rt, "payee")
		amount := rapid.Int64Range(1, maxAmount).Draw(rt, "amount")
		plan := drawPlan(rt, kinds, ws, 3)
		planPayment(rt, s, payer, payee, amount, plan, check)
	})
}

// planPayment is one case of randomPlanPayment; it returns the payment.
func planPayment(f fataler, s scene, payer, payee world.PartyID, amount int64, plan world.Plan, check func(f fataler, in models.Instance, before map[world.PartyID]int64, payer, payee world.PartyID, amount int64, what string)) models.Payment {
	s.t.Witness(s.in.World(), plan)
	before := worths(s.in)
	p, err := s.in.Pay(payer, payee, amount, plan)
	if err != nil {
		f.Fatalf("pay under %s: %v", plan, err)
	}
	checkTyped(f, p, "under "+plan.String())
	reconcileAll(f, s.in)
	check(f, s.in, before, payer, payee, amount, "under "+plan.String())
	return p
}

// replayCodes are the refusals R1.2 names for a message used again.
var replayCodes = []spec.Code{spec.CodeReplay, spec.CodeWrongRecipient, spec.CodeDoubleSpend}

// delivered lists the messages session sess delivered, in order: the
// replay pool of a later session when sess was the only earlier one.
func delivered(w *world.World, sess uint64) []world.Event {
	var out []world.Event
	for _, e := range w.Trace().Events() {
		if e.Session == sess && e.Kind == world.KindDeliver {
			out = append(out, e)
		}
	}
	return out
}

// refusalOf returns the code its receiver refused the first message
// delivered at step of session sess whose payload hash is hash with, ""
// when it took it (found: such a message was delivered). A refusal is
// traced right after its delivery, before the next message is.
func refusalOf(w *world.World, sess uint64, step int, hash string) (code spec.Code, found bool) {
	evs := w.Trace().Events()
	for i, e := range evs {
		if e.Session != sess || e.Step != step || e.Kind != world.KindDeliver || e.Hash != hash {
			continue
		}
		for _, n := range evs[i+1:] {
			switch {
			case n.Session != sess:
			case n.Kind == world.KindReject:
				return spec.Code(n.Code), true
			case n.Kind == world.KindDeliver:
				return "", true
			}
		}
		return "", true
	}
	return "", false
}

// identicalAt reports whether every message delivered at step of session
// sess had the same bytes: a replay indistinguishable from the message it
// preceded, which carries nothing to refuse.
func identicalAt(w *world.World, sess uint64, step int) bool {
	var hashes []string
	for _, e := range w.Trace().Events() {
		if e.Session == sess && e.Step == step && e.Kind == world.KindDeliver {
			hashes = append(hashes, e.Hash)
		}
	}
	return len(hashes) > 1 && !slices.ContainsFunc(hashes, func(h string) bool { return h != hashes[0] })
}

// firstPayment makes the clean payment payer → payee on a fresh scene and
// returns the scene and the messages it delivered.
func firstPayment(t *T, seed uint64) (scene, []world.Event) {
	return firstPaymentCycled(t, seed, false)
}

// firstPaymentCycled is firstPayment, then, when cycle, both wallets
// power-cycled: what a receiver keeps to refuse a message a second time
// must outlive a restart.
func firstPaymentCycled(t *T, seed uint64, cycle bool) (scene, []world.Event) {
	s := newScene(t, t, seed)
	p, err := s.in.Pay(s.a, s.b, payAmount, nil)
	if err != nil || !p.Received {
		t.Fatalf("the first payment failed: %s", describe(p, err))
	}
	ev := delivered(s.in.World(), p.Outcome.Session)
	// Settle it, so the worths a property compares are final ones.
	reconcileAll(t, s.in)
	if cycle {
		s.in.Restart(s.a)
		s.in.Restart(s.b)
	}
	return s, ev
}

func replayedMessageRefused(t *T) {
	if switchedOff.has(world.FaultReplay) {
		t.Skipf("%s: the replay fault is switched off", t.Info.Name)
	}
	seed := t.Seed
	_, pool := firstPayment(t, seed)
	for _, cycle := range []bool{false, true} {
		replayedIntoSecond(t, seed, pool, cycle)
	}
}

// replayedIntoSecond replays each message of the first payment (pool)
// into every step of a second payment that delivers the same kind of
// message to the same party, the wallets power-cycled in between when
// cycle.
func replayedIntoSecond(t *T, seed uint64, pool []world.Event, cycle bool) {
	for step := 1; step <= len(pool); step++ {
		for k := range pool {
			// Replay message k at the step that delivers the same kind of
			// message to the same party.
			if pool[k].To != pool[step-1].To || pool[k].Type != pool[step-1].Type {
				continue
			}
			s, _ := firstPaymentCycled(t, seed, cycle)
			plan := world.Plan{{Step: step, Kind: world.FaultReplay, Arg: k}}
			t.Witness(s.in.World(), plan)
			before := worths(s.in)
			p, err := s.in.Pay(s.a, s.b, payAmount, plan)
			if err != nil {
				t.Fatalf("pay under %s: %v", plan, err)
			}
			checkTyped(t, p, "under "+plan.String())
			// The replayed message itself must be refused: a receiver that
			// takes the replay and refuses the genuine message after it
			// (as a second one of its kind) refuses at that step too.
			code, found := refusalOf(s.in.World(), p.Outcome.Session, step, pool[k].Hash)
			if !slices.Contains(replayCodes, code) && !identicalAt(s.in.World(), p.Outcome.Session, step) {
				took := "took it"
				if code != "" {
					took = "refused it with " + string(code)
				} else if !found {
					took = "was never delivered it"
				}
				cycled := ""
				if cycle {
					cycled = ", both wallets power-cycled between the payments"
				}
				t.Fatalf("under %s (%s %d of the first payment replayed to %s at step %d%s) the receiver %s, want refused with one of %v; the refusals at that step are %v (%s)",
					plan, pool[k].Type, k+1, pool[k].To, step, cycled, took, replayCodes, rejectedAt(p, step), describe(p, nil))
			}
			reconcileAll(t, s.in)
			checkWhole(t, s.in, before, s.a, s.b, payAmount, "under "+plan.String())
		}
	}
}

func replayNeverCreditsTwice(t *T) {
	kinds := []world.FaultKind{world.FaultDuplicate, world.FaultReplay, world.FaultRedirect}
	rapid.Check(t, func(rt *rapid.T) {
		s := newScene(t, rt, rapid.Uint64().Draw(rt, "seed"))
		ws := s.in.Wallets()
		// Earlier sessions fill the replay pool.
		for i := rapid.IntRange(0, 2).Draw(rt, "earlier"); i > 0; i-- {
			_, _ = s.in.Pay(s.c, s.a, rapid.Int64Range(1, 200).Draw(rt, "earlier-amount"), nil)
		}
		reconcileAll(rt, s.in)
		payer := rapid.SampledFrom([]world.PartyID{s.a, s.c}).Draw(rt, "payer")
		payee := rapid.SampledFrom(ws).Filter(func(w world.PartyID) bool { return w != payer }).Draw(rt, "payee")
		amount := rapid.Int64Range(1, 600).Draw(rt, "amount")
		plan := drawPlan(rt, kinds, ws, 3)
		t.Witness(s.in.World(), plan)
		before := worths(s.in)
		p, err := s.in.Pay(payer, payee, amount, plan)
		if err != nil {
			rt.Fatalf("pay under %s: %v", plan, err)
		}
		checkTyped(rt, p, "under "+plan.String())
		reconcileAll(rt, s.in)
		after := worths(s.in)
		var credited, debited int64
		for w := range after {
			if d := after[w] - before[w]; d > 0 {
				credited += d
			} else {
				debited -= d
			}
		}
		if credited > debited {
			rt.Fatalf("under %s wallets were credited %d fen in all but debited %d (-before +after):\n%s", plan, credited, debited, cmp.Diff(before, after))
		}
		checkNoGain(rt, s.in, before, payer, payee, amount, "under "+plan.String())
	})
}

// certCodes are the refusals R1.3 names.
var certCodes = []spec.Code{spec.CodeUntrustedIssuer, spec.CodeBadSignature, spec.CodeWrongSuite}

// checkRefusedBefore fails unless the payment was refused, its first
// refusal has one of codes, and the payee stored nothing. (Over a one-way
// channel the payer cannot hear a refusal; whether value moved is checked
// on the worths after reconciliation.)
func checkRefusedBefore(f fataler, p models.Payment, codes []spec.Code, what string) {
	if p.Received {
		f.Fatalf("%s: the payee took the payment: %s", what, describe(p, nil))
	}
	if len(p.Outcome.Rejections) == 0 {
		f.Fatalf("%s: nobody refused the payment: %s", what, describe(p, nil))
	}
	if c := codeOf(p.Outcome.Rejections[0].Err); !slices.Contains(codes, c) {
		f.Fatalf("%s: first refusal %q (%v), want one of %v", what, c, p.Outcome.Rejections[0].Err, codes)
	}
}

// reconcileQuietly takes wallets online; a compromised or revoked wallet
// may be refused online, but only with a typed error.
func reconcileQuietly(f fataler, in models.Instance, ws ...world.PartyID) {
	for _, w := range ws {
		if err := in.Reconcile(w); err != nil && !acceptable(codeOf(err)) {
			f.Fatalf("reconcile %s: untyped or internal error: %v", w, err)
		}
	}
}

// checkUnchanged fails unless the wallets' worth, counting what a payer
// has pending (debited offline, not yet settled: a payer that cannot hear
// a refusal over a one-way channel settles it online), is what it was.
func checkUnchanged(f fataler, in models.Instance, before map[world.PartyID]int64, what string, ws ...world.PartyID) {
	want, got := map[world.PartyID]int64{}, map[world.PartyID]int64{}
	for _, w := range ws {
		want[w], got[w] = before[w], worth(in, w)
		for _, c := range in.View(w).Pending {
			got[w] += c.Value
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		f.Fatalf("%s: value moved (-want +got):\n%s", what, d)
	}
}

func uncertifiedDeviceRefused(t *T, bogusPays bool) {
	for _, kind := range []models.CorruptionKind{models.CorruptSelfSignedCert, models.CorruptForeignRootCert, models.CorruptWrongSuiteCert} {
		{
			s := newScene(t, t, t.Seed)
			corrupt(t, t, s.in, s.c, models.Corruption{Kind: kind})
			payer, payee := s.a, s.c
			if bogusPays {
				payer, payee = s.c, s.a
			}
			what := fmt.Sprintf("%s → %s with %s presenting a %s", payer, payee, s.c, kind)
			t.Witness(s.in.World(), nil)
			before := worths(s.in)
			p, err := s.in.Pay(payer, payee, payAmount, nil)
			if err == nil {
				checkTyped(t, p, what)
				checkRefusedBefore(t, p, certCodes, what)
			} else if c := codeOf(err); !slices.Contains(certCodes, c) {
				t.Fatalf("%s: Pay refused with %q, want one of %v: %v", what, c, certCodes, err)
			}
			checkUnchanged(t, s.in, before, what, s.a, s.c)
			reconcileQuietly(t, s.in, s.a, s.c, s.a, s.c)
			checkUnchanged(t, s.in, before, what+", after reconciliation", s.a, s.c)
		}
	}
}

// checkCertRefusal pays between an honest wallet and a wallet whose
// certificate stage made bad (the bad one paying when badPays), once per
// plan (none: one clean run), and checks the payment is refused with want
// before value moves, then and after both reconciled.
func checkCertRefusal(t *T, want spec.Code, badPays bool, stage func(s scene) string, plans ...world.Plan) {
	if len(plans) == 0 {
		plans = []world.Plan{nil}
	}
	for _, plan := range plans {
		s := newScene(t, t, t.Seed)
		why := stage(s)
		payer, payee := s.a, s.c
		if badPays {
			payer, payee = s.c, s.a
		}
		what := fmt.Sprintf("%s → %s with %s %s", payer, payee, s.c, why)
		if plan != nil {
			what += " under " + plan.String()
		}
		t.Witness(s.in.World(), plan)
		before := worths(s.in)
		p, err := s.in.Pay(payer, payee, payAmount, plan)
		if err == nil {
			checkTyped(t, p, what)
			checkRefusedBefore(t, p, []spec.Code{want}, what)
		} else if c := codeOf(err); c != want {
			t.Fatalf("%s: Pay refused with %q, want %q: %v", what, c, want, err)
		}
		checkUnchanged(t, s.in, before, what, s.a, s.c)
		reconcileQuietly(t, s.in, s.c, s.a, s.c, s.a)
		checkUnchanged(t, s.in, before, what+", after both reconciled", s.a, s.c)
	}
}

// revokedDeviceRefused: a revoked wallet, which paid a third wallet before
// its revocation, is refused. When it pays, also
// with its own clock an hour behind from the first message it receives
// (a skew of the payer): a payer dates its own payment, so a check that
// reads that date instead of when the payment was seen would take a
// payment made after the revocation for one made before it.
func revokedDeviceRefused(t *T, badPays bool) {
	var plans []world.Plan
	if badPays && !switchedOff.has(world.FaultSkew) {
		plans = []world.Plan{nil, {{Step: 1, Kind: world.FaultSkew, Arg: -int(time.Hour / time.Millisecond)}}}
	}
	checkCertRefusal(t, spec.CodeCertRevoked, badPays, func(s scene) string {
		// A device is revoked once it has been in use: it paid a third
		// wallet, and both reconciled, so whatever the banks remember of
		// a certificate that passed their checks before is in play.
		if p, err := s.in.Pay(s.c, s.b, payAmount, nil); err != nil || !p.Received {
			t.Fatalf("the payment %s → %s before the revocation failed: %s", s.c, s.b, describe(p, err))
		}
		mustReconcile(t, s.in, s.c, s.b)
		// Two hours on, so an hour behind is still within the root's
		// validity (the world starts where it starts).
		s.in.World().Advance(2 * time.Hour)
		if err := s.in.Bank().Revoke(s.in.View(s.c).Identity); err != nil {
			t.Fatalf("revoke %s: %v", s.c, err)
		}
		mustReconcile(t, s.in, s.a)
		return "revoked"
	}, plans...)
}

func expiredDeviceRefused(t *T, badPays bool) {
	checkCertRefusal(t, spec.CodeCertExpired, badPays, func(s scene) string {
		s.in.World().Advance(bank.CertValidity + 24*time.Hour)
		reconcileQuietly(t, s.in, s.a)
		return "expired"
	})
}

// validityCodes are the refusals R1.4 names for a certificate outside its
// validity period.
var validityCodes = []spec.Code{spec.CodeCertExpired, spec.CodeCertNotYetValid}

// skewedClockRefuses stages R1.4's "outside its validity period at the
// verifier's notion of the current time" with the world's time inside the
// period: only the verifier's clock (the payer's when payerJudges) is off,
// from the first message it receives. Cards without a clock judge
// validity against the last trusted time they saw, which a skew does not
// move; for them the case cannot be staged.
func skewedClockRefuses(t *T, payerJudges bool) {
	if switchedOff.has(world.FaultSkew) {
		t.Skipf("%s: the skew fault is switched off", t.Info.Name)
	}
	s0 := newScene(t, t, t.Seed)
	verifier := s0.c
	if payerJudges {
		verifier = s0.a
	}
	if _, ok := s0.in.World().Device(verifier).Now(); !ok {
		t.Skipf("%s: wallet %s has no clock, so a skew does not move its notion of time", t.Info.Name, verifier)
	}
	clean, err := s0.in.Pay(s0.a, s0.c, payAmount, nil)
	if err != nil || !clean.Received {
		t.Fatalf("the clean payment %s → %s failed: %s", s0.a, s0.c, describe(clean, err))
	}
	var steps []int
	for _, e := range delivered(s0.in.World(), clean.Outcome.Session) {
		if e.To == verifier {
			steps = append(steps, e.Step)
		}
	}
	if len(steps) == 0 {
		t.Fatalf("%s receives no message in a clean payment %s → %s, so nothing stages its clock", verifier, s0.a, s0.c)
	}
	for _, d := range []time.Duration{skewOffsets[len(skewOffsets)-1], skewOffsets[0]} {
		s := newScene(t, t, t.Seed)
		var plan world.Plan
		for _, step := range steps {
			plan = append(plan, world.Fault{Step: step, Kind: world.FaultSkew, Arg: int(d / time.Millisecond)})
		}
		what := fmt.Sprintf("%s → %s with %s's clock %v off", s.a, s.c, verifier, d)
		t.Witness(s.in.World(), plan)
		before := worths(s.in)
		p, err := s.in.Pay(s.a, s.c, payAmount, plan)
		if err == nil {
			checkTyped(t, p, what)
			checkRefusedBefore(t, p, validityCodes, what)
			if by := p.Outcome.Rejections[0].Party; by != verifier {
				t.Fatalf("%s: the first refusal is %s's, want %s's, whose clock is off: %s", what, by, verifier, describe(p, nil))
			}
		} else if c := codeOf(err); !slices.Contains(validityCodes, c) {
			t.Fatalf("%s: Pay refused with %q, want one of %v: %v", what, c, validityCodes, err)
		}
		checkUnchanged(t, s.in, before, what, s.a, s.c)
		// Online, the banks judge the certificates by the true time, at
		// which they are valid: they may settle the payment a payer that
		// could not hear the refusal (a one-way channel) committed, but
		// only whole.
		reconcileQuietly(t, s.in, s.a, s.c)
		got := map[world.PartyID]int64{s.a: worth(s.in, s.a), s.c: worth(s.in, s.c)}
		settled := map[world.PartyID]int64{s.a: before[s.a] - payAmount, s.c: before[s.c] + payAmount}
		if !cmp.Equal(got, settled) {
			checkUnchanged(t, s.in, before, what+", after both reconciled (neither unchanged nor the payment settled whole)", s.a, s.c)
		}
	}
}

func redirectedPaymentNoValue(t *T) {
	if switchedOff.has(world.FaultRedirect) {
		t.Skipf("%s: the redirect fault is switched off", t.Info.Name)
	}
	seed := t.Seed
	steps := cleanSteps(t, seed, func(s scene) (world.PartyID, world.PartyID) { return s.a, s.b })
	for step := 1; step <= steps; step++ {
		s := newScene(t, t, seed)
		plan := world.Plan{{Step: step, Kind: world.FaultRedirect, Party: s.c}}
		t.Witness(s.in.World(), plan)
		before := worths(s.in)
		p, err := s.in.Pay(s.a, s.b, payAmount, plan)
		if err != nil {
			t.Fatalf("pay under %s: %v", plan, err)
		}
		checkTyped(t, p, "under "+plan.String())
		if got := worth(s.in, s.c); got > before[s.c] {
			t.Fatalf("under %s the third wallet %s gained %d fen at once", plan, s.c, got-before[s.c])
		}
		reconcileAll(t, s.in)
		if _, err := s.in.Deposit(s.c); err != nil && !acceptable(codeOf(err)) {
			t.Fatalf("deposit %s: %v", s.c, err)
		}
		checkNoGain(t, s.in, before, s.a, s.b, payAmount, "under "+plan.String())
	}
}

// sealCodes are the refusals R1.5 names.
var sealCodes = []spec.Code{spec.CodeBadSeal, spec.CodeWrongRecipient}

func transferToOtherPayeeRefused(t *T) {
	if switchedOff.has(world.FaultReplay) {
		t.Skipf("%s: the replay fault is switched off", t.Info.Name)
	}
	seed := t.Seed
	s0, pool := firstPayment(t, seed)
	for step := 1; step <= len(pool); step++ {
		for k := range pool {
			// Message k went to the first payee; step delivers the same
			// kind of message to the second payee.
			if pool[k].To != s0.b || pool[step-1].To != s0.b || pool[k].Type != pool[step-1].Type {
				continue
			}
			s, _ := firstPayment(t, seed)
			plan := world.Plan{{Step: step, Kind: world.FaultReplay, Arg: k}}
			t.Witness(s.in.World(), plan)
			before := worths(s.in)
			p, err := s.in.Pay(s.a, s.c, payAmount, plan)
			if err != nil {
				t.Fatalf("pay under %s: %v", plan, err)
			}
			checkTyped(t, p, "under "+plan.String())
			codes := rejectedAt(p, step)
			// A message bound to the first session's nonce may be caught
			// as a replay before the seal or recipient is looked at.
			refused := slices.ContainsFunc(codes, func(c spec.Code) bool { return slices.Contains(sealCodes, c) || c == spec.CodeReplay })
			if !refused && !identicalAt(s.in.World(), p.Outcome.Session, step) {
				t.Fatalf("under %s (%s %d, sent to %s, replayed to %s at step %d) the refusals at that step are %v, want one of %v (%s)",
					plan, pool[k].Type, k+1, s.b, s.c, step, codes, sealCodes, describe(p, nil))
			}
			reconcileAll(t, s.in)
			if _, err := s.in.Deposit(s.c); err != nil && !acceptable(codeOf(err)) {
				t.Fatalf("deposit %s: %v", s.c, err)
			}
			checkWhole(t, s.in, before, s.a, s.c, payAmount, "under "+plan.String())
		}
	}
}

func relayGivesNoValue(t *T) {
	kinds := []world.FaultKind{world.FaultRelay, world.FaultReorder, world.FaultRedirect, world.FaultDelay, world.FaultDrop}
	randomPlanPayment(t, kinds, 600, checkNoGain)
}
