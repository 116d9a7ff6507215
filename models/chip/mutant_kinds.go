package chip

import (
	"bytes"

	"github.com/dualoffline/dualoffline/models"
)

// kindsMutants are issue 13's mutants for fault kinds that had none: each
// bug sits where one kind's altered message arrives, and only that kind
// reaches it (conformance's TestFaultKindsKill checks this).
func kindsMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		// field-bit: one bit late in a field; a field replaced whole
		// differs in its first bytes too.
		m("confirm-matches-challenge-short", "R1", "the payer card finds the log entry a CONFIRM acknowledges by comparing the challenge without its last byte (an off-by-one length) and checks the payee's signature over the entry's challenge, so a CONFIRM whose challenge was altered in its last byte is accepted"),
	}
}

// sameChallenge reports whether a CONFIRM's challenge got names the
// logged challenge want: equal, or under confirm-matches-challenge-short
// equal but for the last byte.
func (se *SE) sameChallenge(want, got []byte) bool {
	if se.mutated("confirm-matches-challenge-short") && len(want) == len(got) && len(want) > 0 {
		n := len(want) - 1
		return bytes.Equal(want[:n], got[:n])
	}
	return bytes.Equal(want, got)
}
