package conformance

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// gossipLossResolved is R5.6 under the loss of one block of the bank
// nodes' own traffic (world.LossyNetwork: a drop fault naming a node).
// Unlike a power cut, the loss leaves the node up, with what it holds in
// memory, and the blocks sent after the lost one still reach it: a
// network of nodes must send the block again or fetch it. A target
// without such a network skips it; with world.FaultDrop switched off
// (the test hook) the same runs go without the loss.
var gossipLossResolved = Property{
	Sub:   "R5.6",
	Name:  "gossip-loss-resolved",
	Doc:   "an honest payment between two wallets, each reconciling through a generated bank node; from the payment on, a generated one of the next three blocks the nodes gossip to the payer's or the payee's node (generated) is lost in transit (a reconciliation makes four blocks with the default four nodes, each proposing one, so each node is sent three), the node staying up; the payer reconciles, then the payee: nothing is pending, in the mail or lost, the payer holds no pending coin, and the payer's worth moved by exactly −amount and the payee's by +amount",
	Check: gossipLossResolvedCheck,
}

func gossipLossResolvedCheck(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		net := mustNetwork(t, in)
		if _, ok := in.(world.LossyNetwork); !ok {
			t.Skipf("%s's network of bank nodes does not implement world.LossyNetwork: no block of its traffic can be lost", t.Info.Name)
		}
		ws := mustWallets(t, in, 2)
		a, b := ws[0], ws[1]
		nodes := net.Nodes()
		gateway := map[world.PartyID]int{}
		for _, w := range ws {
			gateway[w] = rapid.IntRange(0, len(nodes)-1).Draw(rt, "gateway")
			if err := net.SetGateway(w, gateway[w]); err != nil {
				rt.Fatalf("connect %s: %v", w, err)
			}
		}
		mustFund(rt, in, a, rapid.Int64Range(1, 50000).Draw(rt, "fund"))
		t.Witness(in.World(), nil)
		amount := rapid.Int64Range(1, min(largestCoin(in.View(a)), models.Config{}.WithDefaults().Limits.PerPayment)).Draw(rt, "amount")
		var plan world.Plan
		if !switchedOff.has(world.FaultDrop) {
			lost := nodes[gateway[rapid.SampledFrom(ws).Draw(rt, "lost-to")]]
			plan = world.Plan{{Step: 1, Kind: world.FaultDrop, Arg: rapid.IntRange(0, 2).Draw(rt, "nth"), Party: lost}}
		}
		before := worths(in)
		if p, err := in.Pay(a, b, amount, plan); err != nil || !p.Received {
			rt.Fatalf("%s → %s of %d fen under %s: %s", a, b, amount, plan, describe(p, err))
		}
		what := fmt.Sprintf("a payment of %d fen under %s", amount, plan)
		for _, w := range ws {
			if err := in.Reconcile(w); err != nil {
				rt.Fatalf("reconcile %s after %s: %v", w, what, err)
			}
		}
		au := in.Audit()
		if au.Pending != 0 || au.Mail != 0 || au.Lost != 0 {
			rt.Fatalf("after %s and a reconciliation of the payer, then the payee, value is unresolved: pending %d, mail %d, lost %d fen (%+v)", what, au.Pending, au.Mail, au.Lost, au)
		}
		if p := in.View(a).Pending; len(p) > 0 {
			rt.Fatalf("after %s and a reconciliation of the payer, then the payee, %s still holds pending coins %v", what, a, p)
		}
		for w, want := range map[world.PartyID]int64{a: -amount, b: amount} {
			if got := worth(in, w) - before[w]; got != want {
				rt.Fatalf("after %s and a reconciliation of the payer, then the payee, %s's worth moved %+d fen, want %+d", what, w, got, want)
			}
		}
	})
}
