package chain

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

var _ models.Insider = (*Instance)(nil)

// insiderSkew is how far a stale or future insider timestamp is from the
// insider's clock when the plan names no Value: a day.
const insiderSkew = 24 * time.Hour

// insiderPlan is a staged insider: the plan and, for InsiderNotOwned, the
// coins of Other's it saw when it was staged; for InsiderOtherPayee,
// Other's address.
type insiderPlan struct {
	models.InsiderPlan
	other     []walletCoin
	otherAddr Address
}

// Insider hands the wallet to an insider (models.Insider). A chain
// payment carries in the clear what the payee checks offline (amount,
// nonce, time, addresses, certificate, signature) and seals its inputs to
// the chain key. The kinds in the clear are a stale or future timestamp
// and a reused nonce; the kinds in the inputs are inputs worth less than
// the amount (wrong-sum), one input twice (duplicate-input), another
// wallet's coin (not-owned) and another payee than the clear one
// (other-payee), which only the master nodes can see. A wrong amount
// (wrong-amount) is the signed amount: in the clear on the chain, sealed
// with the inputs on chain-literal, where the payee cannot read it. The
// chain derives every output from the inputs and the amount, so a
// payment has no change or denomination to inflate: inflated-change and
// off-table are unimplemented.
func (in *Instance) Insider(id world.PartyID, p models.InsiderPlan) error {
	wl, err := in.Inside(id)
	if err != nil {
		return err
	}
	st := &insiderPlan{InsiderPlan: p}
	switch p.Kind {
	case "":
		wl.insider = nil
		return nil
	case models.InsiderStaleTime, models.InsiderFutureTime, models.InsiderReusedChallenge, models.InsiderWrongSum, models.InsiderDuplicateInput, models.InsiderWrongAmount:
	case models.InsiderOtherPayee:
		addr, ok := in.addrs[p.Other]
		if !ok || p.Other == id {
			return spec.Errorf(spec.CodeWrongRecipient, "%s needs another wallet to name as payee, not %q", p.Kind, p.Other)
		}
		st.otherAddr = addr
	case models.InsiderNotOwned:
		o, err := in.Inside(p.Other)
		if err != nil {
			return err
		}
		if o == wl {
			return spec.Errorf(spec.CodeWrongRecipient, "%s needs another wallet's coins", p.Kind)
		}
		st.other = sortedCoins(o.coins)
		if len(st.other) == 0 {
			return spec.Errorf(spec.CodeInsufficient, "%s holds no coin", p.Other)
		}
	default:
		return spec.Errorf(spec.CodeUnimplemented, "the chain derives a payment's outputs from its inputs and amount: %s has no field to alter", p.Kind)
	}
	wl.insider = st
	in.w.Trace().Note(id, "insider: %q (value %d, other %q)", p.Kind, p.Value, p.Other)
	return nil
}

// sortedCoins lists coins smallest first, ties by key.
func sortedCoins(coins map[string]*walletCoin) []walletCoin {
	keys := slices.Sorted(maps.Keys(coins))
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(coins[a].Value, coins[b].Value) })
	out := make([]walletCoin, len(keys))
	for i, k := range keys {
		out[i] = *coins[k]
	}
	return out
}

// payTime is the time a payment states: the wallet's clock, or the
// insider's stale or future time.
func (wl *wallet) payTime() time.Time {
	now := wl.now()
	if wl.insider == nil {
		return now
	}
	d := insiderSkew
	if wl.insider.Value > 0 {
		d = time.Duration(wl.insider.Value) * time.Second
	}
	switch wl.insider.Kind {
	case models.InsiderStaleTime:
		return now.Add(-d)
	case models.InsiderFutureTime:
		return now.Add(d)
	}
	return now
}

// insiderQR builds the insider's payment and commits nothing: the coins
// stay in the wallet whatever the payee and the chain do.
func (wl *wallet) insiderQR(payee Address, amount int64, nonce [NonceSize]byte) ([]byte, error) {
	first := func(coins []walletCoin, ok func(v int64) bool) ([]walletCoin, error) {
		for _, c := range coins {
			if ok(c.Value) {
				return []walletCoin{c}, nil
			}
		}
		return nil, spec.Errorf(spec.CodeInsufficient, "%s: no coin fits a payment of %d fen", wl.insider.Kind, amount)
	}
	own := sortedCoins(wl.coins)
	var picked []walletCoin
	var err error
	switch wl.insider.Kind {
	case models.InsiderWrongSum:
		picked, err = first(own, func(v int64) bool { return v < amount })
	case models.InsiderDuplicateInput:
		if picked, err = first(own, func(v int64) bool { return v < amount && amount <= 2*v }); err == nil {
			picked = append(picked, picked[0])
		}
	case models.InsiderNotOwned:
		// Other's coin after one of the insider's own (when it holds
		// one): the nodes must check who owns every input, not the
		// first only.
		if picked, err = first(wl.insider.other, func(v int64) bool { return v == amount }); err == nil && len(own) > 0 {
			picked = append([]walletCoin{own[0]}, picked...)
		}
	case models.InsiderReusedChallenge:
		var last []byte
		for _, k := range slices.Sorted(maps.Keys(wl.out)) {
			last = wl.out[k].Payment
		}
		p, perr := ParsePayment(last)
		if last == nil || perr != nil {
			return nil, spec.Errorf(spec.CodeReplay, "%s: the wallet logged no earlier payment", wl.insider.Kind)
		}
		nonce = p.Nonce
		picked, err = wl.pick(amount)
	case models.InsiderWrongAmount:
		less := max(wl.insider.Value, 1)
		if less >= amount {
			return nil, spec.Errorf(spec.CodeValueMismatch, "%s: %d fen less than a payment of %d leaves nothing to pay", wl.insider.Kind, less, amount)
		}
		amount -= less
		picked, err = wl.pick(amount)
	default:
		picked, err = wl.pick(amount)
	}
	if err != nil {
		return nil, err
	}
	qr, _, err := wl.signPayment(payee, amount, nonce, picked, wl.payTime())
	if err != nil {
		return nil, err
	}
	wl.w.Trace().State(wl.dev.ID(), "insider: %s payment of %d fen to address %x, signed, nothing committed", wl.insider.Kind, amount, payee[:8])
	return qr, nil
}

// sealedPayee is the payee a payment's sealed transfer names: the clear
// payee, or the insider's other payee.
func (wl *wallet) sealedPayee(payee Address) Address {
	if wl.insider != nil && wl.insider.Kind == models.InsiderOtherPayee {
		return wl.insider.otherAddr
	}
	return payee
}

// payeeChecksTime reports whether the payee checks a payment's time
// against its clock (payee-skips-time-window forgets to).
func (wl *wallet) payeeChecksTime() bool { return !wl.mutated("payee-skips-time-window") }
