package kit

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// PayeeProvision is what a fresh payee element is provisioned with, for
// the conformance vectors' replays (a scheme's ReplayPayee): the
// provision vgen.RefSession decodes from a session file.
type PayeeProvision = vgen.SessionProvision

// PayeeDevice makes the store of a fresh payee element in a world of its
// own (returned with it), the device's clock at p.At: the shared keys
// (Core.Load reads them) with the default limits, the agents'
// certificates, and extra (the scheme's own keys). A key that does not
// parse is its error.
func PayeeDevice(p PayeeProvision, extra map[string][]byte) (*world.World, *world.Device, error) {
	if _, err := suite.PrivateKeyFromBytes(p.Suite, p.Key); err != nil {
		return nil, nil, err
	}
	w := world.New(0)
	dev := w.AddDevice(world.PartyID(p.ID), true)
	dev.SetSkew(p.At.Sub(w.Now()))
	puts := Material{ID: p.ID, Cert: p.Cert, Root: p.Root, CoinKey: p.CoinKey, CRL: p.CRL, Agents: p.Agents,
		Limits: models.Config{}.WithDefaults().Limits}.Puts(extra)
	puts[KeyPriv] = p.Key
	dev.Commit(puts, nil)
	return w, dev, nil
}

// Feed hands msgs, in order, to endpoint as messages from "payer" to
// dev, stopping at the first it refuses. It returns held() at the end and
// that refusal.
func Feed(dev *world.Device, msgs [][]byte, endpoint func(world.Message) ([]world.Message, error), held func() int64) (int64, error) {
	for _, m := range msgs {
		if _, err := endpoint(world.Message{From: "payer", To: dev.ID(), Payload: m}); err != nil {
			return held(), err
		}
	}
	return held(), nil
}

// LoadStore runs load (an element's Recover), turning its panic on material that does not
// load (a certificate or list that does not parse or verify) into a
// CodeMalformed error that names what was loading (what).
func LoadStore(what string, load func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = spec.Errorf(spec.CodeMalformed, "%s: %v", what, r)
		}
	}()
	load()
	return nil
}
