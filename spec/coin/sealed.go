package coin

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Sealed-coin constants.
const (
	SealedVersion1 = 1
	KeyIDSize      = 8
	NonceSize      = 12
	TagSize        = 16
	MaxSealedDER   = MaxCoinDER + 64
)

// Sealed is the HSM-sealed coin string of the ICBC 2018 scheme ("加密机加密
// 生成数字货币加密字符串"): the signed coin encrypted under the issuing
// agent's HSM key with an AEAD (SM4-GCM under GM, AES-128-GCM under INTL).
//
//	SealedCoin ::= [APPLICATION 3] SEQUENCE {
//	    version    INTEGER (1),
//	    keyId      OCTET STRING (SIZE (8)),
//	    nonce      OCTET STRING (SIZE (12)),
//	    ciphertext OCTET STRING }   -- AEAD(Coin DER), aad = "dualoffline sealed coin v1" || keyId
type Sealed struct {
	KeyID      [KeyIDSize]byte
	Nonce      [NonceSize]byte
	Ciphertext []byte
}

// Marshal returns the canonical DER.
func (s *Sealed) Marshal() []byte {
	return der.Marshal(der.Application(TagSealed), func(b *der.Builder) {
		b.AddASN1Int64(SealedVersion1)
		b.AddASN1OctetString(s.KeyID[:])
		b.AddASN1OctetString(s.Nonce[:])
		b.AddASN1OctetString(s.Ciphertext)
	})
}

// String returns the coin string: unpadded base64url of Marshal().
func (s *Sealed) String() string {
	return base64.RawURLEncoding.EncodeToString(s.Marshal())
}

// ParseSealed decodes a sealed coin under the strict profile.
func ParseSealed(b []byte) (*Sealed, error) {
	r := der.OpenChecked(b, der.Application(TagSealed), MaxSealedDER, "sealed-coin", "sealed-parse")
	r.Version(SealedVersion1)
	s := &Sealed{}
	copy(s.KeyID[:], r.Bytes("keyId", KeyIDSize, KeyIDSize))
	copy(s.Nonce[:], r.Bytes("nonce", NonceSize, NonceSize))
	s.Ciphertext = bytes.Clone(r.Bytes("ciphertext", TagSize+1, MaxCoinDER+TagSize))
	if err := r.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// ParseSealedString decodes the base64url coin string. Padding, other
// alphabets and whitespace are refused, so the string form is canonical too.
func ParseSealedString(str string) (*Sealed, error) {
	if len(str) > base64.RawURLEncoding.EncodedLen(MaxSealedDER) {
		return nil, spec.Errorf(spec.CodeMalformed, "sealed coin string of %d characters", len(str))
	}
	if !spec.Makes("sealed-string") {
		str = lenientBase64(str)
	}
	for i := 0; i < len(str); i++ {
		if !isBase64URL(str[i]) {
			return nil, spec.Errorf(spec.CodeMalformed, "sealed coin string: byte %#x at %d is not base64url", str[i], i)
		}
	}
	enc := base64.RawURLEncoding.Strict()
	if !spec.Makes("sealed-string") {
		enc = base64.RawURLEncoding
	}
	b, err := enc.DecodeString(str)
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "sealed coin string: %v", err)
	}
	return ParseSealed(b)
}

// isBase64URL reports whether c is in the base64url alphabet. The decoder
// alone would skip CR and LF, which would make the string form
// non-canonical.
// lenientBase64 is what a reader of the string without sealed-string
// decodes: white space and padding dropped, the standard alphabet taken.
func lenientBase64(str string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\r', '\n', '\t', '=':
			return -1
		case '+':
			return '-'
		case '/':
			return '_'
		}
		return r
	}, str)
}

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// HSM is the issuing agent's hardware security module (加密机): it holds
// a symmetric key and seals and opens coin strings. Only the HSM, and the
// devices it provisions with the same key, can open them.
type HSM struct {
	Suite suite.Suite
	KeyID [KeyIDSize]byte
	key   []byte
}

// NewHSM returns an HSM whose key and key id are drawn from r.
func NewHSM(s suite.Suite, r io.Reader) (*HSM, error) {
	h := &HSM{Suite: s, key: make([]byte, suite.AEADKeySize)}
	if _, err := io.ReadFull(r, h.KeyID[:]); err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HSM key id: %w", err)
	}
	if _, err := io.ReadFull(r, h.key); err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HSM key: %w", err)
	}
	return h, nil
}

func aad(keyID [KeyIDSize]byte) []byte {
	return append([]byte("dualoffline sealed coin v1"), keyID[:]...)
}

// Seal encrypts a signed coin with a nonce drawn from r.
func (h *HSM) Seal(r io.Reader, c *Signed) (*Sealed, error) {
	a, err := h.Suite.NewAEAD(h.key)
	if err != nil {
		return nil, err
	}
	s := &Sealed{KeyID: h.KeyID}
	if _, err := io.ReadFull(r, s.Nonce[:]); err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HSM nonce: %w", err)
	}
	s.Ciphertext = a.Seal(nil, s.Nonce[:], c.Marshal(), aad(h.KeyID))
	return s, nil
}

// Open decrypts a sealed coin and parses the coin inside. A different key
// id is untrusted-issuer; a failed decryption is bad-seal; the coin inside
// must parse strictly. Open does not validate or verify the coin.
func (h *HSM) Open(s *Sealed) (*Signed, error) {
	if s.KeyID != h.KeyID && spec.Makes("sealed-key-id") {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "sealed under HSM key %x, this HSM holds %x", s.KeyID, h.KeyID)
	}
	a, err := h.Suite.NewAEAD(h.key)
	if err != nil {
		return nil, err
	}
	pt, err := a.Open(nil, s.Nonce[:], s.Ciphertext, aad(s.KeyID))
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "sealed coin does not open")
	}
	return Parse(pt)
}
