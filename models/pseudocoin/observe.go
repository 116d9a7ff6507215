package pseudocoin

import (
	"bytes"
	"fmt"

	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// AgentView is what the holder's agent bank received: every upload it
// carried to the desk (sealed) and its log of the holder's payments above
// T.
func (in *Instance) AgentView(wallet world.PartyID) []models.Observed { return in.desk.logs[wallet] }

// TraceReceived is the central bank's trace of every record the payee
// exchanged: the escrow, opened.
func (in *Instance) TraceReceived(payee world.PartyID) []models.Traced {
	d, err := in.device(payee)
	if err != nil {
		return nil
	}
	id, err := d.Identity()
	if err != nil {
		return nil
	}
	var out []models.Traced
	for _, t := range in.desk.paid {
		if t.payee == id {
			out = append(out, t.Traced)
		}
	}
	return out
}

// adversaryKeys are the private keys the merchant's element and the agent
// bank hold: the element's device key, every receiving key it ever gave
// out, every one-time key it holds, and the agent bank's key.
func (in *Instance) adversaryKeys(merchant world.PartyID) map[string]suite.PrivateKey {
	keys := map[string]suite.PrivateKey{"agent bank key": in.desk.agent}
	e, err := in.element(merchant)
	if err != nil {
		return keys
	}
	if k, err := e.deviceKey(); err == nil {
		keys["device key of "+string(merchant)] = k
	}
	for i, k := range in.gaveOut[merchant] {
		keys[fmt.Sprintf("receiving key %d of %s", i, merchant)] = k
	}
	for _, h := range e.holdings() {
		if k, err := h.key(); err == nil {
			keys["one-time key "+h.name] = k
		}
	}
	return keys
}

// AdversaryOpen applies every key of the merchant and the agent bank to
// the ciphertexts b holds: the escrow of every record in it (b a record
// or a holding), or b itself (an upload).
func (in *Instance) AdversaryOpen(merchant world.PartyID, b []byte) []models.Observed {
	var sealed [][]byte
	var walk func(r *Record)
	walk = func(r *Record) {
		sealed = append(sealed, r.Escrow)
		for _, h := range r.Inputs {
			if h.Record != nil {
				walk(h.Record)
			}
		}
	}
	if h, err := ParseHolding(b); err == nil && h.Record != nil {
		walk(h.Record)
	} else if err != nil {
		if _, der, ok := splitHolding(b); ok {
			if h, err := ParseHolding(der); err == nil && h.Record != nil {
				walk(h.Record)
			}
		}
	}
	keys := in.adversaryKeys(merchant)
	var out []models.Observed
	for _, name := range sortedKeys(keys) {
		k := keys[name]
		for _, c := range sealed {
			if p, err := k.Open(c, []byte(escrowInfoBank)); err == nil {
				out = append(out, models.Observed{Label: "escrow opened with " + name, Bytes: p})
			}
		}
		if p, err := openUpload(in.s, k, b); err == nil {
			out = append(out, models.Observed{Label: "upload opened with " + name, Bytes: p})
		}
	}
	return out
}

// CoinID names a flagged coin instance as View names coins: the store
// name of its holding (its key's name) and the coin's index.
func (in *Instance) CoinID(i bank.Instance) string {
	return fmt.Sprintf("%x/%d", i.Creator[:8], i.Serial[len(i.Serial)-1])
}

// escrowInfoBank is bank.Escrow's seal context.
const escrowInfoBank = "dualoffline/identity-escrow/v1"

// VerifyEvidence checks double-spend evidence with public data only: the
// holding verifies under the desk's key, both records spend its key with
// valid signatures and differ, and the two opened escrows name one device
// whose certificate chains to the root and whose key signed both
// records' cores. RecordA may instead be the key's signed Surrender of
// the holding at a reconciliation (its Certs entry is then unused): the
// key signed a record after giving the holding back, or before.
func (in *Instance) VerifyEvidence(ev bank.DoubleSpend) (string, error) {
	h, err := ParseHolding(ev.HoldingA)
	if err != nil {
		return "", err
	}
	if err := in.desk.verifier().holding(h); err != nil {
		return "", err
	}
	cert, err := devcert.Parse(in.s, ev.CulpritCert)
	if err != nil {
		return "", err
	}
	if err := cert.Verify(in.cb.Root(), cert.NotBefore, nil); err != nil {
		return "", err
	}
	if len(ev.Certs) != 2 {
		return "", spec.Errorf(spec.CodeMalformed, "evidence carries %d opened escrows, want 2", len(ev.Certs))
	}
	var ids [2][32]byte
	for i, rb := range [][]byte{ev.RecordA, ev.RecordB} {
		if i == 0 && len(rb) > 0 && casn1.Tag(rb[0]) == tagSurrender {
			// The key's surrender of its holding at a reconciliation.
			sur, err := ParseSurrender(rb)
			if err != nil {
				return "", err
			}
			if !bytes.Equal(sur.Key, h.Key()) {
				return "", spec.Errorf(spec.CodeValueMismatch, "the evidence's surrender is of another key")
			}
			pub, err := in.s.ParsePublicKey(sur.Key)
			if err != nil {
				return "", err
			}
			if err := pub.Verify(sur.TBS(), sur.Sig); err != nil {
				return "", err
			}
			ids[i] = idOf(rb)
			continue
		}
		r, err := ParseRecord(rb)
		if err != nil {
			return "", err
		}
		ids[i] = r.ID()
		found := false
		for j, x := range r.Inputs {
			if !bytes.Equal(x.Key(), h.Key()) {
				continue
			}
			pub, err := in.s.ParsePublicKey(x.Key())
			if err != nil {
				return "", err
			}
			if err := pub.Verify(r.TBS(), r.Sigs[j]); err != nil {
				return "", err
			}
			found = true
		}
		if !found {
			return "", spec.Errorf(spec.CodeValueMismatch, "record %d of the evidence does not spend the holding", i)
		}
		body, err := parseEscrow(ev.Certs[i])
		if err != nil {
			return "", err
		}
		if body.Identity != cert.ID || body.Identity != ev.Culprit {
			return "", spec.Errorf(spec.CodeWrongRecipient, "escrow %d names %s, the culprit is %s (certificate %s)", i, body.Identity, ev.Culprit, cert.ID)
		}
		if err := cert.PublicKey.Verify(r.Core(), body.DevSig); err != nil {
			return "", err
		}
	}
	if ids[0] == ids[1] {
		return "", spec.Errorf(spec.CodeMalformed, "the evidence holds one record twice")
	}
	return cert.ID, nil
}
