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
