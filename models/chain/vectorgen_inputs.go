package chain

import "github.com/dualoffline/dualoffline/vectors/vgen"

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
	Messages         []vgen.SessionMessage `json:"messages"`
	Payee            string                `json:"payee"`            // hex of the payee's id
	PayeeKey         string                `json:"payeeKey"`         // the payee's private scalar, 32 bytes
	PayeeCertificate string                `json:"payeeCertificate"` // X.509 DER
	Root             string                `json:"root"`
	CRL              string                `json:"crl"`      // the root's revocation list, DER
	ChainKey         string                `json:"chainKey"` // the chain's public key transfers are sealed to, SPKI DER
	Nonce            string                `json:"nonce"`    // the agreement's 8-byte nonce
	Amount           int64                 `json:"amount"`
	At               int64                 `json:"at"`
}
