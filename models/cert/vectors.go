package cert

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file exports, for the conformance vectors (package vectors) only,
// the wire encoding of the scheme's signed messages: the vectors build and
// decide messages with the model's own encoder and parser instead of a
// copy. The endpoints' checks are in checks.go, for both.

// Message is one of the six signed payment messages (TagPayeeHello ..
// TagDeducted); the fields its layout does not name are zero.
type Message struct {
	Tag        uint8
	Nonce      []byte
	Amount     int64
	Payer      string
	Payee      string
	Key        []byte // SubjectPublicKeyInfo, DER
	Cert       []byte // device certificate, DER
	SealedKey  []byte
	Ciphertext []byte
	Digest     []byte
	Sig        []byte
}

func (m *Message) internal() *message {
	return &message{Tag: m.Tag, Nonce: m.Nonce, Amount: m.Amount, Payer: m.Payer, Payee: m.Payee, Key: m.Key, Cert: m.Cert,
		SealedKey: m.SealedKey, Ciphertext: m.Ciphertext, Digest: m.Digest, Sig: m.Sig}
}

// TBS returns the bytes the sender signs.
func (m *Message) TBS() []byte { return m.internal().tbs() }

// Verify checks the message's signature under pub as the endpoints do
// ([check: cert-signature]).
func (m *Message) Verify(pub suite.PublicKey) error { return m.internal().verify(pub) }

// Marshal returns the DER of the message with its signature.
func (m *Message) Marshal() []byte { return m.internal().marshal() }

// ParseMessage decodes a signed message under the strict profile,
// accepting only the tags in want (structure and field ranges only).
func ParseMessage(b []byte, want ...uint8) (*Message, error) {
	m, err := parseMessage(b, want...)
	if err != nil {
		return nil, err
	}
	return &Message{Tag: m.Tag, Nonce: m.Nonce, Amount: m.Amount, Payer: m.Payer, Payee: m.Payee, Key: m.Key, Cert: m.Cert,
		SealedKey: m.SealedKey, Ciphertext: m.Ciphertext, Digest: m.Digest, Sig: m.Sig}, nil
}

// SealInfo is the context a TX binds into the seal of its coins.
func SealInfo(nonce []byte, payee string) []byte { return sealInfo(nonce, payee) }

// RecordsDigest is the digest DEDUCT and DEDUCTED carry for a payment's
// records.
func RecordsDigest(s suite.Suite, recs []*transfer.Signed) []byte {
	return (&SIM{Core: kit.Core{S: s}}).digestOf(recs)
}

// EncodeCoins returns the plaintext a TX seals: one spend per holding and
// the record moving it, and the certificates of earlier holders.
func EncodeCoins(holdings []*transfer.Holding, records []*transfer.Signed, certs [][]byte) ([]byte, error) {
	spends := make([]spend, len(holdings))
	for i := range holdings {
		spends[i] = spend{holding: holdings[i], record: records[i]}
	}
	return encodeCoins(spends, certs)
}

// ZeroNonce is the AEAD nonce of a TX's content key (fresh per TX).
func ZeroNonce() []byte { return make([]byte, len(zeroNonce)) }
