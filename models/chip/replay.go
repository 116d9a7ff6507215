package chip

import (
	"bytes"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file exports, for the conformance vectors (package vectors) only, a
// fresh payee terminal fed a recorded payment: the session kind's
// reference decision is the model's payeeEndpoint itself, not a copy of it.

// PayeeProvision is what a fresh payee card is personalised with.
type PayeeProvision = kit.PayeeProvision

// ReplayPayee personalises a fresh payee card (a world of its own, the
// terminal's clock at p.At), opens one session for amount fen under
// challenge as if its INITIATE had just left, and hands msgs (the
// responses addressed to the payee, in order) to the payee endpoint,
// stopping at the first it refuses. It returns the value the card holds
// at the end and that refusal.
func ReplayPayee(p PayeeProvision, challenge []byte, amount int64, msgs [][]byte) (held int64, err error) {
	if len(challenge) != transfer.ChallengeSize {
		return 0, spec.Errorf(spec.CodeMalformed, "challenge of %d bytes", len(challenge))
	}
	w, dev, err := kit.PayeeDevice(p, map[string][]byte{keyState: kit.MustJSON(seState{SyncUnix: p.At.Unix()})})
	if err != nil {
		return 0, err
	}
	se := &SE{Core: kit.Core{S: p.Suite, Dev: dev}, w: w}
	if err := loadStore(se); err != nil {
		return 0, err
	}
	se.challenge, se.amount, se.received = bytes.Clone(challenge), amount, false
	return kit.Feed(dev, msgs, se.payeeEndpoint, se.Balance)
}

// loadStore runs Recover, turning its panic on material that does not
// load into an error.
func loadStore(se *SE) error { return kit.LoadStore("personalisation", se.Recover) }
