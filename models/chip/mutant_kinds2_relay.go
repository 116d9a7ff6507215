package chip

import (
	"time"

	"github.com/dualoffline/dualoffline/spec"
)

// The timer is the terminal's, around the card: a Host does not play it.
func init() {
	hostMutations["payee-bounds-latency-after-commit"] = true
	hostMutations["payee-times-out-after-commit"] = true
}

// The terminal timers' bounds: payee-bounds-latency-after-commit's
// distance bound and payee-times-out-after-commit's session timeout.
const (
	maxLatency     = 2 * time.Second
	sessionTimeout = 5 * time.Minute
)

// latencyBound is the timer mutants' check, made after the coins of a
// TRANSFER were committed: nil in the reference, which bounds no latency
// (proximity is no security assumption) and keeps no session timer.
func (se *SE) latencyBound() error {
	var bound time.Duration
	switch {
	case se.mutated("payee-bounds-latency-after-commit"), se.mutated("payee-relay-check-after-commit"):
		bound = maxLatency
	case se.mutated("payee-times-out-after-commit"):
		bound = sessionTimeout
	default:
		return nil
	}
	if d := se.w.Now().Sub(se.opened); d > bound {
		return spec.Errorf(spec.CodeReplay, "TRANSFER %v after INITIATE, past the terminal's %v bound", d, bound)
	}
	return nil
}
