package pseudocoin

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Insider makes wallet p's element build its payments as payer per plan,
// signed with its own keys through the scheme's own encoders, committing
// nothing (it keeps its holdings) but a payment of less than asked, which
// it commits as an honest element does (insiderCommits). Records state no time, so the stale-
// and future-time payments cannot be expressed; an inflated change is
// the record's ChangeCoins worth Value fen more than the inputs leave.
func (in *Instance) Insider(p world.PartyID, plan models.InsiderPlan) error {
	if _, err := in.element(p); err != nil {
		return err
	}
	switch plan.Kind {
	case "", models.InsiderWrongSum, models.InsiderOffTable, models.InsiderDuplicateInput, models.InsiderNotOwned,
		models.InsiderReusedChallenge, models.InsiderWrongAmount, models.InsiderOtherPayee, models.InsiderInflatedChange:
	case models.InsiderStaleTime, models.InsiderFutureTime:
		return spec.Errorf(spec.CodeUnimplemented, "a pseudocoin record states no time: the payee's fresh challenge is its only freshness")
	default:
		return spec.Errorf(spec.CodeUnimplemented, "insider %s", plan.Kind)
	}
	switch plan.Kind {
	case models.InsiderNotOwned:
		// It spends a holding the other element holds: the harness
		// reads it inside that element.
		if _, err := in.element(plan.Other); err != nil {
			return err
		}
	case models.InsiderOtherPayee:
		// Only the other's name is used: it may be external.
		if _, err := in.device(plan.Other); err != nil {
			return err
		}
	}
	in.insiders[p] = plan
	return nil
}

// insiderCommits reports whether the insider commits the payments of
// kind as an honest element commits its own (inputs gone, change held,
// record logged, counters moved) before it sends them. It does for a
// payment of less than asked: an insider that keeps the coins it spends
// is named as a double spender once it reconciles, and one that pays
// less wants to go unnamed, so only the payee's check of the amount
// (pc-pay-amount) stands between it and a sale closed for less. The
// other kinds commit nothing.
func insiderCommits(k models.InsiderKind) bool { return k == models.InsiderWrongAmount }

// insiderRecord builds the insider's record for one payment, and
// returns it with the holdings it spends and the private key of its
// change.
func (in *Instance) insiderRecord(e *element, s *payerSession, v *Invoice, plan models.InsiderPlan) (*Record, []held, suite.PrivateKey, error) {
	hs := e.holdings()
	amount := s.amount
	var edit func(r *Record)
	var inputs []held
	switch plan.Kind {
	case models.InsiderDuplicateInput:
		// The largest holding, listed twice, whatever the amount.
		for _, h := range hs {
			if len(inputs) == 0 || h.h.Value() > inputs[0].h.Value() {
				inputs = []held{h}
			}
		}
	case models.InsiderWrongSum:
		// The smallest holding, whatever the amount.
		for _, h := range hs {
			if len(inputs) == 0 || h.h.Value() < inputs[0].h.Value() {
				inputs = []held{h}
			}
		}
	case models.InsiderNotOwned:
		// A holding another element holds (public: it travelled in a
		// payment), signed with the insider's own key.
		o, err := in.element(plan.Other)
		if err != nil {
			return nil, nil, nil, err
		}
		oh := o.holdings()
		if len(oh) == 0 || len(hs) == 0 {
			return nil, nil, nil, spec.Errorf(spec.CodeInsufficient, "nothing to spend")
		}
		stolen := held{name: oh[0].name, h: oh[0].h, priv: hs[0].priv, s: in.s}
		inputs = []held{stolen}
		amount = min(amount, stolen.h.Value())
	default:
		var err error
		if inputs, err = pick(hs, amount, false); err != nil {
			return nil, nil, nil, err
		}
	}
	if len(inputs) == 0 {
		return nil, nil, nil, spec.Errorf(spec.CodeInsufficient, "nothing to spend")
	}
	switch plan.Kind {
	case models.InsiderOffTable:
		edit = func(r *Record) { r.Outputs = []int64{r.Amount} }
	case models.InsiderInflatedChange:
		// The payee's share exactly; the change, in table values, worth
		// the honest change plus Value fen (at least 1).
		more := max(plan.Value, 1)
		edit = func(r *Record) { r.ChangeCoins, _ = coin.MakeChange(sum(r.ChangeCoins) + more) }
	case models.InsiderDuplicateInput:
		inputs = append(inputs, inputs[0])
		edit = func(r *Record) { r.ChangeCoins = nil }
	case models.InsiderReusedChallenge:
		if c := in.lastChallenge[e.dev.ID()]; c != nil {
			edit = func(r *Record) { r.Challenge = c }
		}
	case models.InsiderWrongAmount:
		// A valid record for less: outputs worth the lesser amount and
		// the change grown by the difference, so the records' rules pass
		// and only the payee's check of the amount against its invoice
		// (pc-pay-amount) can refuse it.
		less := max(plan.Value, 1)
		edit = func(r *Record) {
			r.Amount = max(r.Amount-less, 1)
			r.Outputs, _ = coin.MakeChange(r.Amount)
			r.ChangeCoins, _ = coin.MakeChange(r.InputValue() - r.Amount)
		}
	case models.InsiderOtherPayee:
		k, err := in.s.GenerateKey(in.w.Rand("pseudocoin/insider/" + string(plan.Other)))
		if err != nil {
			return nil, nil, nil, err
		}
		edit = func(r *Record) { r.Payee = k.Public().SPKI() }
	}
	r, ck, err := in.buildRecord(e, inputs, v, amount, edit)
	return r, inputs, ck, err
}
