package chip

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
)

// relayMutants are issue 13's timer mutants: a payee terminal that times
// the exchange from its INITIATE and refuses a TRANSFER past a bound, but
// reads its timer after the card committed the coins, so its refusal
// leaves them on both cards. Only an exchange a fault slowed down reaches
// the bug: a relay's hop (seconds) the distance bound, and only a delay
// (minutes) the session timeout.
func relayMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-bounds-latency-after-commit", "R1", "the payee terminal's relay defence refuses a TRANSFER that arrives more than 2 s after its INITIATE (a distance bound by timer), but it reads the timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: a relayed exchange leaves the coins on both cards"),
		m("payee-times-out-after-commit", "R1", "the payee terminal gives up on a session whose TRANSFER arrives more than 5 minutes after its INITIATE (a session timeout), but it reads the timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: a late TRANSFER leaves the coins on both cards"),
	}
}

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
