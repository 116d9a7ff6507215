package chip

import (
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// This file exports, for the conformance vectors (package vectors) only,
// the encoders, parsers and signed-bytes builders of the TRANSFER and
// CONFIRM messages, so the vectors use the model's own code instead of a
// copy. The checks the card makes of them are in checks.go, for both.

// InitiateTBS is what the payee signs in INITIATE.
func InitiateTBS(amount int64, challenge []byte, payee string) []byte {
	return initTBS(amount, challenge, payee)
}

// AckTBS is what the payee signs in CONFIRM: the challenge, the payer's id
// and the ids of the records it received.
func AckTBS(challenge []byte, payer string, recs []*transfer.Signed) []byte {
	return ackTBS(challenge, payer, recs)
}

// Spend is one coin a TRANSFER spends.
type Spend struct {
	Holding *transfer.Holding
	Record  *transfer.Signed
}

// Transfer is a parsed TRANSFER response's data.
type Transfer struct {
	Cert       *devcert.Certificate
	Spends     []Spend
	ChainCerts []*devcert.Certificate
}

// EncodeTransfer returns the whole TRANSFER R-APDU (data and 9000), or
// limit-exceeded when it would not fit one response.
func EncodeTransfer(cert *devcert.Certificate, spends []Spend, chainCerts [][]byte) ([]byte, error) {
	sp := make([]spend, len(spends))
	for i, s := range spends {
		sp[i] = spend{holding: s.Holding, record: s.Record}
	}
	return encodeTransfer(cert, sp, chainCerts)
}

// ParseTransfer decodes the data of a TRANSFER response under the strict
// profile.
func ParseTransfer(s suite.Suite, data []byte) (*Transfer, error) {
	m, err := parseTransfer(s, data)
	if err != nil {
		return nil, err
	}
	t := &Transfer{Cert: m.cert, ChainCerts: m.chainCerts}
	for _, sp := range m.spends {
		t.Spends = append(t.Spends, Spend{Holding: sp.holding, Record: sp.record})
	}
	return t, nil
}

// EncodeConfirm returns the whole CONFIRM C-APDU.
func EncodeConfirm(challenge, sig []byte) []byte { return encodeConfirm(challenge, sig) }

// ParseConfirm decodes the data of a CONFIRM command.
func ParseConfirm(data []byte) (challenge, sig []byte, err error) { return parseConfirm(data) }
