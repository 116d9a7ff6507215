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
