package device

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// KeygenParams ask a new device to generate its key pair. Seed is the
// harness's randomness for this device (32 bytes): a device that derives
// its key and its later randomness from it makes runs reproducible; one
// with a hardware generator may ignore it. A scheme that needs more at
// keygen embeds this (cert.KeygenParams).
type KeygenParams struct {
	Party string     `json:"party"`
	Suite string     `json:"suite"`
	Seed  models.Hex `json:"seed"`
}

// KeygenResult is the new device's public key, SubjectPublicKeyInfo DER.
type KeygenResult struct {
	PublicKey models.Hex `json:"publicKey"`
}

// Material is what the agent bank loads into a new secure element
// besides its key, on the wire: its certificate (subject = ID, the name it
// signs its records with), the central bank's root, the issuer's coin key
// (SPKI), the revocation list, the agents' certificates, the offline
// limits and the time of this online sync (Unix seconds). A scheme whose
// element needs more embeds it (cert.Provisioning).
type Material struct {
	ID          string       `json:"id"`
	Certificate models.Hex   `json:"certificate"`
	Root        models.Hex   `json:"root"`
	IssuerKey   models.Hex   `json:"issuerKey"`
	CRL         models.Hex   `json:"crl"`
	Agents      []models.Hex `json:"agents"`
	Limits      Limits       `json:"limits"`
	Sync        int64        `json:"sync"`
}

// Limits are bank.Limits on the wire.
type Limits struct {
	PerPayment int64 `json:"perPayment"`
	Cumulative int64 `json:"cumulative"`
	Count      int   `json:"count"`
}

// LimitsOf converts limits for the wire.
func LimitsOf(l bank.Limits) Limits {
	return Limits{PerPayment: l.PerPayment, Cumulative: l.Cumulative, Count: l.Count}
}

// Bank converts limits back from the wire.
func (l Limits) Bank() bank.Limits {
	return bank.Limits{PerPayment: l.PerPayment, Cumulative: l.Cumulative, Count: l.Count}
}

// Message is one message exchanged offline: Type names the scheme's step,
// Payload is its bytes (an APDU, a DER message, a QR code).
type Message struct {
	From    string     `json:"from"`
	To      string     `json:"to"`
	Type    string     `json:"type"`
	Payload models.Hex `json:"payload"`
}

// ToWire converts a message for the wire.
func ToWire(m world.Message) Message {
	return Message{From: string(m.From), To: string(m.To), Type: m.Type, Payload: m.Payload}
}

// MessageResult carries one message.
type MessageResult struct {
	Message Message `json:"message"`
}

// DeliverResult is a device's answer to a message: the messages it sends
// back, and Refused when it refused the message (a canonical error code,
// or a vendor name the vendor config maps to one). A device may refuse
// and still answer (an error status word, a signed refusal).
type DeliverResult struct {
	Messages []Message `json:"messages"`
	Refused  *Error    `json:"refused,omitempty"`
}

// Error is a refusal on the wire.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// Refusal is err on the wire: its canonical code and its text.
func Refusal(err error) *Error {
	return &Error{Code: string(spec.CodeOf(err)), Message: err.Error()}
}

// EndSessionResult reports whether the payee stored value in the session.
type EndSessionResult struct {
	Received bool `json:"received"`
}

// Coin is one held coin of a scheme whose coins are transfer holdings
// (chip, cert): the device's own key for it and the holding, DER.
type Coin struct {
	Key     string     `json:"key"`
	Holding models.Hex `json:"holding"`
}

// Coins converts held coins for the wire, in key order.
func Coins(coins map[string]*transfer.Holding) []Coin {
	out := []Coin{}
	for _, k := range slices.Sorted(maps.Keys(coins)) {
		out = append(out, Coin{Key: k, Holding: coins[k].Marshal()})
	}
	return out
}

// Deposit is a pending deposit on the wire (chip, cert): the holdings
// deposited and the deposit records, DER.
type Deposit struct {
	Key      string       `json:"key"`
	Holdings []models.Hex `json:"holdings"`
	Records  []models.Hex `json:"records"`
}

// Log is a payer's log entry on the wire (chip, cert): a payment it
// committed and has not settled, the holdings it spent and the records
// spending them (DER), and whether the payee's acknowledgement arrived.
type Log struct {
	Key      string       `json:"key"`
	Payee    string       `json:"payee"`
	Holdings []models.Hex `json:"holdings"`
	Records  []models.Hex `json:"records"`
	Acked    bool         `json:"acked"`
	// Refusal is the payee's signed refusal the payer card keeps with a
	// payment it rolled back (chip's REFUSE data), absent otherwise.
	Refusal models.Hex `json:"refusal,omitempty"`
}

// State is a secure element read out, on the wire (chip, cert: kit.State):
// its certificate id, what it spent offline since the last sync, its
// coins keyed by its own coin keys, its log and its pending deposits. L
// is the scheme's log entry on the wire: Log, or a type embedding it.
type State[L any] struct {
	ID       string    `json:"id"`
	Spent    int64     `json:"spent"`
	Payments int       `json:"payments"`
	Coins    []Coin    `json:"coins"`
	Log      []L       `json:"log"`
	Deposits []Deposit `json:"deposits"`
}

// Credit answers the operation that hands a wallet what reconciliation
// settled for it (cert's settle, chip's credit): the holdings forwarded
// to it, parsed (ParseHoldings), and the certificates and settled keys,
// handed to credit; {} or credit's refusal.
func Credit(hs, certs []models.Hex, settled []string, credit func(hs []*transfer.Holding, certs [][]byte, settled []string) error) (any, error) {
	parsed, err := ParseHoldings(hs)
	if err != nil {
		return nil, err
	}
	return struct{}{}, credit(parsed, models.Bytes(certs), settled)
}

// ParseHoldings parses holdings from the wire.
func ParseHoldings(hs []models.Hex) ([]*transfer.Holding, error) {
	out := make([]*transfer.Holding, len(hs))
	for i, b := range hs {
		h, err := transfer.ParseHolding(b)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}
