package chain

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/world"
)

func init() {
	mutantScenarios["gossip-sends-each-block-once"] = func(t *testing.T, in *Instance) []string {
		return gossipLoss(t, in, world.Plan{{Step: 1, Kind: world.FaultDrop, Arg: 1, Party: "ABC-NODE"}})
	}
}

// gossipLoss has wallet-A pay wallet-B (whose gateway is ABC-NODE) under
// plan, then both reconcile; it reports what B awaits, B's gateway's
// height and every note of the gossip's losses.
func gossipLoss(t *testing.T, in *Instance, plan world.Plan) []string {
	t.Helper()
	if err := in.SetGateway("wallet-B", 1); err != nil {
		t.Fatal(err)
	}
	mustFund(t, in, "wallet-A", 1000)
	obs := payObs(in, "wallet-A", "wallet-B", 300, plan)
	mustReconcile(t, in, "wallet-A", "wallet-B")
	nd := in.bb.nodes[1]
	obs = append(obs, fmt.Sprintf("after both reconcile: B awaits %d, %s at height %d of %d", in.Awaiting("wallet-B"), nd.id, in.bb.heightOf(nd.best), in.bb.heightOf(in.bb.globalBest())))
	return obs
}

// A block lost in transit to a live node is sent again (the reference),
// so the node's wallets see their payments final; the loss shows in the
// trace, and a plan naming no node of the backbone is refused on the
// fault line and loses nothing.
func TestGossipLoss(t *testing.T) {
	clean := gossipLoss(t, newScheme(t, Scheme{}), nil)
	for _, arg := range []int{0, 1, 2} {
		in := newScheme(t, Scheme{})
		lost := gossipLoss(t, in, world.Plan{{Step: 1, Kind: world.FaultDrop, Arg: arg, Party: "ABC-NODE"}})
		if d := cmp.Diff(clean, lost); d != "" {
			t.Errorf("block %d from now lost to ABC-NODE: not what the clean run leaves (-clean +lost):\n%s", arg, d)
		}
		var notes []string
		for _, e := range in.w.Trace().Events() {
			if e.Kind == world.KindNote && e.From == "ABC-NODE" {
				notes = append(notes, e.Detail)
			}
		}
		if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "lost in transit") }) ||
			!slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, "receives block ") }) {
			t.Errorf("block %d from now lost to ABC-NODE: the trace does not show the loss and the block sent again: %q", arg, notes)
		}
	}
	in := newScheme(t, Scheme{})
	p, _ := in.Pay("wallet-A", "wallet-B", 1, world.Plan{{Step: 1, Kind: world.FaultDrop, Party: "no-such-node"}})
	if len(in.bb.lose) != 0 || p.Outcome.Delivered == 0 {
		t.Errorf("a loss to no node of the backbone armed %v (delivered %d)", in.bb.lose, p.Outcome.Delivered)
	}
	if err := in.Lose("ABC-NODE", -1); err == nil || len(in.bb.lose) != 0 {
		t.Errorf("a loss of block -1 from now: %v, armed %v; want malformed and nothing armed", err, in.bb.lose)
	}
}
