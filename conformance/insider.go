package conformance

import (
	"fmt"
	"slices"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// The insider properties (issue 13): a party holding a certified
// wallet's key, certificate and state signs payments no honest device
// makes (models.Insider), so every signature verifies and only the check
// behind it can refuse the payment. Each property enumerates a few cases
// per kind it covers; -short keeps the first.

// insiderOff is a test hook: insider kinds taken out of every property,
// to show that a mutant is killed only because the insider builds that
// kind. Empty in every real run; read and replaced atomically, as
// switchedOff is.
var insiderOff kindSet[models.InsiderKind]

// insiderCase is one insider payment: the insider withdraws fund (one
// coin when fund is a table value), the third wallet withdraws other,
// the insider first pays the payee first fen honestly when first > 0,
// then pays amount as plan says.
type insiderCase struct {
	plan   models.InsiderPlan
	fund   int64
	other  int64
	first  int64
	amount int64
}

func (c insiderCase) String() string {
	s := fmt.Sprintf("%s paying %d fen (insider funded %d", c.plan.Kind, c.amount, c.fund)
	if c.other > 0 {
		s += fmt.Sprintf(", third wallet %d", c.other)
	}
	if c.first > 0 {
		s += fmt.Sprintf(", after an honest payment of %d", c.first)
	}
	if c.plan.Value != 0 {
		s += fmt.Sprintf(", value %d", c.plan.Value)
	}
	if c.plan.StatesAsked {
		s += ", stating the amount asked"
	}
	return s + ")"
}

// insiderCases are the cases of each kind, the cheapest first.
var insiderCases = map[models.InsiderKind][]insiderCase{
	models.InsiderWrongSum: {
		{fund: 100, amount: 200}, {fund: 100, amount: 500},
	},
	models.InsiderInflatedChange: {
		{fund: 500, amount: 200, plan: models.InsiderPlan{Value: 100}}, {fund: 500, amount: 500, plan: models.InsiderPlan{Value: 1}},
	},
	models.InsiderOffTable: {
		{fund: 500, amount: 37}, {fund: 500, amount: 250},
	},
	models.InsiderDuplicateInput: {
		{fund: 100, amount: 200}, {fund: 100, amount: 150},
	},
	models.InsiderNotOwned: {
		{fund: 100, other: 200, amount: 200},
	},
	models.InsiderReusedChallenge: {
		{fund: 1000, first: 100, amount: 200},
	},
	models.InsiderStaleTime: {
		{fund: 500, amount: 100}, {fund: 500, amount: 100, plan: models.InsiderPlan{Value: 6 * 60}},
	},
	models.InsiderFutureTime: {
		{fund: 500, amount: 100}, {fund: 500, amount: 100, plan: models.InsiderPlan{Value: 6 * 60}},
	},
	models.InsiderWrongAmount: {
		// The second states the amount asked where the scheme states an
		// amount apart from what pays it (cert's TX), so only the payee's
		// sum of the coins can refuse it; elsewhere it is the first's shape.
		{fund: 500, amount: 200, plan: models.InsiderPlan{Value: 100}}, {fund: 500, amount: 200, plan: models.InsiderPlan{Value: 1, StatesAsked: true}},
	},
	models.InsiderOtherPayee: {
		{fund: 500, amount: 200}, {fund: 500, amount: 100},
	},
}

// insiderTermKinds are the insider payments whose terms are not the ones
// the payee asked (amount, payee); R5.5 stages them in a property of
// their own, so that a scheme that cannot bind them fails that one and
// the other insider payments are still judged. They break R5.5 (an
// accepted payment left unpaid, with nobody named), not R1.5 (what the
// seal names is who is credited, or nobody) nor R4 (no value appears).
var insiderTermKinds = []models.InsiderKind{models.InsiderWrongAmount, models.InsiderOtherPayee}

// insiderSettleKinds are the other insider kinds, which
// insider-payment-settles-or-names-payer stages.
func insiderSettleKinds() []models.InsiderKind {
	var out []models.InsiderKind
	for _, k := range models.InsiderKinds {
		if !slices.Contains(insiderTermKinds, k) {
			out = append(out, k)
		}
	}
	return out
}

// insiderProperties are the insider properties of R1, R2, R4, R5 and
// R6; each r*Properties list appends its own.
func insiderProperties(req spec.ReqID) []Property {
	refused := func(sub spec.SubID, name, what string, kinds []models.InsiderKind, codes ...spec.Code) Property {
		return Property{
			Sub:  sub,
			Name: name,
			Doc: "an insider holding a certified wallet's key signs, through the scheme's own encoders, " + what + " (" + kindList(kinds) +
				", a few amounts each) and pays it to an honest wallet; the payee refuses it offline (" + codeList(codes) +
				") without storing anything, and once every wallet reconciles each wallet's worth is what it was before the payment, value is conserved and no honest wallet is flagged",
			Check: func(t *T) { insiderRefused(t, kinds, codes) },
		}
	}
	// neverSettles is the companion of a refused property for a scheme
	// whose payee cannot see what the kinds alter (the chain's sealed
	// inputs): whatever the payee does offline, the payment must not
	// settle as it was signed.
	neverSettles := func(sub spec.SubID, name, what, holds string, kinds ...models.InsiderKind) Property {
		return Property{
			Sub:  sub,
			Name: name,
			Doc: "an insider holding a certified wallet's key signs, through the scheme's own encoders, " + what + " (" + kindList(kinds) +
				", also under a single loss or power cut after handling at every step) and pays it to an honest wallet; whatever the payee does offline, once every wallet reconciles " + holds +
				"a payee that accepted the payment is credited exactly the amount unless a double-spend flag names the insider, the third wallet's worth is unchanged, value is conserved, deposits never exceed issuance and no honest wallet is flagged",
			Check: func(t *T) { insiderSettles(t, kinds) },
		}
	}
	var ps []Property
	switch req {
	case "R1":
		ps = append(ps,
			refused("R1.2", "insider-stale-session-refused", "a payment bound to another session: records answering its previous payment's challenge, or a timestamp a day or six minutes from its clock",
				[]models.InsiderKind{models.InsiderReusedChallenge, models.InsiderStaleTime, models.InsiderFutureTime}, spec.CodeReplay),
			refused("R1.5", "insider-unowned-coin-refused", "a payment of a coin another wallet holds, with a record naming itself as payer",
				[]models.InsiderKind{models.InsiderNotOwned}, spec.CodeWrongRecipient),
			neverSettles("R1.5", "insider-unowned-coin-never-settles", "a payment of a coin another wallet holds, with a record naming itself as payer (on the chain: the other wallet's coin sealed among the inputs after one of the insider's own)", "the wallet that held the coin is worth what it was, ",
				models.InsiderNotOwned))
	case "R2":
		ps = append(ps, refused("R2.2", "insider-duplicate-input-refused", "a payment spending one of its coins twice, by two records of the same parent",
			[]models.InsiderKind{models.InsiderDuplicateInput}, spec.CodeDoubleSpend),
			neverSettles("R2.2", "insider-duplicate-input-never-settles", "a payment spending one of its coins twice, by two records of the same parent (on the chain: the coin listed twice among the sealed inputs)", "the coin is paid out at most once: ",
				models.InsiderDuplicateInput))
	case "R4":
		ps = append(ps, refused("R4.3", "insider-unbalanced-record-refused", "a record whose outputs sum to more than the coin it spends, the excess paid to the payee or kept as change",
			[]models.InsiderKind{models.InsiderWrongSum, models.InsiderInflatedChange}, spec.CodeValueMismatch),
			neverSettles("R4.3", "insider-unbalanced-record-never-settles", "a record whose outputs sum to more than the coin it spends, the excess paid to the payee or kept as change (on the chain: sealed inputs worth less than the amount)", "no value was created: ",
				models.InsiderWrongSum, models.InsiderInflatedChange))
	case "R5":
		ps = append(ps, Property{
			Sub:  "R5.5",
			Name: "insider-payment-settles-or-names-payer",
			Doc: "an insider holding a certified wallet's key signs, through the scheme's own encoders, each insider payment the scheme can carry (" + kindList(insiderSettleKinds()) +
				", a few amounts each, the first also under a single loss or power cut after handling at every step) and pays it to an honest wallet; once every wallet reconciles a payee that accepted it is credited exactly the amount, and any payee holds exactly what it had before or that plus the amount, unless a double-spend flag names the insider; the third wallet's worth is unchanged, value is conserved, deposits never exceed issuance and no honest wallet is flagged",
			Check: func(t *T) { insiderSettles(t, insiderSettleKinds()) },
		}, Property{
			Sub:  "R5.5",
			Name: "insider-terms-settle-or-name-payer",
			Doc: "an insider holding a certified wallet's key signs, through the scheme's own encoders, a payment whose terms are not the ones the payee asked, written where the scheme puts them (" + kindList(insiderTermKinds) +
				": an amount 100 fen or 1 fen less than asked (the second stated as the amount asked where the scheme states an amount apart from the records, as cert's TX does), or the third wallet as payee, in what is sealed from the payee on the chain and in the records the payee checks on the cards and SIMs; two amounts each, the first also under a single loss or power cut after handling at every step) and pays it to an honest wallet; once every wallet reconciles a payee that accepted it is credited exactly the amount it asked, and any payee holds exactly what it had before or that plus the amount, unless a double-spend flag names the insider; the third wallet's worth is unchanged, value is conserved, deposits never exceed issuance and no honest wallet is flagged",
			Check: func(t *T) { insiderSettles(t, insiderTermKinds) },
		})
	case "R6":
		ps = append(ps, refused("R6.2", "insider-off-table-split-refused", "a record whose outputs sum to the coin it spends but pay the amount and the change as one output each, outside the denomination table",
			[]models.InsiderKind{models.InsiderOffTable}, spec.CodeBadDenomination))
	}
	return ps
}

func kindList(kinds []models.InsiderKind) string {
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// insiderRefused runs every case of kinds and requires the payee's
// refusal with one of codes, then the post-state of insiderRun.
func insiderRefused(t *T, kinds []models.InsiderKind, codes []spec.Code) {
	ran, why := insiderRun(t, kinds, func(f fataler, c insiderCase, p models.Payment, payee world.PartyID, gained int64) {
		got := rejectionsBy(p, payee)
		if p.Received || gained != 0 || !slices.ContainsFunc(got, func(c spec.Code) bool { return slices.Contains(codes, c) }) {
			f.Fatalf("insider %s: the payee must refuse the payment with one of %v and store nothing; it stored it: %v, gained %d fen at once, and its refusals in the session were %v (%s)",
				c, codes, p.Received, gained, got, describe(p, nil))
		}
	})
	if ran == 0 {
		t.Skipf("%s stages none of the insider payments %s: %v", t.Info.Name, kindList(kinds), why)
	}
}

// insiderSettles runs every case of kinds and judges only the
// post-state.
func insiderSettles(t *T, kinds []models.InsiderKind) {
	if ran, why := insiderRun(t, kinds, nil); ran == 0 {
		t.Skipf("%s stages no insider payment: %v", t.Info.Name, why)
	}
}

// insiderRun runs the cases of kinds the target can stage; judge, when not
// nil, judges the payment at once. After it every wallet reconciles and
// the honest wallets must be whole: the third wallet as it was, the payee
// as it was (plus the amount when no judge required a refusal, or when a
// double-spend flag names the insider, anything); and without a judge a
// payee that accepted the payment must be credited the amount unless a
// flag names the insider (R5.5). It returns how many
// cases ran and why the target could not stage the first kind it refused.
func insiderRun(t *T, kinds []models.InsiderKind, judge func(f fataler, c insiderCase, p models.Payment, payee world.PartyID, gained int64)) (ran int, why error) {
	for _, k := range kinds {
		if insiderOff.has(k) {
			continue
		}
		for i, c := range insiderCases[k] {
			if i > 0 && short() {
				break
			}
			c.plan.Kind = k
			steps, err := insiderCaseRun(t, c, nil, judge)
			if err != nil {
				if why == nil {
					why = err
				}
				break // the target cannot stage this kind
			}
			ran++
			if judge != nil || i > 0 {
				continue
			}
			// Alongside the faults of the channel and of power: each
			// single one at every step of the first case's payment.
			faults := scheduled(insiderFaults)
			if short() {
				faults = faults[:min(1, len(faults))]
			}
			for _, fk := range faults {
				for step := 1; step <= steps; step++ {
					insiderCaseRun(t, c, world.Plan{{Step: step, Kind: fk}}, nil)
				}
			}
		}
	}
	return ran, why
}

// insiderFaults are the faults R5.5's insider payments also run under,
// one at a time at every step.
// (Duplication and reordering change little in a lock-step exchange and
// are left to the other R5 properties, to keep this one cheap.)
var insiderFaults = []world.FaultKind{world.FaultDrop, world.FaultCrashAfter}

// insiderCaseRun runs one case with the insider's payment under plan; it
// returns the steps the payment took, or the unimplemented error of a
// target that cannot stage it.
func insiderCaseRun(t *T, c insiderCase, plan world.Plan, judge func(f fataler, c insiderCase, p models.Payment, payee world.PartyID, gained int64)) (int, error) {
	in := t.New(t, t.Seed, models.Config{Wallets: 3, Opening: opening})
	ins, ok := in.(models.Insider)
	if !ok {
		t.Skipf("%s does not implement models.Insider, needed to stage insider payments", t.Info.Name)
	}
	ws := in.Wallets()
	insider, payee, third := ws[0], ws[1], ws[2]
	openingTotal := in.Ledger().Accounts
	mustFund(t, in, insider, c.fund)
	if c.other > 0 {
		mustFund(t, in, third, c.other)
	}
	if c.other > 0 || c.plan.Kind == models.InsiderOtherPayee {
		c.plan.Other = third
	}
	base := worths(in)
	if c.first > 0 {
		base[payee] += c.first // what the honest payment owes the payee
		p, err := in.Pay(insider, payee, c.first, nil)
		if err != nil || !p.Paid || !p.Received {
			t.Fatalf("insider %s: the honest payment first: %s", c, describe(p, err))
		}
	}
	if err := ins.Insider(insider, c.plan); err != nil {
		if codeOf(err) == spec.CodeUnimplemented {
			return 0, err
		}
		t.Fatalf("insider %s: stage: %v", c, err)
	}
	before := worths(in)
	t.Witness(in.World(), plan)
	what := "insider " + c.String()
	if len(plan) > 0 {
		what += " under " + plan.String()
	}
	p, err := in.Pay(insider, payee, c.amount, plan)
	if err != nil {
		t.Fatalf("%s: pay: %v", what, err)
	}
	if codes := rejectionsBy(p, insider); len(plan) == 0 && len(p.Outcome.Rejections) > 0 && len(codes) == len(p.Outcome.Rejections) && !p.Received {
		// Only the insider refused: it could not build the payment.
		t.Fatalf("insider %s: the insider could not build the payment: %s", c, describe(p, nil))
	}
	checkTyped(t, p, what)
	if judge != nil {
		judge(t, c, p, payee, worth(in, payee)-before[payee])
	}
	if err := ins.Insider(insider, models.InsiderPlan{}); err != nil {
		t.Fatalf("%s: unstage: %v", what, err)
	}
	reconcileAll(t, in)
	after := worths(in)
	honest := map[string]bool{in.View(payee).Identity: true, in.View(third).Identity: true}
	named := false
	for _, d := range in.Ledger().DoubleSpends {
		if honest[d.Culprit] {
			t.Fatalf("%s: the honest wallet %s is flagged for a double spend of %s", what, d.Culprit, d.Coin)
		}
		named = named || d.Culprit == in.View(insider).Identity
	}
	if judge == nil && p.Received && !named && after[payee] != base[payee]+c.amount {
		t.Fatalf("%s: the payee accepted %d fen, is credited %d at settlement, and no double-spend flag names the insider", what, c.amount, after[payee]-base[payee])
	}
	want := map[world.PartyID]int64{payee: base[payee], third: base[third]}
	got := map[world.PartyID]int64{payee: after[payee], third: after[third]}
	if judge == nil && (named || after[payee] == base[payee]+c.amount) {
		want[payee] = after[payee] // settled, or the insider named
	}
	if !cmp.Equal(want, got) {
		t.Fatalf("%s: after every wallet reconciled the honest wallets' worth is not what they had before the insider paid (plus any honest payment) (-want +got):\n%s", what, cmp.Diff(want, got))
	}
	checkBalanced(t, in, what)
	checkIssuance(t, in, openingTotal, what)
	return p.Outcome.Steps, nil
}

// rejectionsBy lists the codes of the refusals party made in p.
func rejectionsBy(p models.Payment, party world.PartyID) []spec.Code {
	var out []spec.Code
	for _, r := range p.Outcome.Rejections {
		if r.Party == party {
			out = append(out, codeOf(r.Err))
		}
	}
	return out
}
