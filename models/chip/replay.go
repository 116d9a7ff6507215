package chip

import (
	"bytes"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file exports, for the conformance vectors (package vectors) only, a
// fresh payee terminal fed a recorded payment: the session kind's
// reference decision is the model's payeeEndpoint itself, not a copy of it.

// PayeeProvision is what a fresh payee card is personalised with.
type PayeeProvision struct {
	Suite   suite.Suite
	ID      string
	Key     []byte   // the private key, suite.PrivateKey.Bytes()
	Cert    []byte   // the card's certificate, DER
	Root    []byte   // the root certificate, DER
	CRL     []byte   // the revocation list, DER, signed by the root
	CoinKey []byte   // the coin issuer's public key, SPKI DER
	Agents  [][]byte // the agent banks' certificates, DER
	At      time.Time
}

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
	if _, err := suite.PrivateKeyFromBytes(p.Suite, p.Key); err != nil {
		return 0, err
	}
	w := world.New(0)
	dev := w.AddDevice(world.PartyID(p.ID), true)
	dev.SetSkew(p.At.Sub(w.Now()))
	puts := map[string][]byte{
		kit.KeyID:      []byte(p.ID),
		kit.KeyPriv:    p.Key,
		kit.KeyCert:    p.Cert,
		kit.KeyRoot:    p.Root,
		kit.KeyCoinKey: p.CoinKey,
		kit.KeyCRL:     p.CRL,
		kit.KeyLimits:  kit.MustJSON(models.Config{}.WithDefaults().Limits),
		keyState:       kit.MustJSON(seState{SyncUnix: p.At.Unix()}),
	}
	for i, a := range p.Agents {
		puts[kit.PrefAgent+string(rune('a'+i))] = a
	}
	dev.Commit(puts, nil)
	se := &SE{Core: kit.Core{S: p.Suite, Dev: dev}, w: w}
	if err := loadStore(se); err != nil {
		return 0, err
	}
	se.challenge, se.amount, se.received = bytes.Clone(challenge), amount, false
	for _, m := range msgs {
		if _, err := se.payeeEndpoint(world.Message{From: "payer", To: dev.ID(), Payload: m}); err != nil {
			return se.Balance(), err
		}
	}
	return se.Balance(), nil
}

// loadStore runs recover, turning its panic on material that does not
// load (a certificate or list that does not parse or verify) into an
// error.
func loadStore(se *SE) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = spec.Errorf(spec.CodeMalformed, "personalisation: %v", r)
		}
	}()
	se.Recover()
	return nil
}
