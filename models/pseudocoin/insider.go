package pseudocoin

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
)

// Insider makes wallet p's element build its payments as payer per plan,
// signed with its own keys through the scheme's own encoders, committing
// nothing (it keeps its holdings). Records state no time, so the stale-
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

// insiderRecord builds the insider's record for one payment.
func (in *Instance) insiderRecord(e *element, s *payerSession, v *Invoice, plan models.InsiderPlan) (*Record, error) {
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
			return nil, err
		}
		oh := o.holdings()
		if len(oh) == 0 || len(hs) == 0 {
			return nil, spec.Errorf(spec.CodeInsufficient, "nothing to spend")
		}
		stolen := held{name: oh[0].name, h: oh[0].h, priv: hs[0].priv, s: in.s}
		inputs = []held{stolen}
		amount = min(amount, stolen.h.Value())
	default:
		var err error
		if inputs, err = pick(hs, amount, false); err != nil {
			return nil, err
		}
	}
	if len(inputs) == 0 {
		return nil, spec.Errorf(spec.CodeInsufficient, "nothing to spend")
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
		less := max(plan.Value, 1)
		edit = func(r *Record) {
			r.Amount -= less
			r.Outputs, _ = coin.MakeChange(max(r.Amount, 1))
		}
	case models.InsiderOtherPayee:
		k, err := in.s.GenerateKey(in.w.Rand("pseudocoin/insider/" + string(plan.Other)))
		if err != nil {
			return nil, err
		}
		edit = func(r *Record) { r.Payee = k.Public().SPKI() }
	}
	r, _, err := in.buildRecord(e, inputs, v, amount, edit)
	return r, err
}
