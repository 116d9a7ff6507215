package chain

import (
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

// Insider hands the wallet to an insider (models.Insider). The payee
// checks the clear fields of a payment offline (amount, nonce, time,
// addresses, certificate, signature) and the sealed inputs only reach the
// chain, so the kinds a chain payment can carry are the ones in the clear:
// a stale or future timestamp and a reused nonce. The input kinds
// (arithmetic, denominations, ownership, a duplicate input) have no field
// in what the payee sees and are unimplemented; the master nodes' checks
// of them are what the forged-coin corruptions exercise.
func (in *Instance) Insider(id world.PartyID, p models.InsiderPlan) error {
	wl, err := in.own(id)
	if err != nil {
		return err
	}
	switch p.Kind {
	case "":
		wl.insider = nil
		return nil
	case models.InsiderStaleTime, models.InsiderFutureTime, models.InsiderReusedChallenge:
	default:
		return spec.Errorf(spec.CodeUnimplemented, "a chain payee sees the clear fields of a payment only; %s alters the sealed inputs, which the master nodes check", p.Kind)
	}
	wl.insider = &p
	in.w.Trace().Note(id, "insider: %q (value %d, other %q)", p.Kind, p.Value, p.Other)
	return nil
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
// stay in the wallet whatever the payee does.
func (wl *wallet) insiderQR(payee Address, amount int64, nonce [NonceSize]byte, picked []walletCoin) ([]byte, error) {
	if wl.insider.Kind == models.InsiderReusedChallenge {
		var last []byte
		for _, k := range slices.Sorted(maps.Keys(wl.out)) {
			last = wl.out[k].Payment
		}
		p, err := ParsePayment(last)
		if last == nil || err != nil {
			return nil, spec.Errorf(spec.CodeReplay, "%s: the wallet logged no earlier payment", wl.insider.Kind)
		}
		nonce = p.Nonce
	}
	qr, _, err := wl.build(payee, amount, nonce, picked)
	if err != nil {
		return nil, err
	}
	wl.w.Trace().State(wl.dev.ID(), "insider: %s payment of %d fen to address %x, signed, nothing committed", wl.insider.Kind, amount, payee[:8])
	return qr, nil
}

// payeeChecksTime reports whether the payee checks a payment's time
// against its clock (payee-skips-time-window forgets to).
func (wl *wallet) payeeChecksTime() bool { return !wl.mutated("payee-skips-time-window") }
