package cert

// SealedCoinInput is the input of kind "sealedcoin" (cert scheme): does
// the agent HSM with key id HSMKeyID and key HSMKey open the coin string
// Sealed, and is the coin inside valid under IssuerPublicKey?
type SealedCoinInput struct {
	Sealed          string `json:"sealed"`   // hex of the coin string's ASCII bytes
	HSMKeyID        string `json:"hsmKeyId"` // 8 bytes
	HSMKey          string `json:"hsmKey"`   // the AEAD key, 16 bytes
	IssuerPublicKey string `json:"issuerPublicKey"`
}

// MessageInput is the input of kind "message" (cert scheme): would the
// receiving wallet, awaiting the message numbered Expect in the session
// the other fields describe, act on Message? See the file's header for
// which fields each message type needs.
type MessageInput struct {
	Message  string `json:"message"`          // the message DER
	Expect   int    `json:"expect"`           // [APPLICATION n] number of the awaited message, 16..22
	Receiver string `json:"receiver"`         // hex of the receiving wallet's id
	Root     string `json:"root"`             // the trusted root certificate
	At       int64  `json:"at"`               // the receiver's clock, Unix seconds
	Peer     string `json:"peer,omitempty"`   // the counterpart's certificate, after the hellos
	Nonce    string `json:"nonce,omitempty"`  // the session's nonce, after HELLO-PAYEE
	Amount   int64  `json:"amount,omitempty"` // the session's amount, for PROCEED and TX
	Digest   string `json:"digest,omitempty"` // the payment records' digest, for DEDUCT and DEDUCTED
}
