package cert

import (
	"bytes"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// This file exports, for the conformance vectors (package vectors) only, a
// fresh payee SIM fed a recorded payment: the session kind's reference
// decision is the model's payeeEndpoint itself, not a copy of it.

// PayeeProvision is what a fresh payee SIM is provisioned with.
type PayeeProvision struct {
	Suite   suite.Suite
	ID      string
	Key     []byte   // the private key, suite.PrivateKey.Bytes()
	Cert    []byte   // the payee's certificate, DER
	Root    []byte   // the root certificate, DER
	CRL     []byte   // the revocation list, DER, signed by the root
	CoinKey []byte   // the coin issuer's public key, SPKI DER
	Agents  [][]byte // the agent banks' certificates, DER
	At      time.Time
}

// ReplayPayee provisions a fresh payee SIM (a world of its own, the SIM's
// clock at p.At), opens one payment request for amount fen under nonce as
// if its HELLO-PAYEE had just left, and hands msgs (the messages addressed
// to the payee, in order) to the payee endpoint, stopping at the first it
// refuses. It returns the value the SIM holds at the end and that refusal.
func ReplayPayee(p PayeeProvision, nonce []byte, amount int64, msgs [][]byte) (held int64, err error) {
	if len(nonce) != NonceSize {
		return 0, spec.Errorf(spec.CodeMalformed, "nonce of %d bytes", len(nonce))
	}
	if _, err := suite.PrivateKeyFromBytes(p.Suite, p.Key); err != nil {
		return 0, err
	}
	w := world.New(0)
	dev := w.AddDevice(world.PartyID(p.ID), true)
	dev.SetSkew(p.At.Sub(w.Now()))
	// The payee side never opens a coin string; the HSM key only has to
	// be well formed for the store to load.
	hsmKey := make([]byte, coin.KeyIDSize+16)
	puts := map[string][]byte{
		kit.KeyID:      []byte(p.ID),
		kit.KeyPriv:    p.Key,
		kit.KeyCert:    p.Cert,
		kit.KeyRoot:    p.Root,
		kit.KeyCoinKey: p.CoinKey,
		kit.KeyCRL:     p.CRL,
		keyHSM:         hsmKey,
		kit.KeyLimits:  kit.MustJSON(models.Config{}.WithDefaults().Limits),
		keyState:       kit.MustJSON(simState{SyncUnix: p.At.Unix()}),
	}
	for i, a := range p.Agents {
		puts[kit.PrefAgent+string(rune('a'+i))] = a
	}
	dev.Commit(puts, nil)
	se := &SIM{Core: kit.Core{S: p.Suite, Dev: dev}, w: w, variant: Recovering}
	if err := loadStore(se); err != nil {
		return 0, err
	}
	se.payee = &payeeSession{nonce: bytes.Clone(nonce), amount: amount, stage: awaitPayerHello}
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
func loadStore(se *SIM) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = spec.Errorf(spec.CodeMalformed, "provisioning: %v", r)
		}
	}()
	se.Recover()
	return nil
}
