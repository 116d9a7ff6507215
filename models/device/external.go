package device

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// NoParams checks the params of an operation that takes none: {}, or
// nothing, or null; anything else is malformed.
func NoParams(op string, params json.RawMessage) error {
	if t := bytes.TrimSpace(params); len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil
	}
	return Decode(op, params, &struct{}{})
}

// DialExternal reaches wallet id, an external device, through dial: it
// gives the wallet its handle in w (a device with a clock or without, for
// power cuts; the state lives outside) and returns the link. No dialer
// is unimplemented.
func DialExternal(w *world.World, id world.PartyID, clock bool, dial models.Dialer) (models.Link, error) {
	if dial == nil {
		return nil, spec.Errorf(spec.CodeUnimplemented, "wallet %s is external but no dialer is configured", id)
	}
	w.AddDevice(id, clock)
	return dial(id)
}

// OwnCertificate checks that der is the certificate of the key keygen
// stored under keyPriv: a wallet certificate naming id, for that key. It
// returns the suite and the certificate; a device without a key, or a
// certificate that is not its own, is refused.
func (k *Kit) OwnCertificate(keyPriv string, der []byte, id string) (suite.Suite, *devcert.Certificate, error) {
	priv, ok := k.Dev.Get(keyPriv)
	if !ok {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "the %s has no key yet: keygen first", k.noun)
	}
	s, err := k.Suite()
	if err != nil {
		return nil, nil, err
	}
	key, err := suite.PrivateKeyFromBytes(s, priv)
	if err != nil {
		return nil, nil, spec.Errorf(spec.CodeMalformed, "stored key: %v", err)
	}
	cert, err := devcert.Parse(s, der)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(cert.PublicKey.SPKI(), key.Public().SPKI()) || cert.ID != id || cert.Role != devcert.RoleWallet {
		return nil, nil, spec.Errorf(spec.CodeWrongRecipient, "the certificate (id %q, role %q) is not this %s's", cert.ID, cert.Role, k.noun)
	}
	return s, cert, nil
}

// CheckMutation checks that mutation ("" for none) is one of a scheme's
// wallet mutants (known, by name): a host plays only those, and anything
// else is an error naming what it could play.
func CheckMutation(scheme, mutation string, known map[string]bool) error {
	if mutation == "" || known[mutation] {
		return nil
	}
	return fmt.Errorf("%s: %q is not a wallet mutant (%v)", scheme, mutation, slices.Sorted(maps.Keys(known)))
}

// Bare answers an operation that takes no params (NoParams) with f's
// result.
func Bare(op string, params json.RawMessage, f func() (any, error)) (any, error) {
	if err := NoParams(op, params); err != nil {
		return nil, err
	}
	return f()
}

// External is how a scheme attaches an external wallet: the wallet's
// device is reached (DialExternal) and generates its key pair before the
// scheme certifies the key and loads the rest.
type External struct {
	Clock  bool   // whether the device has a clock
	Keygen string // the keygen operation
	// Seed names the harness's randomness the keygen seed is drawn from:
	// Seed + the party id.
	Seed string
	// Note is what the trace notes once the key is generated ("":
	// nothing).
	Note string
	// Params are the keygen params the scheme sends for p (nil: p).
	Params func(p KeygenParams) any
}

// Attach reaches wallet id through dial (DialExternal), records its link
// in links, and has the device generate its key pair in suite s from a
// seed of 32 bytes of w's randomness (Seed). It returns the device's
// Remote and the public key it reported.
func (e External) Attach(w *world.World, id world.PartyID, dial models.Dialer, links map[world.PartyID]models.Link, s suite.Suite) (Remote, suite.PublicKey, error) {
	link, err := DialExternal(w, id, e.Clock, dial)
	if err != nil {
		return Remote{}, nil, err
	}
	links[id] = link
	r := Remote{Link: link, Party: id}
	p := KeygenParams{Party: string(id), Suite: string(s.ID()), Seed: w.Rand(e.Seed + string(id)).Bytes(32)}
	var params any = p
	if e.Params != nil {
		params = e.Params(p)
	}
	pub, err := r.Keygen(e.Keygen, params, s)
	if err != nil {
		return Remote{}, nil, err
	}
	if e.Note != "" {
		w.Trace().Note(id, "%s", e.Note)
	}
	return r, pub, nil
}
