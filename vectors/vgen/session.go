package vgen

import (
	"slices"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// SessionDecision is the header shared by the session files: what an
// implementation decides for a transcript.
var SessionDecision = []string{
	"Kind session: one recorded clean payment of the scheme, message by message (input.messages: from and to are the hex of the parties' ids, type the hex of the ASCII message type name, payload the message bytes as sent), and transcripts derived from it by dropping, repeating, reordering, tampering with a message or taking one from another recorded payment between the same parties.",
	"The decision, acting as the payee: provision a fresh payee (id input.payee) with its private key input.payeeKey (the suite's private scalar, 32 bytes big-endian), its certificate input.payeeCertificate, the trusted root input.root, the root's revocation list input.crl, the coin issuer's key input.issuerPublicKey and the agent banks' certificates input.certificates, holding no coins, its clock at input.at; open one payment request for input.amount fen under the freshness value input.nonce, as if its own first message of the transcript had just left;",
	"then hand it, in transcript order, every message whose to is input.payee, stopping at the first it refuses. The messages to the payer are the payer's view and are not part of the decision (the payee's own answers are not compared byte for byte: signatures need not be reproducible).",
	"valid: every payee-bound message is accepted and the payee ends holding exactly input.amount fen offline. invalid: the code is that of the first payee-bound message refused; a transcript accepted to its end after which the payee holds any other value is value-mismatch (the payment did not complete).",
	"The reference is the model's own payee, fed the payee-bound payloads; what it checks is spec/formats-schemes.md, \"What the payee checks\" (certificate scheme) and \"What the card and the terminal check\" (chip scheme).",
}

// SessionMsg is one message of a recorded transcript.
type SessionMsg struct {
	From, To, Typ string
	Payload       []byte
}

// Input is the message as an input member.
func (m SessionMsg) Input() SessionMessage {
	return SessionMessage{From: H([]byte(m.From)), To: H([]byte(m.To)), Type: H([]byte(m.Typ)), Payload: H(m.Payload)}
}

// SessionCtx is what every case of a session file shares.
type SessionCtx struct {
	P      *PKI
	CRL    []byte
	Issuer suite.PublicKey
	Payee  string
	Nonce  []byte
	Amount int64
}

// In is the case input of the transcript msgs with the payee's clock at at.
func (c *SessionCtx) In(msgs []SessionMsg, at int64) SessionInput {
	si := SessionInput{Payee: H([]byte(c.Payee)), PayeeKey: H(c.P.Keys[c.Payee].Bytes()), PayeeCertificate: H(c.P.Certs[c.Payee].Raw),
		Root: H(c.P.Root.Cert.Raw), CRL: H(c.CRL), IssuerPublicKey: H(c.Issuer.SPKI()), Certificates: []string{H(c.P.Certs[AgentID].Raw)},
		Nonce: H(c.Nonce), Amount: c.Amount, At: at, Messages: []SessionMessage{}}
	for _, m := range msgs {
		si.Messages = append(si.Messages, m.Input())
	}
	return si
}

// ReplaceAt returns a copy of msgs with the message at i replaced by m.
func ReplaceAt(msgs []SessionMsg, i int, m SessionMsg) []SessionMsg {
	out := append([]SessionMsg{}, msgs...)
	out[i] = m
	return out
}

// DropAt returns a copy of msgs without the message at i.
func DropAt(msgs []SessionMsg, i int) []SessionMsg {
	out := append([]SessionMsg{}, msgs[:i]...)
	return append(out, msgs[i+1:]...)
}

// InsertAt returns a copy of msgs with m inserted at i.
func InsertAt(msgs []SessionMsg, i int, m SessionMsg) []SessionMsg {
	out := append([]SessionMsg{}, msgs[:i]...)
	out = append(out, m)
	return append(out, msgs[i:]...)
}

// WithPayload returns m carrying payload instead.
func WithPayload(m SessionMsg, payload []byte) SessionMsg {
	m.Payload = payload
	return m
}

// SessionBuilder is the Builder of a scheme's session file (kind
// "session") for g's suite: the scheme's doc, then SessionDecision.
func (g *Gen) SessionBuilder(scheme string, doc ...string) *Builder {
	return NewBuilder(scheme, g.ID, "session", slices.Concat(doc, SessionDecision)...)
}

// SessionPKI is the PKI of the session files (the agent and three
// wallets), the root's revocation list and the coin issuer's key.
func (g *Gen) SessionPKI() (*PKI, []byte, suite.PrivateKey) {
	p := g.NewPKI("pki", []DevSpec{{ID: AgentID, Role: devcert.RoleAgent}, {ID: CertPayer, Role: devcert.RoleWallet}, {ID: CertPayee, Role: devcert.RoleWallet}, {ID: CertThird, Role: devcert.RoleWallet}})
	issuer := g.Key("issuer")
	if g.Err != nil {
		return p, nil, issuer
	}
	crl, err := p.Root.Revoke(1, GenEpoch, GenEpoch.AddDate(1, 0, 0))
	g.Fail(err)
	if crl == nil {
		return p, nil, issuer
	}
	return p, crl.Raw, issuer
}

// SessionPayments is the start of a session file: the session PKI, its
// revocation list and the coin issuer's key (SessionPKI), then two
// payments between the same parties recorded with record, the clean one
// the file's transcripts derive from (label "session/s1") and another
// ("session/s2") whose messages they take. When g has failed it records
// nothing and clean and other are zero.
func SessionPayments[T any](g *Gen, record func(g *Gen, p *PKI, issuer suite.PrivateKey, label string) T) (p *PKI, crl []byte, issuer suite.PrivateKey, clean, other T) {
	p, crl, issuer = g.SessionPKI()
	if g.Err != nil {
		return p, crl, issuer, clean, other
	}
	return p, crl, issuer, record(g, p, issuer, "session/s1"), record(g, p, issuer, "session/s2")
}

// SessionInput is the input of kind "session" (cert and chip schemes): a
// recorded payment transcript and what a fresh payee is provisioned with.
// Acting as the payee Payee, provisioned with PayeeKey, PayeeCertificate,
// Root, CRL, IssuerPublicKey and the agents' Certificates, holding no
// coins, its clock at At, with one request open for Amount fen under Nonce
// (as its own first message of the transcript opened it): is every message
// of Messages addressed to Payee accepted, in order, and does the payee
// end holding exactly Amount fen? See the file's header.
type SessionInput struct {
	Messages         []SessionMessage `json:"messages"`
	Payee            string           `json:"payee"`            // hex of the payee's id
	PayeeKey         string           `json:"payeeKey"`         // the payee's private scalar, 32 bytes
	PayeeCertificate string           `json:"payeeCertificate"` // X.509 DER
	Root             string           `json:"root"`
	CRL              string           `json:"crl"`             // the root's revocation list, DER
	IssuerPublicKey  string           `json:"issuerPublicKey"` // the coin issuer's key, SPKI DER
	Certificates     []string         `json:"certificates"`    // the agent banks' certificates
	Nonce            string           `json:"nonce"`           // the request's 16-byte nonce (cert) or challenge (chip)
	Amount           int64            `json:"amount"`
	At               int64            `json:"at"`
}

// SessionMessage is one message of a transcript, as sent.
type SessionMessage struct {
	From    string `json:"from"`    // hex of the sender's id
	To      string `json:"to"`      // hex of the receiver's id
	Type    string `json:"type"`    // hex of the ASCII message type name (models/<scheme> Msg*)
	Payload string `json:"payload"` // the message bytes
}

// CertPayer, CertPayee and CertThird are the wallets of the recorded
// sessions.
const (
	CertPayer = "wallet-alice"
	CertPayee = "wallet-bob"
	CertThird = "wallet-carol"
)

// SessionProvision is what the decider of a session file provisions a
// fresh payee with (models/kit.PayeeProvision, which the cert and chip
// models replay, is this type).
type SessionProvision struct {
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

// SessionReplay runs a scheme model's payee: provisioned with p, its
// request for amount open under nonce, fed msgs in order; it returns what
// the payee ends holding offline, or the first refusal.
type SessionReplay func(p SessionProvision, nonce []byte, amount int64, msgs [][]byte) (held int64, err error)

// RefSession: provision a fresh payee of the scheme's model, open the
// request, feed it the payee-bound messages in order (replay runs the
// model's payee endpoint), then compare what it holds with the amount.
func RefSession(s suite.Suite, in SessionInput, replay SessionReplay) (verdict, inputErr error) {
	var u Unhexer
	payee := u.B("payee", in.Payee)
	key, cert, root, crl := u.B("payeeKey", in.PayeeKey), u.B("payeeCertificate", in.PayeeCertificate), u.B("root", in.Root), u.B("crl", in.CRL)
	coinKey, nonce := u.B("issuerPublicKey", in.IssuerPublicKey), u.B("nonce", in.Nonce)
	agents := u.List("certificates", in.Certificates)
	msgs := u.PayeeBound(in.Messages, payee)
	if u.Err != nil {
		return nil, u.Err
	}
	at := time.Unix(in.At, 0).UTC()
	held, err := replay(SessionProvision{Suite: s, ID: string(payee), Key: key, Cert: cert, Root: root, CRL: crl, CoinKey: coinKey, Agents: agents, At: at},
		nonce, in.Amount, msgs)
	return HeldVerdict(held, in.Amount, err), nil
}

// HeldVerdict is a session's verdict once the payee's replay returned
// held and refusal: the refusal, else a CodeValueMismatch error when the
// payee does not end holding exactly want, else nil.
func HeldVerdict(held, want int64, refusal error) error {
	if refusal != nil {
		return refusal
	}
	if held != want {
		return spec.Errorf(spec.CodeValueMismatch, "the payee ends holding %d fen, the payment is %d", held, want)
	}
	return nil
}
