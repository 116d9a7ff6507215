package cert

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// genPlan draws up to two benign faults at steps 1..7.
var genPlan = modeltest.Plans{Kinds: modeltest.BenignFaults, Steps: 7, Args: 4}.Draw

// Property (R5.2, R2.1) for cert: under any sequence of withdrawals,
// payments with benign faults (loss, duplication, reordering, delay, power
// cuts at any write), reconciliations, deposits and restarts by honest
// wallets, value is conserved after every operation, no offline limit is
// exceeded and no double spend is ever flagged.
func TestConservationProperty(t *testing.T) {
	t.Parallel()
	modeltest.Conservation(t, Scheme{Variant: Recovering}, modeltest.Conserve{Plan: genPlan})
}

// The same property for cert-literal over fault-free channels: its
// fairness gap under message loss and power cuts is expected (R5.1,
// TestLiteralFairnessGap), but with nothing lost the flow as published
// conserves value and never flags an honest wallet.
func TestConservationPropertyLiteral(t *testing.T) {
	t.Parallel()
	modeltest.Conservation(t, Scheme{Variant: Literal}, modeltest.Conserve{})
}

// R5.1, exhaustively, for cert: a power cut at every step and at every
// write of a payment, on either phone, and the loss of every message;
// once both reconcile, either both have the post-state or both the
// pre-state, the audit balances, nothing is in flight and nothing is
// flagged. Both outcomes occur: faults before the write-ahead leave both
// in the pre-state, faults after it the post-state.
func TestCrashAtEveryPoint(t *testing.T) {
	t.Parallel()
	modeltest.CrashAtEveryPoint(t, Scheme{Variant: Recovering}, modeltest.Crash{BothOutcomes: true, Points: 6*2 + 3 + 6})
}

// R2.3, R2.4, R2.5, R2.7: a cloned SIM spends the same coins twice; in
// every order of upload the double spend is flagged, the clone's identity
// is named with evidence anyone can check, the honest payees are not
// accused, and the verdicts are identical. Both variants.
func TestCloneDoubleSpendEveryOrder(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		for _, s := range suite.All() {
			t.Run(v.String()+"/"+string(s.ID()), func(t *testing.T) {
				modeltest.CloneDoubleSpendEveryOrder(t, Scheme{Variant: v}, s, nil)
			})
		}
	}
}

// Evidence is not forgeable by swapping in an honest party's records.
func TestEvidenceRefusesHonestFraming(t *testing.T) {
	modeltest.EvidenceRefusesHonestFraming(t, newInstance(t, 11, Recovering), "wallet-B")
}

// The same seed gives a byte-identical trace, faults included, in both
// variants and both suites.
func TestTraceDeterministic(t *testing.T) {
	for _, v := range variants {
		for _, s := range suite.All() {
			t.Run(v.String()+"/"+string(s.ID()), func(t *testing.T) {
				modeltest.TraceDeterministic(t, func(seed uint64) models.Instance { return newInstanceSuite(t, seed, v, s) }, func(in models.Instance) {
					in.Fund("wallet-A", 2000)
					in.Pay("wallet-A", "wallet-B", 730, world.Plan{{Step: 4, Kind: world.FaultCrashAfter}})
					in.Pay("wallet-A", "wallet-C", 120, world.Plan{{Step: 4, Kind: world.FaultField, Arg: 5}})
					in.Pay("wallet-A", "wallet-C", 80, world.Plan{{Step: 6, Kind: world.FaultDrop}})
					in.Reconcile("wallet-A")
					in.Reconcile("wallet-B")
					in.Reconcile("wallet-C")
					in.Deposit("wallet-C")
				})
			})
		}
	}
}
