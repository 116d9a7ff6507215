package vectors

// The input objects of each kind, as the vector files hold them. Byte
// strings are lowercase hex; times are Unix seconds.

// CoinInput is the input of kind "coin": accept the signed coin (strict
// parse, policy, issuer signature) under the issuer's public key?
type CoinInput struct {
	Coin            string `json:"coin"`            // Coin DER ([APPLICATION 1])
	IssuerPublicKey string `json:"issuerPublicKey"` // SubjectPublicKeyInfo DER
}

// CertificateInput is the input of kind "certificate": is the device
// certificate valid under the root at the given time, with the revocation
// list if one is given?
type CertificateInput struct {
	Certificate string `json:"certificate"` // X.509 DER
	Root        string `json:"root"`        // the trusted root certificate, X.509 DER
	CRL         string `json:"crl,omitempty"`
	At          int64  `json:"at"` // Unix seconds
}

// TransferInput is the input of kind "transfer": does the holding (a root
// coin and its lineage of transfer records) verify, given the coin
// issuer's key and the device certificates of the signers (checked against
// the root at the given time)? The holder and value a valid case reaches
// are in the test's expected member (TransferExpected), not in the input.
type TransferInput struct {
	Holding         string   `json:"holding"` // Holding DER ([APPLICATION 6])
	IssuerPublicKey string   `json:"issuerPublicKey"`
	Root            string   `json:"root"`
	Certificates    []string `json:"certificates"`
	At              int64    `json:"at"`
}

// TransferExpected is the expected member of a valid transfer case: the
// owner Holding.Verify reaches. The harness keeps it to itself.
type TransferExpected struct {
	Holder string `json:"holder"` // hex of the holder's id
	Value  int64  `json:"value"`  // fen
}

// QRInput is the input of kind "qr" (chain scheme): does the payee wallet
// with address Payee, which asked for Amount fen under Nonce, accept the
// scanned payment at time At, trusting Root?
type QRInput struct {
	Payment string `json:"payment"` // Payment DER ([APPLICATION 24]), the QR payload
	Root    string `json:"root"`
	Payee   string `json:"payee"` // the deciding wallet's 20-byte address
	Amount  int64  `json:"amount"`
	Nonce   string `json:"nonce"` // the open request's 8-byte nonce
	At      int64  `json:"at"`
}

// APDUInput is the input of kind "apdu" (chip scheme): would the payer
// card Card go on to pay the INITIATE command at time At, trusting Root,
// before its state-dependent checks (replay, limits, funds)?
type APDUInput struct {
	Command string `json:"command"` // the whole C-APDU
	Root    string `json:"root"`
	Card    string `json:"card"` // hex of the deciding card's device id
	At      int64  `json:"at"`
}

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

// APDUTransferInput is the input of the TransferResponse group of kind
// "apdu" (chip scheme): would the payee terminal Card, which sent
// INITIATE with Challenge for Amount fen, accept the TRANSFER response?
type APDUTransferInput struct {
	Response        string   `json:"response"` // the whole R-APDU
	Root            string   `json:"root"`
	IssuerPublicKey string   `json:"issuerPublicKey"`
	Certificates    []string `json:"certificates"` // agents' certificates the card holds
	Card            string   `json:"card"`
	Challenge       string   `json:"challenge"`
	Amount          int64    `json:"amount"`
	At              int64    `json:"at"`
}

// APDUConfirmInput is the input of the ConfirmCommand group of kind
// "apdu": would the payer card Card, whose log holds one unacknowledged
// payment (Challenge, PayeeCertificate, Records), accept the CONFIRM?
type APDUConfirmInput struct {
	Command          string   `json:"command"`
	Card             string   `json:"card"`
	Challenge        string   `json:"challenge"`
	PayeeCertificate string   `json:"payeeCertificate"`
	Records          []string `json:"records"` // transfer record DER, in the order sent
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

// ChainSessionInput is the input of kind "session" of the chain scheme: a
// recorded payment transcript (the agreement the payee's till showed, the
// payment QR code) and what a fresh payee wallet is provisioned with.
// Acting as the payee Payee, provisioned with PayeeKey, PayeeCertificate,
// Root, CRL and the chain's public key ChainKey, holding no coins, its
// clock at At, with one payee session open for Amount fen under Nonce (as
// its own agreement, the transcript's first message, opened it): is every
// QR code of Messages addressed to Payee accepted, in order, and does the
// payee end holding exactly Amount fen? See the file's header.
type ChainSessionInput struct {
	Messages         []SessionMessage `json:"messages"`
	Payee            string           `json:"payee"`            // hex of the payee's id
	PayeeKey         string           `json:"payeeKey"`         // the payee's private scalar, 32 bytes
	PayeeCertificate string           `json:"payeeCertificate"` // X.509 DER
	Root             string           `json:"root"`
	CRL              string           `json:"crl"`      // the root's revocation list, DER
	ChainKey         string           `json:"chainKey"` // the chain's public key transfers are sealed to, SPKI DER
	Nonce            string           `json:"nonce"`    // the agreement's 8-byte nonce
	Amount           int64            `json:"amount"`
	At               int64            `json:"at"`
}
