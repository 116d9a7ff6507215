package conformance

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
)

// Power cuts in online operations (issue 13): a withdrawal, a deposit, a
// reconciliation and a refresh (a reconciliation exchanging long-lineage
// coins) are each cut at every write the wallet makes in them,
// at every write of a bank's device store (chain's master nodes), and
// before and after the commit of every operation of the banks they call,
// and the wallet's client then does what a real one does: power-cycles
// the wallet, reconciles and retries the operation if it failed and did
// not arrive, and reconciles.

// faultOnlineCut is the kind switchedOff names to take every power cut of
// an online operation (the wallet's and the banks') out of the suite.
const faultOnlineCut world.FaultKind = "crash-online"

// The online-cut properties, one per requirement whose statement covers
// them; each sub-property's list registers its own.
var (
	onlineCutConserved = Property{
		Sub:   "R5.2",
		Name:  "online-cut-every-write",
		Doc:   "a withdrawal, a deposit, a reconciliation and a reconciliation that refreshes long-lineage coins, each cut at every write of the wallet, at every write of a bank's device store (chain's master nodes) and before and after the commit of every bank operation it calls, then a power cycle, a reconciliation and the operation retried if it did not arrive, and every wallet reconciled; after every step held + pending + mail + redeemed = issued and nothing is lost",
		Check: onlineCutBalanced,
	}
	onlineCutAtomic = Property{
		Sub:   "R5.1",
		Name:  "online-cut-retried-once",
		Doc:   "the cuts of online-cut-every-write, each followed by the client's retry of what failed and reconciliations; the retry succeeds, and every wallet's account and offline value are exactly those after the same operation without a cut: debited once, credited once, nothing lost or doubled",
		Check: onlineCutExact,
	}
	onlineCutNoDoubleSpend = Property{
		Sub:   "R2.1",
		Name:  "online-cut-then-spend",
		Doc:   "the cuts of online-cut-every-write, each followed by the client's retry and reconciliations, then the wallet pays its whole offline value to another wallet and both reconcile; no double-spend flag, and the payee gains exactly what the payer paid",
		Check: onlineCutThenSpend,
	}
)

// onlineOp is one online operation, after its setup. arrived tells,
// from what the wallet's holder sees (its account and offline value
// before the operation and now, after a reconciliation that finished
// what the client journalled), whether the operation took effect; the
// client retries one that did not.
type onlineOp struct {
	name    string
	setup   func(t *T, in models.Instance, a, b world.PartyID, lost world.Plan)
	run     func(in models.Instance, a world.PartyID) error
	arrived func(before, now models.View) bool
	// void reports, after the setup, that the scheme cannot stage the
	// operation (nil: it always can); it is then not cut.
	void func(in models.Instance, a world.PartyID) bool
}

// onlineOps are the operations cut: a withdrawal, a deposit, the
// reconciliation of a payer whose payment's message to the payee was
// lost (lostPayment), so that the payee's value depends on the upload,
// and a reconciliation that exchanges long-lineage coins (a refresh).
var onlineOps = []onlineOp{
	{"withdrawal of 1000 fen", func(*T, models.Instance, world.PartyID, world.PartyID, world.Plan) {},
		func(in models.Instance, a world.PartyID) error { return in.Fund(a, fundAmount) },
		func(before, now models.View) bool { return now.Account != before.Account }, nil},
	{"deposit", func(t *T, in models.Instance, a, _ world.PartyID, _ world.Plan) {
		mustFund(t, in, a, fundAmount)
	}, func(in models.Instance, a world.PartyID) error { _, err := in.Deposit(a); return err },
		func(before, now models.View) bool { return now.Account != before.Account }, nil},
	{"reconciliation after a payment", func(t *T, in models.Instance, a, b world.PartyID, lost world.Plan) {
		mustFund(t, in, a, fundAmount)
		if _, err := in.Pay(a, b, paymentAmount, lost); err != nil {
			t.Fatalf("the payment %s → %s of %d fen: %v", a, b, paymentAmount, err)
		}
	}, func(in models.Instance, a world.PartyID) error { return in.Reconcile(a) },
		func(models.View, models.View) bool { return true }, nil},
	{"reconciliation with a refresh", func(t *T, in models.Instance, a, b world.PartyID, _ world.Plan) {
		mustFund(t, in, a, fundAmount)
		longLineage(t, in, a, b)
	}, func(in models.Instance, a world.PartyID) error { return in.Reconcile(a) },
		func(models.View, models.View) bool { return true },
		func(in models.Instance, a world.PartyID) bool { return in.View(a).Offline() == 0 }},
}

// longLineage passes a's whole offline value between a and b, offline,
// until it is back with a on coins whose lineage is as long as a
// reconciliation exchanges for fresh ones (bank.ExchangeHops records,
// the refresh of chip and cert). Where a payee cannot pass what it
// received on offline, it stops, and a holds nothing.
func longLineage(t *T, in models.Instance, a, b world.PartyID) {
	hops := bank.ExchangeHops
	hops += hops % 2 // an even number of payments ends with a
	from, to := a, b
	for range hops {
		v := in.View(from).Offline()
		if v == 0 {
			return // received coins cannot move on offline (chain)
		}
		if p, err := in.Pay(from, to, v, nil); err != nil || !p.Received {
			t.Fatalf("passing %d fen %s → %s to lengthen its lineage: %s", v, from, to, describe(p, err))
		}
		from, to = to, from
	}
}

// lostPayment is the plan that drops the first message of a clean payment
// from a to b after which a holds pending value and b has gained nothing
// (the payee's value then reaches it only through a's upload), or no
// fault if no such message exists.
func lostPayment(t *T, a, b world.PartyID) world.Plan {
	setup := func() models.Instance {
		in := t.New(t, t.Seed, models.Config{})
		mustFund(t, in, a, fundAmount)
		return in
	}
	clean := cleanPayment(t, setup, a, b, paymentAmount)
	for _, f := range world.LossPoints(clean.Outcome) {
		in := setup()
		before := worth(in, b)
		if _, err := in.Pay(a, b, paymentAmount, world.Plan{f}); err == nil && len(in.View(a).Pending) > 0 && worth(in, b) == before {
			return world.Plan{f}
		}
	}
	return nil
}

// onlineCut is one enumerated case: an operation under one cut.
type onlineCut struct {
	op    onlineOp
	where string // "wallet write 2", "bank operation 0 before its commit"
	in    models.Instance
	a, b  world.PartyID
	// clean is every wallet's account and offline value after the
	// operation without a cut and the same reconciliations.
	clean map[world.PartyID][2]int64
}

func (c *onlineCut) String() string { return fmt.Sprintf("the %s cut at %s", c.op.name, c.where) }

// accountsOf is every wallet's account and offline value.
func accountsOf(in models.Instance) map[world.PartyID][2]int64 {
	m := map[world.PartyID][2]int64{}
	for _, w := range in.Wallets() {
		v := in.View(w)
		m[w] = [2]int64{v.Account, v.Offline()}
	}
	return m
}

// everyOnlineCut enumerates the cuts of every operation of onlineOps on
// the first wallet: each wallet write of the operation's clean run, and
// each bank operation it calls, cut before and after its commit, and
// each write of a bank that keeps a device store. check runs after the
// cut (retried false) and after the retry (of an operation that failed)
// and the reconciliation of both wallets (retried true); a retry that
// fails stops the property.
func everyOnlineCut(t *T, check func(c *onlineCut, after string, retried bool)) {
	if switchedOff.has(faultOnlineCut) {
		return
	}
	ws := mustWallets(t, t.New(t, t.Seed, models.Config{}), 2)
	a, b := ws[0], ws[1]
	lost := lostPayment(t, a, b)
	n := 0
	for _, op := range onlineOps {
		setup := func() models.Instance {
			in := t.New(t, t.Seed, models.Config{})
			op.setup(t, in, a, b, lost)
			return in
		}
		// The clean run: how many writes and bank operations to cut.
		in := setup()
		if op.void != nil && op.void(in, a) {
			continue
		}
		dev, cb := in.World().Device(a), in.Bank()
		w0, o0 := 0, 0
		if dev != nil {
			w0 = dev.Writes()
		}
		if cb != nil {
			o0 = cb.Ops()
		}
		banks := bankDevices(in)
		b0 := map[world.PartyID]int{}
		for _, id := range banks {
			b0[id] = in.World().Device(id).Writes()
		}
		if err := op.run(in, a); err != nil {
			t.Fatalf("the %s without a cut failed: %v", op.name, err)
		}
		writes, ops := 0, 0
		if dev != nil {
			writes = dev.Writes() - w0
		}
		if cb != nil {
			ops = cb.Ops() - o0
		}
		mustReconcile(t, in, a, b)
		clean := accountsOf(in)
		type cut struct {
			where string
			arm   func(in models.Instance)
		}
		var cuts []cut
		for k := range writes {
			cuts = append(cuts, cut{fmt.Sprintf("wallet write %d", k), func(in models.Instance) { in.World().Device(a).ArmCrash(k) }})
		}
		// A bank that keeps a device store (chain's master nodes) is
		// cut at each write it made, as a wallet is.
		for _, id := range banks {
			for k := range in.World().Device(id).Writes() - b0[id] {
				cuts = append(cuts, cut{fmt.Sprintf("%s write %d", id, k), func(in models.Instance) { in.World().Device(id).ArmCrash(k) }})
			}
		}
		for k := range ops {
			for _, after := range []bool{false, true} {
				when := map[bool]string{false: "before", true: "after"}[after]
				cuts = append(cuts, cut{fmt.Sprintf("bank operation %d %s its commit", k, when), func(in models.Instance) { in.Bank().ArmCut(k, after) }})
			}
		}
		for _, cu := range cuts {
			in := setup()
			c := &onlineCut{op: op, where: cu.where, in: in, a: a, b: b, clean: clean}
			t.Witness(in.World(), nil)
			cu.arm(in)
			before := in.View(a)
			err := op.run(in, a)
			for _, id := range append(bankDevices(in), a) {
				if d := in.World().Device(id); d != nil {
					d.ArmCrash(-1)
				}
			}
			if in.Bank() != nil {
				in.Bank().ArmCut(-1, false)
			}
			check(c, fmt.Sprintf("%v (the operation returned %v)", c, err), false)
			in.Restart(a)
			check(c, fmt.Sprintf("%v and a power cycle", c), false)
			// A client whose operation failed reconciles first (which
			// finishes what it journalled) and retries only what did not
			// arrive; one that succeeded (a cut inside a bank's own
			// work, which it recovers from, may leave the operation
			// answered) retries nothing.
			if err != nil {
				mustReconcile(t, in, a)
				check(c, fmt.Sprintf("%v, a power cycle and a reconciliation", c), false)
				if !op.arrived(before, in.View(a)) {
					if err := op.run(in, a); err != nil {
						t.Fatalf("after %v, a power cycle and a reconciliation, the retried %s failed: %v", c, op.name, err)
					}
					check(c, fmt.Sprintf("%v, a power cycle, a reconciliation and the retry", c), false)
				}
			}
			for i, w := range []world.PartyID{a, b} {
				mustReconcile(t, in, w)
				check(c, fmt.Sprintf("%v, a power cycle, the retry and reconciling %v", c, []world.PartyID{a, b}[:i+1]), i == 1)
			}
			n++
		}
	}
	t.Count(n)
}

// onlineCutBalanced is R5.2 over the online cuts.
func onlineCutBalanced(t *T) {
	everyOnlineCut(t, func(c *onlineCut, after string, _ bool) {
		checkBalanced(t, c.in, after)
	})
}

// onlineCutExact is R5.1 over the online cuts: retried, the operation
// took effect exactly once.
func onlineCutExact(t *T) {
	everyOnlineCut(t, func(c *onlineCut, after string, retried bool) {
		if !retried {
			return
		}
		got := accountsOf(c.in)
		for _, w := range c.in.Wallets() {
			if got[w] != c.clean[w] {
				t.Fatalf("after %s %s holds account %d and offline %d fen; without the cut it holds account %d and offline %d: the operation did not take effect exactly once",
					after, w, got[w][0], got[w][1], c.clean[w][0], c.clean[w][1])
			}
		}
	})
}

// onlineCutThenSpend is R2.1 over the online cuts: what the wallet holds
// after the retry is spendable once.
func onlineCutThenSpend(t *T) {
	everyOnlineCut(t, func(c *onlineCut, after string, retried bool) {
		if !retried {
			return
		}
		in := c.in
		v := in.View(c.a).Offline()
		if v == 0 {
			return
		}
		before := worths(in)
		p, err := in.Pay(c.a, c.b, v, nil)
		if err != nil || !p.Received {
			t.Fatalf("after %s, %s could not pay its %d fen offline to %s: %s", after, c.a, v, c.b, describe(p, err))
		}
		mustReconcile(t, in, c.a, c.b)
		if ds := in.Ledger().DoubleSpends; len(ds) > 0 {
			t.Fatalf("after %s and a payment of %d fen by %s: %d double-spend flag(s), the first on coin %s naming %s",
				after, v, c.a, len(ds), ds[0].Coin, ds[0].Culprit)
		}
		da, db := worth(in, c.a)-before[c.a], worth(in, c.b)-before[c.b]
		if da != -v || db != v {
			t.Fatalf("after %s, a payment of %d fen by %s moved its worth %+d and %s's %+d", after, v, c.a, da, c.b, db)
		}
	})
}

// bankDevices are the devices of the world that are no wallet's: the
// banks' own stores (chain's master nodes), in a stable order.
func bankDevices(in models.Instance) []world.PartyID {
	wallets := map[world.PartyID]bool{}
	for _, w := range in.Wallets() {
		wallets[w] = true
	}
	var out []world.PartyID
	for _, id := range in.World().Devices() {
		if !wallets[id] && in.World().Device(id) != nil {
			out = append(out, id)
		}
	}
	return out
}
