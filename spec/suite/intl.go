package suite

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hpke"
	"crypto/sha256"
	"crypto/x509"
	"io"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
)

type intlSuite struct{}

func (intlSuite) ID() ID                     { return INTL }
func (intlSuite) SignatureAlgorithm() string { return "ECDSA-P256-SHA256" }
func (intlSuite) SealAlgorithm() string {
	return "HPKE-Base-DHKEM(P-256,HKDF-SHA256)-HKDF-SHA256-AES-128-GCM"
}

func (intlSuite) GenerateKey(r io.Reader) (PrivateKey, error) {
	return generate(r, intlKey)
}

func intlKeyFromScalar(b []byte) (PrivateKey, error) {
	if len(b) != 32 {
		return nil, spec.Errorf(spec.CodeMalformed, "P-256 private key is %d bytes, want 32", len(b))
	}
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "P-256 private key: %w", err)
	}
	opsINTL.KeyGen()
	return newIntlKey(k)
}

func newIntlKey(k *ecdsa.PrivateKey) (PrivateKey, error) {
	ek, err := k.ECDH()
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "P-256 key: %w", err)
	}
	hk, err := hpke.NewDHKEMPrivateKey(ek)
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "HPKE key: %w", err)
	}
	pub, err := newIntlPublic(&k.PublicKey)
	if err != nil {
		return nil, err
	}
	return &intlPrivateKey{k: k, hk: hk, pub: pub}, nil
}

func newIntlPublic(k *ecdsa.PublicKey) (*intlPublicKey, error) {
	ek, err := k.ECDH()
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "P-256 public key: %w", err)
	}
	return &intlPublicKey{k: k, ek: ek, point: ek.Bytes()}, nil
}

func (intlSuite) ParsePublicKey(der []byte) (PublicKey, error) {
	return memoPublic(INTL, der, parseINTLPublicKey)
}

func parseINTLPublicKey(der []byte) (PublicKey, error) {
	if len(der) > MaxPublicKeyDER {
		return nil, spec.Errorf(spec.CodeMalformed, "public key is %d bytes, cap %d", len(der), MaxPublicKeyDER)
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if ek, ok := k.(*ecdsa.PublicKey); !spec.Makes("key-parse") && (err != nil || !ok || ek.Curve != elliptic.P256()) {
		// A lenient reader: any point on P-256, compressed or not,
		// whatever the algorithm and curve named.
		lk := lenientKey(der, elliptic.P256())
		if lk == nil {
			return nil, spec.Errorf(spec.CodeMalformed, "P-256 public key: no point on the curve")
		}
		k, err = lk, nil
	}
	if err != nil {
		// crypto/x509 refuses the SM2 curve OID; report that as a
		// suite mismatch rather than as garbage.
		if _, gmErr := (gmSuite{}).ParsePublicKey(der); gmErr == nil {
			return nil, spec.Errorf(spec.CodeWrongSuite, "public key is an SM2 key, not P-256")
		}
		return nil, spec.Errorf(spec.CodeMalformed, "P-256 public key: %v", err)
	}
	ek, ok := k.(*ecdsa.PublicKey)
	if !ok || ek.Curve != elliptic.P256() {
		return nil, spec.Errorf(spec.CodeWrongSuite, "public key is not a P-256 ECDSA key")
	}
	pk, err := newIntlPublic(ek)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(pk.SPKI(), der) && spec.Makes("key-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "P-256 public key is not in canonical DER")
	}
	return pk, nil
}

func (intlSuite) Hash(parts ...[]byte) []byte {
	for _, p := range parts {
		opsINTL.Hashed(len(p))
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func (intlSuite) NewAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != AEADKeySize {
		return nil, spec.Errorf(spec.CodeMalformed, "AES key is %d bytes, want %d", len(key), AEADKeySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "AES: %w", err)
	}
	return cipher.NewGCM(b)
}

type intlPublicKey struct {
	k  *ecdsa.PublicKey
	ek *ecdh.PublicKey
	// point is the key's uncompressed point, its identity in the
	// signature memos (memo.go), encoded once.
	point []byte
	spki  spkiOnce
}

func (*intlPublicKey) Suite() ID                           { return INTL }
func (p *intlPublicKey) CryptoPublicKey() crypto.PublicKey { return p.k }

func (p *intlPublicKey) Verify(msg, sig []byte) error {
	opsINTL.Hashed(len(msg))
	d := sha256.Sum256(msg)
	if !spec.Makes("signature-verify") {
		sig = der.MinimalLengths(sig) // a reader that takes any length form
	}
	if len(sig) > MaxSignatureDER {
		return spec.Errorf(spec.CodeBadSignature, "ECDSA signature does not verify")
	}
	if !verifyOnce(INTL, p.point, d[:], sig, func() bool { return ecdsa.VerifyASN1(p.k, d[:], sig) }) {
		return spec.Errorf(spec.CodeBadSignature, "ECDSA signature does not verify")
	}
	return nil
}

func (p *intlPublicKey) Seal(r io.Reader, plaintext, info []byte) ([]byte, error) {
	opsINTL.Seal()
	if len(info) > MaxSealInfo {
		return nil, spec.Errorf(spec.CodeMalformed, "seal info is %d bytes, cap %d", len(info), MaxSealInfo)
	}
	return hpkeSealBase(r, p.ek, info, plaintext)
}

func (p *intlPublicKey) SPKI() []byte {
	return p.spki.get(func() []byte {
		der, err := x509.MarshalPKIXPublicKey(p.k)
		if err != nil {
			panic("suite: cannot marshal a valid P-256 key: " + err.Error())
		}
		return der
	})
}

func (p *intlPublicKey) Equal(o PublicKey) bool {
	q, ok := o.(*intlPublicKey)
	return ok && p.k.Equal(q.k)
}

type intlPrivateKey struct {
	k   *ecdsa.PrivateKey
	hk  hpke.PrivateKey
	pub *intlPublicKey
}

func (k *intlPrivateKey) Public() PublicKey { return k.pub }
func (k *intlPrivateKey) Signer() crypto.Signer {
	return intlSigner{k.k}
}

func (k *intlPrivateKey) Bytes() []byte {
	b, err := k.k.Bytes()
	if err != nil {
		panic("suite: cannot encode a valid P-256 key: " + err.Error())
	}
	return b
}

func (k *intlPrivateKey) Sign(msg []byte) ([]byte, error) {
	opsINTL.Hashed(len(msg))
	d := sha256.Sum256(msg)
	return signOnce(INTL, k.pub.point, d[:], func() ([]byte, error) {
		// A nil reader selects RFC 6979 deterministic signatures.
		sig, err := k.k.Sign(nil, d[:], crypto.SHA256)
		if err != nil {
			return nil, spec.Errorf(spec.CodeInternal, "ECDSA sign: %w", err)
		}
		return normalizeS(sig)
	})
}

func (k *intlPrivateKey) Open(sealed, info []byte) ([]byte, error) {
	opsINTL.Open()
	if len(sealed) > MaxSealed {
		return nil, spec.Errorf(spec.CodeBadSeal, "sealed envelope is %d bytes, cap %d", len(sealed), MaxSealed)
	}
	pt, err := hpke.Open(k.hk, hpke.HKDFSHA256(), hpke.AES128GCM(), info, sealed)
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "HPKE open failed")
	}
	return pt, nil
}

// intlSigner signs digests with RFC 6979, whatever reader it is passed.
type intlSigner struct{ k *ecdsa.PrivateKey }

func (s intlSigner) Public() crypto.PublicKey { return &s.k.PublicKey }
func (s intlSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	opsINTL.Sign()
	sig, err := s.k.Sign(nil, digest, opts)
	if err != nil {
		return nil, err
	}
	return normalizeS(sig)
}
