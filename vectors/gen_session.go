package vectors

import (
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// sessionDecision is the header shared by the session files: what an
// implementation decides for a transcript.
var sessionDecision = []string{
	"Kind session: one recorded clean payment of the scheme, message by message (input.messages: from and to are the hex of the parties' ids, type the hex of the ASCII message type name, payload the message bytes as sent), and transcripts derived from it by dropping, repeating, reordering, tampering with a message or taking one from another recorded payment between the same parties.",
	"The decision, acting as the payee: provision a fresh payee (id input.payee) with its private key input.payeeKey (the suite's private scalar, 32 bytes big-endian), its certificate input.payeeCertificate, the trusted root input.root, the root's revocation list input.crl, the coin issuer's key input.issuerPublicKey and the agent banks' certificates input.certificates, holding no coins, its clock at input.at; open one payment request for input.amount fen under the freshness value input.nonce, as if its own first message of the transcript had just left;",
	"then hand it, in transcript order, every message whose to is input.payee, stopping at the first it refuses. The messages to the payer are the payer's view and are not part of the decision (the payee's own answers are not compared byte for byte: signatures need not be reproducible).",
	"valid: every payee-bound message is accepted and the payee ends holding exactly input.amount fen offline. invalid: the code is that of the first payee-bound message refused; a transcript accepted to its end after which the payee holds any other value is value-mismatch (the payment did not complete).",
	"The reference is the model's own payee, fed the payee-bound payloads; what it checks is spec/formats-schemes.md, \"What the payee checks\" (certificate scheme) and \"What the card and the terminal check\" (chip scheme).",
}

// sessionMsg is one message of a recorded transcript.
type sessionMsg struct {
	from, to, typ string
	payload       []byte
}

func (m sessionMsg) input() SessionMessage {
	return SessionMessage{From: h([]byte(m.from)), To: h([]byte(m.to)), Type: h([]byte(m.typ)), Payload: h(m.payload)}
}

// sessionCtx is what every case of a session file shares.
type sessionCtx struct {
	p      *pki
	crl    []byte
	issuer suite.PublicKey
	payee  string
	nonce  []byte
	amount int64
}

func (c *sessionCtx) in(msgs []sessionMsg, at int64) SessionInput {
	si := SessionInput{Payee: h([]byte(c.payee)), PayeeKey: h(c.p.keys[c.payee].Bytes()), PayeeCertificate: h(c.p.certs[c.payee].Raw),
		Root: h(c.p.root.Cert.Raw), CRL: h(c.crl), IssuerPublicKey: h(c.issuer.SPKI()), Certificates: []string{h(c.p.certs[agentID].Raw)},
		Nonce: h(c.nonce), Amount: c.amount, At: at, Messages: []SessionMessage{}}
	for _, m := range msgs {
		si.Messages = append(si.Messages, m.input())
	}
	return si
}

// edit returns a copy of msgs with the message at i replaced by m.
func replaceAt(msgs []sessionMsg, i int, m sessionMsg) []sessionMsg {
	out := append([]sessionMsg{}, msgs...)
	out[i] = m
	return out
}

func dropAt(msgs []sessionMsg, i int) []sessionMsg {
	out := append([]sessionMsg{}, msgs[:i]...)
	return append(out, msgs[i+1:]...)
}

func insertAt(msgs []sessionMsg, i int, m sessionMsg) []sessionMsg {
	out := append([]sessionMsg{}, msgs[:i]...)
	out = append(out, m)
	return append(out, msgs[i:]...)
}

func withPayload(m sessionMsg, payload []byte) sessionMsg {
	m.payload = payload
	return m
}

func (g *gen) sessionPKI() (*pki, []byte, suite.PrivateKey) {
	p := g.newPKI("pki", []devSpec{{agentID, devcert.RoleAgent}, {certPayer, devcert.RoleWallet}, {certPayee, devcert.RoleWallet}, {certThird, devcert.RoleWallet}})
	issuer := g.key("issuer")
	if g.err != nil {
		return p, nil, issuer
	}
	crl, err := p.root.Revoke(1, genEpoch, genEpoch.AddDate(1, 0, 0))
	g.fail(err)
	if crl == nil {
		return p, nil, issuer
	}
	return p, crl.Raw, issuer
}
