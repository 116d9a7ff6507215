package forge

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// InsiderState is an insider plan staged on a device of a transfer-record
// scheme (chip, cert): the plan, for InsiderNotOwned the holdings of
// Other's the insider saw when it was staged, and for InsiderOtherPayee
// Other's device id.
type InsiderState struct {
	Plan    models.InsiderPlan
	Other   []*transfer.Holding
	OtherID string
	// Promised maps the nonce (hex) of each insider payment built to what
	// the insider signs when the payee asks it to complete (a digest of
	// its records), where a scheme's payee waits for that.
	Promised map[string][]byte
}

// RecordKinds are the insider kinds a transfer-record payment can carry;
// the others (timestamps) have no field in it. The terms kinds are
// written in the records, which the payee reads: wrong-amount pays the
// payee less (and states less where the scheme states an amount, see
// Stated, unless the plan's StatesAsked), other-payee names and pays
// Other.
var RecordKinds = map[models.InsiderKind]bool{
	models.InsiderWrongSum: true, models.InsiderInflatedChange: true, models.InsiderOffTable: true,
	models.InsiderDuplicateInput: true, models.InsiderNotOwned: true, models.InsiderReusedChallenge: true,
	models.InsiderWrongAmount: true, models.InsiderOtherPayee: true,
}

// Stated is the amount an insider payment of st pays (and, without the
// plan's StatesAsked, states) for a payment of amount: amount less the
// plan's Value (1 when zero) for InsiderWrongAmount, amount otherwise.
func Stated(st *InsiderState, amount int64) int64 {
	if st == nil || st.Plan.Kind != models.InsiderWrongAmount {
		return amount
	}
	return amount - max(st.Plan.Value, 1)
}

// Stage sets plan on h's firmware (the zero plan clears it). other is
// Other's device for InsiderNotOwned. A kind a transfer record cannot
// carry is unimplemented.
func Stage(scheme string, h Holder, plan models.InsiderPlan, other Holder) error {
	fw := h.Firmware()
	if plan.Kind == "" {
		fw.Insider = nil
		return nil
	}
	if !RecordKinds[plan.Kind] {
		return spec.Errorf(spec.CodeUnimplemented, "the %s scheme's payment has no timestamp for %s to alter", scheme, plan.Kind)
	}
	st := &InsiderState{Plan: plan, Promised: map[string][]byte{}}
	if plan.Kind == models.InsiderOtherPayee {
		if other == nil || other.ID() == h.ID() {
			return spec.Errorf(spec.CodeWrongRecipient, "%s needs another wallet to name as payee", plan.Kind)
		}
		st.OtherID = other.ID()
	}
	if plan.Kind == models.InsiderNotOwned {
		if other == nil || other.ID() == h.ID() {
			return spec.Errorf(spec.CodeWrongRecipient, "%s needs another wallet's coins", plan.Kind)
		}
		coins := other.Coins()
		for _, k := range slices.Sorted(maps.Keys(coins)) {
			st.Other = append(st.Other, coins[k])
		}
		if len(st.Other) == 0 {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no coin", other.ID())
		}
	}
	fw.Insider = st
	return nil
}

// Spend is one coin an insider payment spends and the record spending it.
type Spend struct {
	Holding *transfer.Holding
	Record  *transfer.Signed
}

// Request is the payment an insider answers: payer and payee ids, the
// amount, the challenge the payee sent, the device's counter and coins.
type Request struct {
	Key       suite.PrivateKey
	Payer     string
	Payee     string
	Amount    int64
	Challenge [transfer.ChallengeSize]byte
	Counter   uint64
	Coins     map[string]*transfer.Holding
	// KeyFor, if set, returns the key of a holder other than Payer that
	// the device holds coins under (chip's per-coin pseudonyms): a
	// record spending an own coin of such a holder is signed by it and
	// names it as payer and change holder.
	KeyFor func(holder string) (suite.PrivateKey, bool)
}

// InsiderSpends builds the spends of the insider payment st describes,
// each record signed with the request's key however invalid it is.
// prev is the challenge of the device's previous payment (nil if none).
func InsiderSpends(st *InsiderState, rq Request, prev []byte) ([]Spend, error) {
	p := st.Plan
	own := sortedCoins(rq.Coins)
	ctr := rq.Counter
	payee := rq.Payee // the payee the records name
	if p.Kind == models.InsiderOtherPayee {
		payee = st.OtherID
	}
	sign := func(h *transfer.Holding, outs []transfer.Output, challenge [transfer.ChallengeSize]byte) (Spend, error) {
		ctr++
		rec := transfer.Record{Version: transfer.Version1, Parent: h.Serial, ParentValue: h.Value(), Outputs: outs,
			Payer: rq.Payer, Payee: payee, Challenge: challenge, Counter: ctr}
		sig, err := rq.Key.Sign(rec.TBS())
		if err != nil {
			return Spend{}, err
		}
		return Spend{Holding: h, Record: &transfer.Signed{Record: rec, Signature: sig}}, nil
	}
	pick := func(coins []*transfer.Holding, ok func(v int64) bool) (*transfer.Holding, error) {
		for _, h := range coins {
			if len(h.Chain) < transfer.MaxHops && ok(h.Value()) {
				return h, nil
			}
		}
		return nil, spec.Errorf(spec.CodeInsufficient, "%s: no coin fits a payment of %d fen", p.Kind, rq.Amount)
	}
	outputs := func(parent coin.Serial, holders []string, values ...[]int64) ([]transfer.Output, error) {
		var outs []transfer.Output
		for i, vs := range values {
			for _, v := range vs {
				outs = append(outs, transfer.Output{Serial: transfer.ChildSerial(parent, len(outs)), Value: v, Holder: holders[i]})
			}
		}
		if len(outs) == 0 || len(outs) > transfer.MaxOutputs {
			return nil, spec.Errorf(spec.CodeValueMismatch, "%s: %d outputs", p.Kind, len(outs))
		}
		return outs, nil
	}
	change := func(v int64) []int64 {
		if v <= 0 {
			return nil
		}
		c, _ := coin.MakeChange(v)
		return c
	}
	both := []string{rq.Payee, rq.Payer}
	// adopt makes the holder of the own coin h the payer (Request.KeyFor),
	// or the device's own id for a coin it holds under that.
	ownKey, ownPayer := rq.Key, rq.Payer
	adopt := func(h *transfer.Holding) {
		if rq.KeyFor == nil {
			return
		}
		rq.Key, rq.Payer = ownKey, ownPayer
		if k, ok := rq.KeyFor(h.Claimed().Holder); ok {
			rq.Key, rq.Payer = k, h.Claimed().Holder
		}
		both[1] = rq.Payer
	}
	switch p.Kind {
	case models.InsiderWrongSum:
		h, err := pick(own, func(v int64) bool { return v < rq.Amount })
		if err != nil {
			return nil, err
		}
		adopt(h)
		outs, err := outputs(h.Serial, both, change(rq.Amount))
		if err != nil {
			return nil, err
		}
		sp, err := sign(h, outs, rq.Challenge)
		return []Spend{sp}, err
	case models.InsiderReusedChallenge:
		// Two records, each paying half the amount (the first the odd
		// fen) out of its own coin: the first answers the challenge the
		// payee sent, the second the previous payment's, so a payee that
		// checks the binding of the first record only is caught too.
		if len(prev) != transfer.ChallengeSize {
			return nil, spec.Errorf(spec.CodeReplay, "%s: the device answered no earlier challenge", p.Kind)
		}
		var stale [transfer.ChallengeSize]byte
		copy(stale[:], prev)
		shares := []int64{rq.Amount - rq.Amount/2, rq.Amount / 2}
		if shares[1] == 0 {
			return nil, spec.Errorf(spec.CodeValueMismatch, "%s: %d fen cannot be paid by two records", p.Kind, rq.Amount)
		}
		var spends []Spend
		left := own
		for i, share := range shares {
			h, err := pick(left, func(v int64) bool { return v >= share })
			if err != nil {
				return nil, err
			}
			left = slices.DeleteFunc(slices.Clone(left), func(o *transfer.Holding) bool { return o == h })
			adopt(h)
			outs, err := transfer.Split(h.Serial, h.Value(), share, rq.Payer, rq.Payee)
			if err != nil {
				return nil, err
			}
			challenge := rq.Challenge
			if i > 0 {
				challenge = stale
			}
			sp, err := sign(h, outs, challenge)
			if err != nil {
				return nil, err
			}
			spends = append(spends, sp)
		}
		return spends, nil
	case models.InsiderInflatedChange, models.InsiderOffTable:
		h, err := pick(own, func(v int64) bool { return v >= rq.Amount })
		if err != nil {
			return nil, err
		}
		adopt(h)
		v := h.Value()
		var outs []transfer.Output
		if p.Kind == models.InsiderInflatedChange {
			outs, err = outputs(h.Serial, both, change(rq.Amount), change(v-rq.Amount+max(p.Value, 1)))
		} else {
			rest := []int64{}
			if v > rq.Amount {
				rest = []int64{v - rq.Amount}
			}
			if coin.ValidDenomination(rq.Amount) && (len(rest) == 0 || coin.ValidDenomination(rest[0])) {
				return nil, spec.Errorf(spec.CodeValueMismatch, "%s: %d fen and its change are table denominations", p.Kind, rq.Amount)
			}
			outs, err = outputs(h.Serial, both, []int64{rq.Amount}, rest)
		}
		if err != nil {
			return nil, err
		}
		sp, err := sign(h, outs, rq.Challenge)
		return []Spend{sp}, err
	case models.InsiderDuplicateInput:
		h, err := pick(own, func(v int64) bool { return v < rq.Amount && rq.Amount <= 2*v })
		if err != nil {
			return nil, err
		}
		adopt(h)
		v := h.Value()
		first, err := outputs(h.Serial, both, change(v))
		if err != nil {
			return nil, err
		}
		second, err := transfer.Split(h.Serial, v, rq.Amount-v, rq.Payer, rq.Payee)
		if err != nil {
			return nil, err
		}
		a, err := sign(h, first, rq.Challenge)
		if err != nil {
			return nil, err
		}
		b, err := sign(h, second, rq.Challenge)
		return []Spend{a, b}, err
	case models.InsiderWrongAmount, models.InsiderOtherPayee:
		// Records an honest device would sign for other terms: less
		// than asked, or to Other, split from one coin as Split splits.
		amount := Stated(st, rq.Amount)
		if amount <= 0 {
			return nil, spec.Errorf(spec.CodeValueMismatch, "%s: %d fen less than a payment of %d leaves nothing to pay", p.Kind, max(p.Value, 1), rq.Amount)
		}
		h, err := pick(own, func(v int64) bool { return v >= amount })
		if err != nil {
			return nil, err
		}
		adopt(h)
		outs, err := transfer.Split(h.Serial, h.Value(), amount, rq.Payer, payee)
		if err != nil {
			return nil, err
		}
		sp, err := sign(h, outs, rq.Challenge)
		return []Spend{sp}, err
	case models.InsiderNotOwned:
		h, err := pick(st.Other, func(v int64) bool { return v == rq.Amount })
		if err != nil {
			return nil, err
		}
		outs, err := outputs(h.Serial, both, change(rq.Amount))
		if err != nil {
			return nil, err
		}
		sp, err := sign(h, outs, rq.Challenge)
		return []Spend{sp}, err
	}
	return nil, spec.Errorf(spec.CodeUnimplemented, "insider kind %q", p.Kind)
}

// sortedCoins lists coins smallest first, ties by key.
func sortedCoins(coins map[string]*transfer.Holding) []*transfer.Holding {
	keys := slices.Sorted(maps.Keys(coins))
	slices.SortStableFunc(keys, func(a, b string) int {
		va, vb := coins[a].Value(), coins[b].Value()
		switch {
		case va < vb:
			return -1
		case va > vb:
			return 1
		}
		return 0
	})
	out := make([]*transfer.Holding, len(keys))
	for i, k := range keys {
		out[i] = coins[k]
	}
	return out
}
