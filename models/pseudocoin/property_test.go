package pseudocoin

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// plans draws up to two faults of kinds at the four steps of a payment.
func plans(kinds []world.FaultKind) modeltest.Conserve {
	return modeltest.Conserve{Plan: modeltest.Plans{Kinds: kinds, Steps: 4, Args: 40}.Draw}
}

// Property (R5.2, R2.1): under random withdrawals, payments with benign
// faults, reconciliations, deposits and restarts by honest elements,
// value is conserved after every operation, no offline limit is exceeded
// and nobody is flagged.
func TestConservationProperty(t *testing.T) {
	modeltest.Conservation(t, Scheme{}, plans(modeltest.BenignFaults))
}

// Property (R1.1, R1.2, R5.2): with an active channel adversary as well,
// no value is created or lost and no honest element is flagged.
func TestConservationUnderAttack(t *testing.T) {
	modeltest.Conservation(t, Scheme{}, plans(world.ChannelFaults))
}

// R5.1, exhaustively: a power cut at every step and write of a payment
// and the loss of every message; once both reconcile, both have the
// post-state or both the pre-state.
func TestCrashAtEveryPoint(t *testing.T) {
	modeltest.CrashAtEveryPoint(t, Scheme{}, modeltest.Crash{BothOutcomes: true, Points: 16})
}
