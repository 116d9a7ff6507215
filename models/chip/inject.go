package chip

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
)

// Inject hands raw bytes to a wallet's card as if a peer had sent them,
// outside any fault plan: for fuzzing and for negative tests of the
// decoders behind the protocol. With asPayee false the bytes are a
// command to the payer card; with asPayee true the card first opens a
// payment request for amount (as the payee terminal) and the bytes are the
// response to it. It returns the card's refusal, if any. A refusal must be
// a typed error and leave the card's persistent state unchanged.
func (in *Instance) Inject(to world.PartyID, asPayee bool, amount int64, payload []byte) error {
	return kit.Inject(&in.Table, to, asPayee, amount, payload, func(se *SE, asPayee bool) {
		if asPayee {
			se.challenge, se.received = nil, false
		}
	})
}
