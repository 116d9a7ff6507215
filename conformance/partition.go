package conformance

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// The partition properties split a scheme's network of bank nodes
// (models.Network: the chain's master nodes) while wallets go online on
// either side, heal it at a generated point, and check what the
// requirement says must hold across the split and after it. A target
// without a network of nodes skips them. With world.FaultPartition
// switched off (the test hook) the same runs go on an unsplit network.

var (
	// splitOneSpendFinal is R2.6 across a split.
	splitOneSpendFinal = Property{
		Sub:   "R2.6",
		Name:  "split-at-most-one-final",
		Doc:   "a cloned or rolled-back payer pays the same coins to two payees; the bank nodes split into two generated sides, each spend going online on its own, every party reconciles during the split and again with the heal at a generated point, then all reconcile twice and the payees deposit; at no moment do the payees together hold, as final value or credit, more than the amount once",
		Check: splitAtMostOneFinal,
	}
	// splitDoubleSpendFlagged is R2.3 across a split.
	splitDoubleSpendFlagged = Property{
		Sub:   "R2.3",
		Name:  "split-double-spend-flagged",
		Doc:   "the same double spend, each spend uploaded on a generated side of a generated split of the bank nodes; once the split heals and every party has reconciled, the double spend is flagged, naming the payer's device",
		Check: splitDoubleSpendFlaggedCheck,
	}
	// splitOneDepositCredited is R2.6 across a split, the spends being
	// deposits.
	splitOneDepositCredited = Property{
		Sub:   "R2.6",
		Name:  "split-one-deposit-credited",
		Doc:   "a wallet and its clone each deposit the same coins on either side of a generated split of the bank nodes; every party reconciles during the split and again with the heal at a generated point, then both deposit again; at no moment has their account been credited more than the coins' value once",
		Check: splitOneDepositCreditedCheck,
	}
	// splitPendingResolved is R5.6 across a split.
	splitPendingResolved = Property{
		Sub:   "R5.6",
		Name:  "split-pending-resolved-after-heal",
		Doc:   "two honest payments between four wallets; the bank nodes split into two generated sides, each payer on its own, and the wallets reconcile through nodes of their sides during the split and again with the heal at a generated point; after the heal each wallet reconciles once: nothing is pending, in the mail or lost, no payer holds a pending coin, and each payer lost and each payee gained exactly its amount",
		Check: splitPendingResolvedCheck,
	}
)

// mustNetwork returns the instance's node network or skips.
func mustNetwork(t *T, in models.Instance) models.Network {
	net, ok := in.(models.Network)
	if !ok {
		t.Skipf("%s does not implement models.Network: it has no network of bank nodes to split", t.Info.Name)
	}
	if n := len(net.Nodes()); n < 2 {
		t.Skipf("%s has %d bank node: nothing to split", t.Info.Name, n)
	}
	return net
}

// drawSplit splits the nodes into two generated sides, at times with one
// node of the second cut off from both, and connects each wallet of
// sides[i] to a generated node of side i. It returns the groups; nil when
// world.FaultPartition is switched off, and the nodes stay joined.
func drawSplit(rt *rapid.T, net models.Network, sides [2][]world.PartyID) [][]int {
	nodes := make([]int, len(net.Nodes()))
	for i := range nodes {
		nodes[i] = i
	}
	perm := rapid.Permutation(nodes).Draw(rt, "nodes")
	cut := rapid.IntRange(1, len(perm)-1).Draw(rt, "cut")
	groups := [][]int{perm[:cut], perm[cut:]}
	if g := groups[1]; len(g) > 1 && rapid.Bool().Draw(rt, "isolate") {
		groups = [][]int{groups[0], g[:len(g)-1], g[len(g)-1:]}
	}
	for i, side := range sides {
		for _, w := range side {
			if err := net.SetGateway(w, rapid.SampledFrom(groups[i]).Draw(rt, "gateway")); err != nil {
				rt.Fatalf("connect %s: %v", w, err)
			}
		}
	}
	if switchedOff.has(world.FaultPartition) {
		return nil
	}
	if err := net.Partition(groups...); err != nil {
		rt.Fatalf("split %v: %v", groups, err)
	}
	return groups
}

// splitRun has every party reconcile during the split, in a generated
// order, then again in another, with the heal at a generated point among
// them; observe runs after each step.
func splitRun(rt *rapid.T, in models.Instance, net models.Network, parties []world.PartyID, observe func(after string)) {
	for _, w := range rapid.Permutation(parties).Draw(rt, "split-order") {
		_ = in.Reconcile(w)
		observe("reconciling " + string(w) + " during the split")
	}
	steps := make([]int, len(parties)+1) // len(parties) is the heal
	for i := range steps {
		steps[i] = i
	}
	for _, s := range rapid.Permutation(steps).Draw(rt, "heal-order") {
		if s == len(parties) {
			net.Heal()
			observe("the heal")
			continue
		}
		_ = in.Reconcile(parties[s])
		observe("reconciling " + string(parties[s]))
	}
}

// stageSplitDoubleSpend stages R2's double spend and a split of the nodes
// with each spend's payee, and the wallet whose log holds it, on its own
// side.
func stageSplitDoubleSpend(t *T, rt *rapid.T) (*doubleSpend, models.Network, string) {
	d := stageDoubleSpend(t, rt, drawRollback(rt))
	net := mustNetwork(t, d.in)
	sides := [2][]world.PartyID{{d.payees[0]}, {d.payees[1], d.second}}
	if d.second != d.payer {
		sides[0] = append(sides[0], d.payer)
	}
	groups := drawSplit(rt, net, sides)
	return d, net, fmt.Sprintf("split %v", groups)
}

// splitAtMostOneFinal is R2.6: the payees' gains (what they hold as
// spendable value and credit) never add up to more than one of the two
// conflicting spends, during the split, at the heal or after it.
func splitAtMostOneFinal(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		d, net, split := stageSplitDoubleSpend(t, rt)
		observe := func(after string) {
			var gain int64
			for _, w := range d.payees {
				gain += worth(d.in, w) - d.before[w]
			}
			if gain > d.amount {
				rt.Fatalf("after %s (%s) the payees %s and %s together gained %d fen from two conflicting spends of %d fen: both were accepted as final",
					after, split, d.payees[0], d.payees[1], gain, d.amount)
			}
		}
		parties := d.parties()
		splitRun(rt, d.in, net, parties, observe)
		for range 2 {
			for _, w := range parties {
				_ = d.in.Reconcile(w)
				observe("reconciling " + string(w) + " after the heal")
			}
		}
		for _, w := range d.payees {
			_, _ = d.in.Deposit(w)
			observe("the deposit of " + string(w))
		}
	})
}

// splitDoubleSpendFlaggedCheck is R2.3: once every party has uploaded
// after the heal, the double spend is flagged on the payer.
func splitDoubleSpendFlaggedCheck(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		d, net, split := stageSplitDoubleSpend(t, rt)
		parties := d.parties()
		splitRun(rt, d.in, net, parties, func(string) {})
		for _, w := range parties {
			_ = d.in.Reconcile(w)
		}
		var named []string
		for _, ds := range d.in.Ledger().DoubleSpends {
			if ds.Culprit == d.identity {
				return
			}
			named = append(named, ds.Culprit)
		}
		rt.Fatalf("%s double spent %d fen to %s and %s on either side of a %s; after the heal every party reconciled and no flag names it (flags name %v)",
			d.identity, d.amount, d.payees[0], d.payees[1], split, named)
	})
}

// splitPendingResolvedCheck is R5.6: after the heal, one reconciliation
// of each party resolves every payment made before or during the split.
func splitPendingResolvedCheck(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{Wallets: 4})
		net := mustNetwork(t, in)
		ws := mustWallets(t, in, 4)
		pairs := [][2]world.PartyID{{ws[0], ws[1]}, {ws[2], ws[3]}}
		for _, p := range pairs {
			mustFund(rt, in, p[0], rapid.Int64Range(1, 50000).Draw(rt, "fund"))
		}
		t.Witness(in.World(), nil)
		// Each payer on its own side, each payee on either.
		sides := [2][]world.PartyID{{ws[0]}, {ws[2]}}
		for _, w := range []world.PartyID{ws[1], ws[3]} {
			side := rapid.IntRange(0, 1).Draw(rt, "side")
			sides[side] = append(sides[side], w)
		}
		split := fmt.Sprintf("split %v", drawSplit(rt, net, sides))
		before := worths(in)
		paid := map[world.PartyID]int64{}
		for _, p := range pairs {
			pay, amount, err := payOrLargestCoin(in, p[0], p[1], drawAmount(rt, in, p[0]))
			if err != nil || !pay.Received {
				rt.Fatalf("%s → %s of %d fen: %s", p[0], p[1], amount, describe(pay, err))
			}
			paid[p[0]], paid[p[1]] = -amount, amount
		}
		splitRun(rt, in, net, ws, func(string) {})
		for _, w := range rapid.Permutation(ws).Draw(rt, "after-heal") {
			if err := in.Reconcile(w); err != nil {
				rt.Fatalf("reconcile %s after the heal: %v", w, err)
			}
		}
		a := in.Audit()
		if a.Pending != 0 || a.Mail != 0 || a.Lost != 0 {
			rt.Fatalf("after a %s, its heal and a reconciliation of every wallet, value is unresolved: pending %d, mail %d, lost %d fen (%+v)", split, a.Pending, a.Mail, a.Lost, a)
		}
		for _, w := range ws {
			if p := in.View(w).Pending; len(p) > 0 {
				rt.Fatalf("after a %s, its heal and a reconciliation of every wallet, %s still holds pending coins %v", split, w, p)
			}
			if got := worth(in, w) - before[w]; got != paid[w] {
				rt.Fatalf("after a %s, its heal and a reconciliation of every wallet, %s's worth moved %+d fen, want %+d", split, w, got, paid[w])
			}
		}
	})
}

// splitOneDepositCreditedCheck is R2.6 with deposits for spends: the
// agent bank settles at most one of two deposits of the same coins.
func splitOneDepositCreditedCheck(t *T) {
	rapid.Check(t, func(rt *rapid.T) {
		in := t.New(rt, rapid.Uint64().Draw(rt, "seed"), models.Config{})
		net := mustNetwork(t, in)
		a := mustWallets(t, in, 1)[0]
		// The withdrawal at a generated time: which nodes produced the
		// last blocks before the split varies with it.
		in.World().Advance(time.Duration(rapid.IntRange(0, 7).Draw(rt, "start-seconds")) * time.Second)
		mustFund(rt, in, a, rapid.Int64Range(1, 50000).Draw(rt, "fund"))
		t.Witness(in.World(), nil)
		clone, _ := twin(t, rt, in, a, false)
		value, account := in.View(a).Offline(), in.View(a).Account
		split := fmt.Sprintf("split %v", drawSplit(rt, net, [2][]world.PartyID{{a}, {clone}}))
		observe := func(after string) {
			if got := in.View(a).Account - account; got > value {
				rt.Fatalf("after %s (%s) the account of %s and its clone was credited %d fen for two deposits of the same %d fen: both were settled",
					after, split, a, got, value)
			}
		}
		parties := rapid.Permutation([]world.PartyID{a, clone}).Draw(rt, "deposit-order")
		for _, w := range parties {
			_, _ = in.Deposit(w)
			observe("the deposit of " + string(w) + " during the split")
		}
		splitRun(rt, in, net, parties, observe)
		for _, w := range parties {
			_, _ = in.Deposit(w)
			observe("the deposit of " + string(w) + " after the heal")
		}
	})
}
