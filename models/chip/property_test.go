package chip

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// genPlanOf draws up to two faults of the given kinds at steps 1..5; a
// redirect goes to one of the wallets.
func genPlanOf(kinds []world.FaultKind) func(*rapid.T) world.Plan {
	return modeltest.Plans{Kinds: kinds, Steps: 5, Args: 40}.Draw
}

func checkBalanced(t interface{ Fatalf(string, ...any) }, in *Instance, after string) {
	modeltest.CheckBalanced(t, in, after)
}

// Property (R5.2, R2.1): under any sequence of withdrawals, payments with
// benign faults (loss, duplication, reordering, delay, power cuts at any
// write), reconciliations, deposits and restarts by honest cards, value is
// conserved after every operation, no offline limit is exceeded and no
// double spend is ever flagged.
func TestConservationProperty(t *testing.T) {
	modeltest.Conservation(t, Scheme{}, modeltest.Conserve{Plan: genPlanOf(modeltest.BenignFaults)})
}

// Property (R1.1, R1.2, R5.2 under the network profile): with an active
// channel adversary as well (bit flips, field substitution, truncation,
// extension, replay from earlier sessions, redirection), no value is
// created or lost and no honest card is flagged.
func TestConservationUnderAttack(t *testing.T) {
	modeltest.Conservation(t, Scheme{}, modeltest.Conserve{Plan: genPlanOf(world.ChannelFaults)})
}

func newInstanceSuite(t interface{ Fatal(...any) }, seed uint64, s suite.Suite) *Instance {
	return modeltest.New(t, Scheme{}, seed, s).(*Instance)
}

// total is a wallet's whole value: its card and its account.
func total(in *Instance, w world.PartyID) int64 {
	v := in.View(w)
	return v.Offline() + v.Account
}

// R5.1, exhaustively: a power cut at every step and at every write of a
// payment, on either card; once both reconcile, either both have the
// post-state or both the pre-state, and some faults give each (a cut
// before the payer card commits leaves both in the pre-state).
func TestCrashAtEveryPoint(t *testing.T) {
	modeltest.CrashAtEveryPoint(t, Scheme{}, modeltest.Crash{BothOutcomes: true, Points: 15})
}

// R2.3, R2.4, R2.5, R2.7: a cloned card spends the same coins twice; in
// every order of upload the double spend is flagged, the clone's identity
// is named with evidence anyone can check, the honest payees are not
// accused, and the verdicts are identical. The evidence names the card's
// pseudonym; the central bank's register names its holder.
func TestCloneDoubleSpendEveryOrder(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		modeltest.CloneDoubleSpendEveryOrder(t, Scheme{}, s, func(in models.Instance, id string) string { return in.Bank().HolderOf(id) })
	})
}

// Evidence is not forgeable by swapping in an honest party's records.
func TestEvidenceRefusesHonestFraming(t *testing.T) {
	in := newInstanceSuite(t, 11, suite.Default())
	modeltest.EvidenceRefusesHonestFraming(t, in, in.Names["wallet-B"])
}

// The same seed gives a byte-identical trace, faults included.
func TestTraceDeterministic(t *testing.T) {
	modeltest.TraceDeterministic(t, func(seed uint64) models.Instance { return newInstanceSuite(t, seed, suite.Default()) }, func(in models.Instance) {
		in.Fund("wallet-A", 2000)
		in.Pay("wallet-A", "wallet-B", 730, world.Plan{{Step: 2, Kind: world.FaultCrashAt, Arg: 0}})
		in.Pay("wallet-A", "wallet-C", 120, world.Plan{{Step: 1, Kind: world.FaultField, Arg: 1}})
		in.Reconcile("wallet-A")
		in.Reconcile("wallet-B")
	})
}
