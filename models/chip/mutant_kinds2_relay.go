package chip

import (
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec"
)

// relayMutants are issue 13's mutants for the relay: the bug sits in a
// relay defence, which only an exchange a relay slowed down reaches.
func relayMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("payee-bounds-latency-after-commit", "R1", "the payee terminal's relay defence refuses a TRANSFER that arrives more than 2 s after its INITIATE (a distance bound by timer), but it reads the timer after the card committed the coins, and its refusal tells the payer card that nothing was stored: a relayed exchange leaves the coins on both cards"),
	}
}

// The timer is the terminal's, around the card: a Host does not play it.
func init() { hostMutations["payee-bounds-latency-after-commit"] = true }

// maxLatency is payee-bounds-latency-after-commit's distance bound.
const maxLatency = 2 * time.Second

// latencyBound is payee-bounds-latency-after-commit's check, made after
// the coins of a TRANSFER were committed: nil in the reference, which
// bounds no latency (proximity is no security assumption).
func (se *SE) latencyBound() error {
	if !se.mutated("payee-bounds-latency-after-commit") {
		return nil
	}
	if d := se.w.Now().Sub(se.opened); d > maxLatency {
		return spec.Errorf(spec.CodeReplay, "TRANSFER %v after INITIATE, past the %v distance bound: relayed", d, maxLatency)
	}
	return nil
}
