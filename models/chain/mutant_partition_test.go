package chain

import (
	"fmt"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

func init() {
	for name, f := range partitionScenarios {
		mutantScenarios[name] = f
	}
}

// splitDoubleSpend has a clone of wallet-A pay the same coins to wallet-B
// and wallet-C, splits the nodes {0,1} | {2,3} with B on the first half
// and C on the second, and has both payees reconcile during the split.
func splitDoubleSpend(t *testing.T, in *Instance) {
	mustFund(t, in, "wallet-A", 1000)
	clone := modeltest.MustClone(t, in, "wallet-A")
	payObs(in, "wallet-A", "wallet-B", 300, nil)
	payObs(in, clone, "wallet-C", 300, nil)
	if err := in.SetGateway("wallet-B", 0); err != nil {
		t.Fatal(err)
	}
	if err := in.SetGateway("wallet-C", 2); err != nil {
		t.Fatal(err)
	}
	if err := in.Partition([]int{0, 1}, []int{2, 3}); err != nil {
		t.Fatal(err)
	}
	mustReconcile(t, in, "wallet-B", "wallet-C")
}

var partitionScenarios = map[string]func(t *testing.T, in *Instance) []string{
	"bank-credits-unconfirmed-deposit": func(t *testing.T, in *Instance) []string {
		// wallet-A's bank node (0) is cut off alone; A deposits through it
		// while A's clone deposits the same coins through the majority.
		// The withdrawal is timed so that node 0 did not propose either of
		// the last two blocks and may propose on its own.
		for start := 0; ; start++ {
			if start == 4 {
				t.Fatal("node 0 proposed one of the last two blocks at every start")
			}
			in = newScheme(t, Scheme{mutation: in.mutation})
			in.w.Advance(time.Duration(start) * SlotDuration)
			mustFund(t, in, "wallet-A", 1000)
			if in.bb.recentProposer(in.bb.nodes[0].best, 0) == 0 {
				break
			}
		}
		clone := modeltest.MustClone(t, in, "wallet-A")
		if err := in.SetGateway(clone, 1); err != nil {
			t.Fatal(err)
		}
		if err := in.Partition([]int{0}, []int{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		var obs []string
		for _, w := range []world.PartyID{"wallet-A", clone} {
			got, err := in.Deposit(w)
			obs = append(obs, fmt.Sprintf("deposit %s: %d (%v)", w, got, err))
		}
		in.Heal()
		mustReconcile(t, in, "wallet-A", clone)
		return append(obs, fmt.Sprintf("account %d, audit %+v", in.View("wallet-A").Account, in.Audit()))
	},
	"node-ignores-signer-limit": func(t *testing.T, in *Instance) []string {
		splitDoubleSpend(t, in)
		return []string{fmt.Sprintf("during the split B holds %d, C holds %d", in.View("wallet-B").Offline(), in.View("wallet-C").Offline())}
	},
	"node-flags-uploads-only": func(t *testing.T, in *Instance) []string {
		splitDoubleSpend(t, in)
		in.Heal()
		mustReconcile(t, in, "wallet-A", "wallet-B", "wallet-C", "wallet-A", "wallet-B", "wallet-C")
		return []string{fmt.Sprintf("after the heal: %d double spends", len(in.DoubleSpends()))}
	},
	"node-never-reorgs": func(t *testing.T, in *Instance) []string {
		// Honest payments uploaded on both halves build competing forks
		// (each half holds one of the two latest proposers, so the signer
		// limit lets both propose); then the split heals.
		mustFund(t, in, "wallet-A", 1000)
		mustFund(t, in, "wallet-C", 1000)
		payObs(in, "wallet-A", "wallet-B", 230, nil)
		payObs(in, "wallet-C", "wallet-B", 120, nil)
		pa, pc := lastSent(t, in, "wallet-A"), lastSent(t, in, "wallet-C")
		base := in.bb.nodes[0].best
		p1 := in.bb.blocks[base].proposer
		p2 := in.bb.blocks[in.bb.blocks[base].b.Parent].proposer
		var q []int
		for i := range 4 {
			if i != p1 && i != p2 {
				q = append(q, i)
			}
		}
		if err := in.Partition([]int{p1, q[0]}, []int{p2, q[1]}); err != nil {
			t.Fatal(err)
		}
		if err := in.SetGateway("wallet-A", q[0]); err != nil {
			t.Fatal(err)
		}
		if err := in.SetGateway("wallet-C", q[1]); err != nil {
			t.Fatal(err)
		}
		mustReconcile(t, in, "wallet-A", "wallet-C")
		in.Heal()
		mustReconcile(t, in, "wallet-A", "wallet-B", "wallet-C")
		return []string{fmt.Sprintf("after the heal A's payment is %v, C's %v at the nodes", statuses(in, pa), statuses(in, pc))}
	},
}
