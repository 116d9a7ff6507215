package chip

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file exports, for the conformance vectors (package vectors) only, a
// fresh payee terminal fed a recorded payment: the session kind's
// reference decision is the model's payeeEndpoint itself, not a copy of it.

// ReplayPayee personalises a fresh payee card (a world of its own, the
// terminal's clock at p.At), opens one session for amount fen under
// challenge as if its INITIATE had just left, and hands msgs (the
// responses addressed to the payee, in order) to the payee endpoint,
// stopping at the first it refuses. It returns the value the card holds
// at the end and that refusal.
func ReplayPayee(p kit.PayeeProvision, challenge []byte, amount int64, msgs [][]byte) (held int64, err error) {
	return kit.PayeeReplay[*SE]{
		Session: "challenge", Size: transfer.ChallengeSize,
		Store: map[string][]byte{keyState: kit.MustJSON(seState{SyncUnix: p.At.Unix()})},
		New: func(w *world.World, dev *world.Device) (*SE, error) {
			se := &SE{Core: kit.Core{S: p.Suite, Dev: dev}, w: w}
			return se, loadStore(se)
		},
		Open: func(se *SE, challenge []byte) kit.Endpoint {
			se.challenge, se.amount, se.received = challenge, amount, false
			return se.payeeEndpoint
		},
	}.Run(p, challenge, msgs)
}

// loadStore runs Recover, turning its panic on material that does not
// load into an error.
func loadStore(se *SE) error { return kit.LoadStore("personalisation", se.Recover) }
