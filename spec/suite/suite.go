// Package suite puts the two cryptographic suites of dualoffline behind one
// small interface, so that everything above it (coins, certificates, the
// scheme models, the conformance properties) is written once and runs under
// both.
//
//   - GM (the default): SM2 signatures with SM3 and the default
//     distinguishing id 1234567812345678 (GB/T 32918.2, GM/T 0009), SM2
//     public-key encryption for sealing to a payee (GB/T 32918.4, ASN.1
//     ciphertext), SM3 hashing and SM4-GCM for the issuer's HSM; built on
//     github.com/emmansun/gmsm.
//   - INTL: ECDSA P-256 with SHA-256, HPKE base mode (DHKEM(P-256,
//     HKDF-SHA256), HKDF-SHA256, AES-128-GCM; RFC 9180) for sealing,
//     SHA-256 and AES-128-GCM; built on the Go standard library.
//
// Contracts every implementation keeps:
//
//   - Sign is deterministic: the same key and message give the same
//     signature, with no randomness read (RFC 6979 for ECDSA; for SM2 the
//     nonce is HMAC-SM3 keyed by the private scalar over the message digest).
//   - GenerateKey and Seal read randomness only from the reader they are
//     given, so a seeded reader (spec/detrand) replays them byte for byte.
//   - Verify, Open and ParsePublicKey return a *spec.Error (bad-signature,
//     bad-seal, malformed, wrong-suite) for every bad input, never panic.
//   - Each party has one key pair, used both to sign and to open what is
//     sealed to it, as the ICBC 2018 scheme describes.
package suite

import (
	"crypto"
	"crypto/cipher"
	"io"

	"github.com/dualoffline/dualoffline/spec"
)

// ID names a suite in formats, vectors and reports.
type ID string

// The suites.
const (
	GM   ID = "GM"
	INTL ID = "INTL"
)

// Limits on what the suites accept, so parsers never allocate on a hostile
// length.
const (
	MaxPublicKeyDER = 128  // a P-256 or SM2 SubjectPublicKeyInfo is 91 bytes
	MaxSignatureDER = 72   // DER SEQUENCE of two 33-byte INTEGERs
	MaxSealed       = 4096 // a sealed envelope, overhead included
	MaxSealInfo     = 255  // the context string bound into a seal
	AEADKeySize     = 16   // SM4 and AES-128
)

// Suite is one cryptographic suite.
type Suite interface {
	ID() ID
	// SignatureAlgorithm names the signature scheme for vectors and
	// reports, e.g. "SM2-SM3".
	SignatureAlgorithm() string
	// SealAlgorithm names the public-key encryption.
	SealAlgorithm() string
	// GenerateKey derives a key pair from r by rejection sampling.
	GenerateKey(r io.Reader) (PrivateKey, error)
	// ParsePublicKey parses a DER SubjectPublicKeyInfo of this suite's
	// curve. Anything else is malformed or wrong-suite; a key whose
	// re-encoding differs from the input is malformed.
	ParsePublicKey(spki []byte) (PublicKey, error)
	// Hash returns the suite hash (SM3 or SHA-256) of the concatenation
	// of parts.
	Hash(parts ...[]byte) []byte
	// NewAEAD returns the HSM cipher (SM4-GCM or AES-128-GCM) for a
	// 16-byte key.
	NewAEAD(key []byte) (cipher.AEAD, error)
}

// PublicKey is a party's public key.
type PublicKey interface {
	Suite() ID
	// Verify checks sig over msg; a failure is spec.ErrBadSignature.
	Verify(msg, sig []byte) error
	// Seal encrypts plaintext so only the holder of the private key can
	// open it, binding info (a context string both sides know).
	Seal(r io.Reader, plaintext, info []byte) ([]byte, error)
	// SPKI returns the DER SubjectPublicKeyInfo.
	SPKI() []byte
	// Equal reports whether two keys are the same key of the same suite.
	Equal(PublicKey) bool
	// CryptoPublicKey returns the underlying *ecdsa.PublicKey, for X.509.
	CryptoPublicKey() crypto.PublicKey
}

// PrivateKey is a party's private key.
type PrivateKey interface {
	Public() PublicKey
	// Sign returns a DER signature over msg (the whole message; the suite
	// hashes it). It is deterministic.
	Sign(msg []byte) ([]byte, error)
	// Open decrypts what Seal produced for this key with the same info;
	// any failure is spec.ErrBadSeal.
	Open(sealed, info []byte) ([]byte, error)
	// Signer returns a crypto.Signer for X.509 issuance that signs
	// deterministically, ignoring the reader it is passed.
	Signer() crypto.Signer
	// Bytes returns the 32-byte private scalar, for snapshots of device
	// state.
	Bytes() []byte
}

// All lists the suites, the default first.
func All() []Suite { return []Suite{gmSuite{}, intlSuite{}} }

// Default returns the GM suite.
func Default() Suite { return gmSuite{} }

// ByID returns the suite named id.
func ByID(id ID) (Suite, error) {
	for _, s := range All() {
		if s.ID() == id {
			return s, nil
		}
	}
	return nil, spec.Errorf(spec.CodeWrongSuite, "unknown suite %q", id)
}

// PrivateKeyFromBytes rebuilds a private key of suite s from Bytes().
func PrivateKeyFromBytes(s Suite, b []byte) (PrivateKey, error) {
	switch s.ID() {
	case GM:
		return gmKey(b)
	case INTL:
		return intlKey(b)
	}
	return nil, spec.Errorf(spec.CodeWrongSuite, "unknown suite %q", s.ID())
}

// generate draws 32-byte candidates from r until mk accepts one. A reader
// that cannot supply a valid scalar in 64 draws is broken, not unlucky.
func generate[K any](r io.Reader, mk func([]byte) (K, error)) (K, error) {
	var zero K
	b := make([]byte, 32)
	for range 64 {
		if _, err := io.ReadFull(r, b); err != nil {
			return zero, spec.Errorf(spec.CodeInternal, "key generation: %w", err)
		}
		if k, err := mk(b); err == nil {
			return k, nil
		}
	}
	return zero, spec.Errorf(spec.CodeInternal, "key generation: reader gave no valid scalar in 64 draws")
}
