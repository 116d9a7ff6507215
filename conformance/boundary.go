package conformance

import "github.com/dualoffline/dualoffline/models/world"

// Boundary cases of the random-plan properties.
//
// A property that draws a fault plan at random finds a violation that
// needs one particular fault (the loss of the last message, a flipped bit
// in the one notice nobody signs) at some seeds and not at others, and a
// verdict must not depend on the seed (spec/requirements.md, Verdicts:
// seed-dependent). So such a property first runs its boundary cases —
// every single fault of its kinds at every step of a clean payment, built
// from the run's seed — and only then its random plans, which add
// combinations, amounts and parties. A violation one fault can cause is
// then found at every seed; the random part stays what it was.

// boundaryPlans returns every single-fault plan of kinds at steps 1…steps
// (Arg 0; a redirect goes to bystander).
func boundaryPlans(kinds []world.FaultKind, steps int, bystander world.PartyID) []world.Plan {
	var out []world.Plan
	for step := 1; step <= steps; step++ {
		for _, k := range kinds {
			f := world.Fault{Step: step, Kind: k}
			if k == world.FaultRedirect {
				f.Party = bystander
			}
			out = append(out, world.Plan{f})
		}
	}
	return out
}
