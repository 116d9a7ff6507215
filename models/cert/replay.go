package cert

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/coin"
)

// This file exports, for the conformance vectors (package vectors) only, a
// fresh payee SIM fed a recorded payment: the session kind's reference
// decision is the model's payeeEndpoint itself, not a copy of it.

// ReplayPayee provisions a fresh payee SIM (a world of its own, the SIM's
// clock at p.At), opens one payment request for amount fen under nonce as
// if its HELLO-PAYEE had just left, and hands msgs (the messages addressed
// to the payee, in order) to the payee endpoint, stopping at the first it
// refuses. It returns the value the SIM holds at the end and that refusal.
func ReplayPayee(p kit.PayeeProvision, nonce []byte, amount int64, msgs [][]byte) (held int64, err error) {
	return kit.PayeeReplay[*SIM]{
		Session: "nonce", Size: NonceSize,
		// The payee side never opens a coin string; the HSM key only has to
		// be well formed for the store to load.
		Store: map[string][]byte{
			keyHSM:   make([]byte, coin.KeyIDSize+16),
			keyState: kit.MustJSON(simState{SyncUnix: p.At.Unix()}),
		},
		New: func(w *world.World, dev *world.Device) (*SIM, error) {
			se := &SIM{Core: kit.Core{S: p.Suite, Dev: dev}, w: w, variant: Recovering}
			return se, loadStore(se)
		},
		Open: func(se *SIM, nonce []byte) kit.Endpoint {
			se.payee = &payeeSession{nonce: nonce, amount: amount, stage: awaitPayerHello}
			return se.payeeEndpoint
		},
	}.Run(p, nonce, msgs)
}

// loadStore runs Recover, turning its panic on material that does not
// load into an error.
func loadStore(se *SIM) error { return kit.LoadStore("provisioning", se.Recover) }
