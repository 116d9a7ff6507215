package pseudocoin

// The inputs of pseudocoin's vector kinds (spec/formats-schemes.md, "The
// pseudocoin scheme"): each is one receiver's decision on one message,
// given what that receiver holds at that point of the payment. Byte
// fields are hex.

// PayInput is the input of kind "pay": does the payee whose session's
// invoice fixed the receiving key Key, the amount Amount and the
// challenge Challenge (still open if Open), trusting the desk's key Desk
// and paid before with the one-time keys Seen, accept the PAY Pay?
type PayInput struct {
	Pay       string   `json:"pay"`       // Record DER ([PRIVATE 2])
	Key       string   `json:"key"`       // SPKI of the invoice's receiving key
	Amount    int64    `json:"amount"`    // the invoice's amount, fen
	Challenge string   `json:"challenge"` // the invoice's 16-byte challenge
	Open      bool     `json:"open"`      // the invoice is open (given out, neither paid nor renounced since)
	Desk      string   `json:"desk"`      // SPKI of the desk's bundle-signing key
	Seen      []string `json:"seen"`      // SPKI of the one-time keys the payee was paid with before
}

// InvoiceInput is the input of kind "invoice": does the payer paying
// Amount fen to the device Payee, trusting Root and the revocation list
// CRL at its clock At, having paid the receiving keys Paid before and
// (Committed) or not yet committed a payment in this session, accept the
// INVOICE Invoice (and go on to pay)?
type InvoiceInput struct {
	Invoice   string   `json:"invoice"` // Invoice DER ([PRIVATE 6])
	Amount    int64    `json:"amount"`
	Payee     string   `json:"payee"` // hex of the device id of the payee the payer means to pay
	Root      string   `json:"root"`
	CRL       string   `json:"crl"` // the root's revocation list, DER
	At        int64    `json:"at"`
	Paid      []string `json:"paid"`      // SPKI of the receiving keys the payer paid before
	Committed bool     `json:"committed"` // the payer already committed a payment in this session
}

// HelloInput is the input of kind "hello": does the payee asking Amount
// fen, which has (Invoiced) or has not yet given an invoice in this
// session, accept the HELLO Hello (and answer with an INVOICE)?
type HelloInput struct {
	Hello    string `json:"hello"` // Hello DER ([PRIVATE 5])
	Amount   int64  `json:"amount"`
	Invoiced bool   `json:"invoiced"`
}

// AckInput is the input of kind "ack": does the payer that committed the
// record whose id is Committed in this session (empty: it committed
// none), acknowledged already if Acked, accept the ACK Ack?
type AckInput struct {
	Ack       string `json:"ack"`       // Ack DER ([PRIVATE 7])
	Committed string `json:"committed"` // the record id (32 bytes) the session committed, or empty
	Acked     bool   `json:"acked"`
}

// MintInput is the input of kind "mint": does the element whose pending
// mint request is Request, asking for bundles to Keys, sealed under the
// AEAD key Key, take the desk's sealed reply Reply?
type MintInput struct {
	Reply   string   `json:"reply"`   // nonce ‖ AEAD ciphertext of the MintReply DER ([PRIVATE 14])
	Key     string   `json:"key"`     // the 16-byte AEAD key the request's envelope carried
	Request string   `json:"request"` // the pending request's id
	Keys    []string `json:"keys"`    // SPKI of the one-time keys the request asked bundles for, in order
}
