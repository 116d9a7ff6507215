package chain

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
)

// A partition fault in a payment's plan splits the master nodes through
// the world (the instance registered as its network) and the split
// outlives the session: the payee's upload through one half is not final;
// a heal fault in a later session's plan joins the halves and the payment
// becomes final. Groups naming a node that does not exist are refused
// and change nothing.
func TestPartitionFaultSplitsNodes(t *testing.T) {
	in := newInstance(t, 31)
	mustFund(t, in, "wallet-A", 1000)
	plan, err := world.ParsePlan("partition@1=0,1|2,3")
	if err != nil {
		t.Fatal(err)
	}
	in.Pay("wallet-A", "wallet-B", 230, plan)
	id := lastSent(t, in, "wallet-A")
	mustReconcile(t, in, "wallet-A", "wallet-B")
	if anyFinal(in, id) || in.Awaiting("wallet-B") != 230 {
		t.Fatalf("during the split: statuses %v, B awaits %d", statuses(in, id), in.Awaiting("wallet-B"))
	}
	in.Pay("wallet-A", "wallet-C", 100, world.Plan{{Step: 1, Kind: world.FaultHeal}})
	mustReconcile(t, in, "wallet-A", "wallet-B")
	if !allFinal(in, id) || in.View("wallet-B").Offline() != 230 {
		t.Fatalf("after the heal: statuses %v, B holds %d", statuses(in, id), in.View("wallet-B").Offline())
	}
	if err := in.Partition([]int{0, 4}); err == nil {
		t.Fatal("a split naming node 4 of 4 was taken")
	}
	if err := in.Partition([]int{0, 1}, []int{1, 2}); err == nil {
		t.Fatal("a split naming node 1 twice was taken")
	}
	for i, g := range in.bb.group {
		if g != 0 {
			t.Fatalf("a refused split changed node %d's group to %d", i, g)
		}
	}
}
