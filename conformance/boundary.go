package conformance

import (
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

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
// (Arg 0; a redirect goes to bystander; a reorder also follows a
// duplicate of the step before, which gives it a message in flight to
// swap with; a relay that lets the message be overtaken follows such a
// duplicate only, since alone it changes nothing; a relay is also 3 s
// late, altered, and forwarded to bystander instead; a skew is two
// plans, the recipient's clock past the end of a certificate's validity
// and before its start). Kinds switched off for a test are left out.
func boundaryPlans(kinds []world.FaultKind, steps int, bystander world.PartyID) []world.Plan {
	var out []world.Plan
	for step := 1; step <= steps; step++ {
		for _, k := range scheduled(kinds) {
			f := world.Fault{Step: step, Kind: k}
			switch k {
			case world.FaultRedirect:
				f.Party = bystander
			case world.FaultReorder:
				// Alone it is overtaken by its sender's retransmission
				// and next message; after a duplicate of the step before
				// it swaps with that duplicate's answer.
				out = append(out, world.Plan{f})
				if step > 1 {
					out = append(out, world.Plan{{Step: step - 1, Kind: world.FaultDuplicate}, f})
				}
				continue
			case world.FaultRelay:
				for _, arg := range []int{3000 + world.RelayLate, world.RelayAltered} {
					f.Arg = arg
					out = append(out, world.Plan{f})
				}
				// The hop's own session with the bystander, far away: a
				// redirect through the hop, gone with redirects.
				if !switchedOff.has(world.FaultRedirect) {
					out = append(out, world.Plan{{Step: step, Kind: k, Arg: 3000 + world.RelayLate, Party: bystander}})
				}
				if step > 1 { // overtaken, by a duplicate of the step before
					f.Arg = world.RelayOvertaken
					out = append(out, world.Plan{{Step: step - 1, Kind: world.FaultDuplicate}, f})
				}
				continue
			case world.FaultSkew:
				for _, d := range []time.Duration{skewOffsets[0], skewOffsets[len(skewOffsets)-1]} {
					f.Arg = int(d / time.Millisecond)
					out = append(out, world.Plan{f})
				}
				continue
			}
			out = append(out, world.Plan{f})
		}
	}
	// A plan that stages a kind with another (a duplicate before a
	// reorder) goes when either is switched off.
	return slices.DeleteFunc(out, func(p world.Plan) bool {
		return slices.ContainsFunc(p, func(f world.Fault) bool { return switchedOff.has(f.Kind) })
	})
}

// boundaryPayments runs the boundary plans of kinds on the clean payment
// of paymentAmount from the first wallet, funded with fundAmount, to the
// second, each on a fresh instance of the run's seed (the third wallet is
// the bystander), and hands each instance after its payment to check.
func boundaryPayments(t *T, kinds []world.FaultKind, check func(in models.Instance, ws []world.PartyID, plan world.Plan)) {
	setup := func() (models.Instance, []world.PartyID) {
		in := t.New(t, t.Seed, models.Config{})
		ws := mustWallets(t, in, 3)
		mustFund(t, in, ws[0], fundAmount)
		return in, ws
	}
	in, ws := setup()
	clean, err := in.Pay(ws[0], ws[1], paymentAmount, nil)
	if err != nil || !clean.Received {
		t.Fatalf("the fault-free payment %s → %s of %d fen did not complete: %s", ws[0], ws[1], paymentAmount, describe(clean, err))
	}
	for _, plan := range boundaryPlans(kinds, clean.Outcome.Steps, ws[2]) {
		in, ws := setup()
		t.Witness(in.World(), plan)
		_, _ = in.Pay(ws[0], ws[1], paymentAmount, plan)
		check(in, ws, plan)
		t.Count(1)
	}
}

// choice is where a case's choices come from: rapid's draws (rapidChoice)
// or the fixed values of a boundary case (fixedChoice), so that one body
// serves both.
type choice interface {
	world() uint64 // the instance's world seed
	int64(name string, lo, hi int64) int64
	index(name string, n int) int // one of n alternatives
	plan(kinds []world.FaultKind, ws []world.PartyID, maxFaults int) world.Plan
	order(ps []world.PartyID) []world.PartyID
	ops(name string, alts []string, most int) []string // up to most actions
	skip(why string)                                   // the case cannot be staged
}

type rapidChoice struct{ rt *rapid.T }

func (c rapidChoice) world() uint64 { return rapid.Uint64().Draw(c.rt, "seed") }
func (c rapidChoice) int64(name string, lo, hi int64) int64 {
	return rapid.Int64Range(lo, hi).Draw(c.rt, name)
}
func (c rapidChoice) index(name string, n int) int { return rapid.IntRange(0, n-1).Draw(c.rt, name) }
func (c rapidChoice) plan(kinds []world.FaultKind, ws []world.PartyID, maxFaults int) world.Plan {
	return drawPlan(c.rt, kinds, ws, maxFaults)
}
func (c rapidChoice) order(ps []world.PartyID) []world.PartyID {
	return rapid.Permutation(ps).Draw(c.rt, "order")
}
func (c rapidChoice) ops(name string, alts []string, most int) []string {
	return rapid.SliceOfN(rapid.SampledFrom(alts), 0, most).Draw(c.rt, name)
}
func (c rapidChoice) skip(why string) { c.rt.Skip(why) }

// fixedChoice is a boundary case: the run's seed, the alternatives named
// in picks (0 for the others), no faults, no extra actions, parties in
// their order, and the upper end of every range (the largest payment, the
// largest edit). A case it cannot stage is noted in t's log (so that
// interactive.Judge sees, for instance, that the adversary would have to
// reach inside an external wallet) and passed over.
type fixedChoice struct {
	t     *T
	seed  uint64
	picks map[string]int
}

func (c fixedChoice) world() uint64                                           { return c.seed }
func (c fixedChoice) int64(_ string, lo, hi int64) int64                      { return max(lo, hi) }
func (c fixedChoice) index(name string, n int) int                            { return min(c.picks[name], n-1) }
func (c fixedChoice) plan([]world.FaultKind, []world.PartyID, int) world.Plan { return nil }
func (c fixedChoice) order(ps []world.PartyID) []world.PartyID                { return ps }
func (c fixedChoice) ops(string, []string, int) []string                      { return nil }
func (c fixedChoice) skip(why string) {
	if c.t != nil {
		c.t.Logf("boundary case not staged: %s", why)
	}
}
