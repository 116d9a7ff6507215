package chip

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Inject hands raw bytes to a wallet's card as if a peer had sent them,
// outside any fault plan: for fuzzing and for negative tests of the
// decoders behind the protocol. With asPayee false the bytes are a
// command to the payer card; with asPayee true the card first opens a
// payment request for amount (as the payee terminal) and the bytes are the
// response to it. It returns the card's refusal, if any. A refusal must be
// a typed error and leave the card's persistent state unchanged.
func (in *Instance) Inject(to world.PartyID, asPayee bool, amount int64, payload []byte) error {
	se, err := in.Inside(to)
	if err != nil {
		return err
	}
	m := world.Message{From: "injector", To: to, Payload: payload}
	var herr error
	crashed, _ := in.w.Guard(to, func() error {
		if asPayee {
			if amount <= 0 {
				herr = spec.Errorf(spec.CodeMalformed, "amount %d", amount)
				return nil
			}
			if _, err := se.startPayee("injector", amount); err != nil {
				herr = err
				return nil
			}
			_, herr = se.payeeEndpoint(m)
			se.challenge, se.received = nil, false
			return nil
		}
		_, herr = se.payerEndpoint(m)
		return nil
	})
	if crashed {
		se.Recover()
	}
	return herr
}
