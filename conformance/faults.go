package conformance

import (
	"time"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models/world"
)

// Properties of issue 13's acting channel faults: a message the channel
// repeats, holds back or delivers out of order reaches its receiver in a
// state the lock-step exchange never shows it.

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
		Doc:   "a clean payment under every single duplication, reordering (the sender retransmits and the original arrives after its next message) and delay (retransmitted, the original arriving after the exchange; and 10 minutes late) at every step, then every wallet reconciles; every refusal is typed and not internal, the payer moved nothing or exactly the amount, the payee exactly what the payer moved, and no other wallet changed",
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
	if !switchedOff[world.FaultDelay] {
		for step := 1; step <= steps; step++ {
			plans = append(plans, world.Plan{{Step: step, Kind: world.FaultDelay, Arg: int(lateDelay / time.Millisecond)}})
		}
	}
	for _, plan := range plans {
		s := newScene(t, t, t.Seed)
		planPayment(t, s, s.a, s.b, payAmount, plan, checkWhole)
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
	if switchedOff[world.FaultSkew] {
		return nil
	}
	d := rapid.SampledFrom(payerSkews).Draw(rt, "payer-skew")
	if d == 0 {
		return nil
	}
	return world.Plan{{Step: 1, Kind: world.FaultSkew, Arg: int(d / time.Millisecond)}}
}
