package conformance

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// Generated orders of concurrent events (issue 13): who goes online
// first, who deposits before whom, and what happens between two related
// payments. A property draws one order per case instead of running a
// fixed one, so the default cost stays the same.

// online is one online step of a party: a reconciliation, or a deposit
// of everything its wallet holds (which presents the coins' lineage to
// the bank).
type online struct {
	Party   world.PartyID
	Deposit bool
}

func (o online) String() string {
	if o.Deposit {
		return "deposit " + string(o.Party)
	}
	return "reconcile " + string(o.Party)
}

// fixedOrders is a test hook: every order this file generates is replaced
// by the fixed one the properties ran before issue 13 (nothing between
// related payments, reconciliations before deposits, no power cycle
// before paying onward), to show that a mutant is killed only because
// the order is drawn. False in every real run.
var fixedOrders bool

// drawBetween draws one of alts, the event between two related payments.
func drawBetween(rt *rapid.T, alts []string) string {
	if fixedOrders {
		return betweenNothing
	}
	return rapid.SampledFrom(alts).Draw(rt, "between")
}

// drawOnline draws an interleaving of one reconciliation of every party in
// parties and one deposit of every party in depositors: a depositor may
// deposit before or after it, or anyone else, reconciled.
func drawOnline(rt *rapid.T, parties, depositors []world.PartyID) []online {
	var evs []online
	for _, p := range parties {
		evs = append(evs, online{Party: p})
	}
	for _, p := range depositors {
		evs = append(evs, online{Party: p, Deposit: true})
	}
	if fixedOrders {
		return evs
	}
	return rapid.Permutation(evs).Draw(rt, "online-order")
}

// run performs the step. A refused deposit is an answer, not an error: it
// returns the error only when it carries no canonical code.
func (o online) run(in models.Instance) error {
	if o.Deposit {
		if _, err := in.Deposit(o.Party); err != nil && codeOf(err) == "" {
			return err
		}
		return nil
	}
	return in.Reconcile(o.Party)
}

// Events between the two spends of a staged double spend, or the two
// payments of a repeat: nothing, the first payee going online or
// depositing, a power cycle of either side, the payer going online.
const (
	betweenNothing         = "nothing"
	betweenPayeeReconciles = "payee-reconciles"
	betweenPayeeDeposits   = "payee-deposits"
	betweenPayeeRestarts   = "payee-restarts"
	betweenPayerReconciles = "payer-reconciles"
	betweenPayerRestarts   = "payer-restarts"
)

// betweenSpends are the events drawn between the spends of a double spend.
var betweenSpends = []string{betweenNothing, betweenPayeeReconciles, betweenPayeeDeposits, betweenPayeeRestarts, betweenPayerReconciles, betweenPayerRestarts}

// doBetween performs event ev with payer and payee; it stops the case if
// an online step fails without a canonical refusal.
func doBetween(f fataler, in models.Instance, ev string, payer, payee world.PartyID) {
	var err error
	switch ev {
	case betweenPayeeReconciles:
		err = in.Reconcile(payee)
	case betweenPayeeDeposits:
		err = online{Party: payee, Deposit: true}.run(in)
	case betweenPayeeRestarts:
		in.Restart(payee)
	case betweenPayerReconciles:
		err = in.Reconcile(payer)
	case betweenPayerRestarts:
		in.Restart(payer)
	case betweenNothing:
	default:
		err = fmt.Errorf("no such event")
	}
	if err != nil {
		f.Fatalf("%s between the payments: %v", ev, err)
	}
}
