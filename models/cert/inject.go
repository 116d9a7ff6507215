package cert

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
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
	return kit.Inject(&in.Table, to, asPayee, amount, payload, func(se *SIM, _ bool) { se.payee, se.payers = nil, map[string]*payerSession{} })
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
