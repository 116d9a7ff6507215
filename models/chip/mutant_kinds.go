package chip

import (
	"bytes"
)

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
