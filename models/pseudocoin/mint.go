package pseudocoin

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// The mint round over the bytes spec/formats-schemes.md states: the
// element's MintRequest, signed by its device key and sealed to the
// desk, and the desk's MintReply under the request's AEAD key. The agent
// bank carries both and keeps what it carried (AgentView): their lengths
// are all it can read.

// sealMintRequest builds, signs and seals the element's mint request for
// keys; it returns the AEAD key the reply will come under and the sealed
// bytes.
func (in *Instance) sealMintRequest(e *element, request string, keys [][]byte) (aeadKey, sealed []byte, err error) {
	dk, err := e.deviceKey()
	if err != nil {
		return nil, nil, err
	}
	m := &MintRequest{Identity: e.identity(), Request: []byte(request), Keys: keys}
	body := m.body()
	if m.Sig, err = dk.Sign(body); err != nil {
		return nil, nil, err
	}
	if in.mutated(mutantMintClear) {
		return nil, m.marshalWith(body), nil
	}
	return sealTo(in.s, in.deskSealKey(), in.w.Rand("pseudocoin/mint-seal/"+request), m.marshalWith(body), mintInfo)
}

// mintSealed answers a sealed mint request: it opens, parses and
// authenticates it (the device key of an element the central bank
// certified signed it, revoked or not), mints (desk.mint: idempotent by
// request id; a revoked element gets nothing fresh) and seals the reply under the request's AEAD key.
func (d *desk) mintSealed(party world.PartyID, sealed []byte) ([]byte, error) {
	d.logs[party] = append(d.logs[party], agentCarried("mint request", d.logs[party], sealed))
	key, plain, err := openFrom(d.in.s, d.sealKey, sealed, mintInfo)
	if d.in.mutated(mutantMintClear) {
		plain, err = sealed, nil
	}
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "mint request: %v", err)
	}
	m, body, err := parseMintRequest(plain)
	if err != nil {
		return nil, err
	}
	// The signature is checked against the certificate whatever its
	// standing now: a request minted before the element was revoked and
	// presented again (its reply lost) gets its bundles; d.mint refuses a
	// revoked (or expired) element anything fresh.
	cert, ok := d.in.cb.Certificate(m.Identity)
	if !ok {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "mint request: no certificate for device %q", m.Identity)
	}
	if err := cert.PublicKey.Verify(body, m.Sig); err != nil {
		return nil, spec.Errorf(spec.CodeBadSignature, "mint request from %s: %v", m.Identity, err)
	}
	bundles, err := d.mint(m.Identity, string(m.Request), m.Keys)
	if err != nil {
		return nil, err
	}
	out := (&MintReply{Request: m.Request, Bundles: bundles}).Marshal()
	if !d.in.mutated(mutantMintClear) {
		nonce := make([]byte, 12)
		d.in.w.Rand("pseudocoin/mint-reply/" + string(m.Request)).Read(nonce)
		if out, err = sealMintReply(d.in.s, key, nonce, out); err != nil {
			return nil, err
		}
	}
	d.logs[party] = append(d.logs[party], agentCarried("mint reply", d.logs[party], out))
	return out, nil
}

// agentCarried is the agent bank's record of sealed bytes it carried.
func agentCarried(what string, log []models.Observed, b []byte) models.Observed {
	return models.Observed{Label: fmt.Sprintf("%s %d", what, len(log)), Bytes: b}
}
