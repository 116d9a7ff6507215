package chip

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
)

// kinds4Mutants are issue 13's mutant for the relay: a terminal with two
// timers, a session timeout read before the card is touched and a relay
// defence (a distance bound by timer) read after the card committed the
// coins. A delay of minutes trips the timeout first, which refuses
// cleanly; only an exchange slowed by seconds, what a relay's hop adds,
// passes the timeout and trips the misplaced bound.
func kinds4Mutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-relay-check-after-commit", "R1", "the payee terminal ends a session whose TRANSFER comes more than 5 minutes after its INITIATE before it hands the TRANSFER to the card (a session timeout), and as a relay defence refuses a TRANSFER more than 2 s after its INITIATE, but reads that timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: an exchange a relay slows by seconds leaves the coins on both cards"),
	}
}

// The timers are the terminal's, around the card: a Host does not play
// them.
func init() { hostMutations["payee-relay-check-after-commit"] = true }

// sessionExpired is payee-relay-check-after-commit's session timeout,
// read before the card sees the TRANSFER: nil in the reference, which
// keeps no session timer.
func (se *SE) sessionExpired() error {
	if !se.mutated("payee-relay-check-after-commit") {
		return nil
	}
	if d := se.w.Now().Sub(se.opened); d > sessionTimeout {
		return spec.Errorf(spec.CodeReplay, "TRANSFER %v after INITIATE: the session timed out after %v", d, sessionTimeout)
	}
	return nil
}
