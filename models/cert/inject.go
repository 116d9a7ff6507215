package cert

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Inject hands raw bytes to a wallet's SIM as if a peer had sent them,
// outside any fault plan: for fuzzing and for negative tests of the
// decoders behind the protocol. With asPayee false the bytes are a message
// to the payer role; with asPayee true the SIM first opens a payment
// request for amount (as the payee) and the bytes are the answer to it. It
// returns the SIM's refusal, if any. A refusal must be a typed error and
// leave the SIM's persistent state unchanged; whatever session the bytes
// opened is dropped afterwards.
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
			return nil
		}
		_, herr = se.payerEndpoint(m)
		return nil
	})
	if crashed {
		se.Recover()
	}
	se.payee, se.payers = nil, map[string]*payerSession{}
	return herr
}

// InjectIssue hands raw bytes to a wallet's SIM as if the agent bank had
// sent them as an ISSUE envelope over the online link. It returns the
// SIM's refusal, if any; an envelope it accepts is committed like a
// withdrawal (the caller vouches for the value: the bank is not debited).
func (in *Instance) InjectIssue(to world.PartyID, payload []byte) error {
	se, err := in.Inside(to)
	if err != nil {
		return err
	}
	coins, puts, err := se.openIssue(payload)
	if err != nil {
		return err
	}
	se.commit(puts, nil, coins, nil, nil)
	return nil
}
