package suite

import (
	"bytes"
	"crypto"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/hmac"
	"encoding/binary"
	"io"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cryptobyte_asn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/der"
)

// DefaultSM2ID is the SM2 distinguishing identifier used for every
// signature: the GB/T 32918 default "1234567812345678". OpenSSL 3.0 uses an
// empty id unless given -pkeyopt distid:1234567812345678.
const DefaultSM2ID = "1234567812345678"

type gmSuite struct{}

func (gmSuite) ID() ID                     { return GM }
func (gmSuite) SignatureAlgorithm() string { return "SM2-SM3" }
func (gmSuite) SealAlgorithm() string      { return "SM2-PKE-ASN1" }

func (gmSuite) GenerateKey(r io.Reader) (PrivateKey, error) {
	return generate(r, gmKey)
}

func gmKeyFromScalar(b []byte) (PrivateKey, error) {
	if len(b) != 32 {
		return nil, spec.Errorf(spec.CodeMalformed, "SM2 private key is %d bytes, want 32", len(b))
	}
	k, err := sm2.NewPrivateKey(b)
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "SM2 private key: %w", err)
	}
	opsGM.KeyGen()
	pub, err := newGMPublicKey(&k.PublicKey)
	if err != nil {
		return nil, err
	}
	return &gmPrivateKey{k: k, pub: pub}, nil
}

func (gmSuite) ParsePublicKey(der []byte) (PublicKey, error) {
	return memoPublic(GM, der, parseGMPublicKey)
}

func parseGMPublicKey(der []byte) (PublicKey, error) {
	if len(der) > MaxPublicKeyDER {
		return nil, spec.Errorf(spec.CodeMalformed, "public key is %d bytes, cap %d", len(der), MaxPublicKeyDER)
	}
	k, err := smx509.ParsePKIXPublicKey(der)
	ek, ok := k.(*ecdsa.PublicKey)
	if !spec.Makes("key-parse") && (err != nil || !ok || !sm2.IsSM2PublicKey(ek)) {
		// A lenient reader: any point on the SM2 curve, compressed or
		// not, whatever the algorithm and curve named.
		if ek, ok, err = lenientKey(der, sm2.P256()), true, nil; ek == nil {
			return nil, spec.Errorf(spec.CodeMalformed, "SM2 public key: no point on the curve")
		}
	}
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "SM2 public key: %v", err)
	}
	if !ok || !sm2.IsSM2PublicKey(ek) {
		return nil, spec.Errorf(spec.CodeWrongSuite, "public key is not an SM2 key")
	}
	pk, err := newGMPublicKey(ek)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(pk.SPKI(), der) && spec.Makes("key-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "SM2 public key is not in canonical DER")
	}
	return pk, nil
}

func (gmSuite) Hash(parts ...[]byte) []byte {
	for _, p := range parts {
		opsGM.Hashed(len(p))
	}
	h := sm3.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func (gmSuite) NewAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != AEADKeySize {
		return nil, spec.Errorf(spec.CodeMalformed, "SM4 key is %d bytes, want %d", len(key), AEADKeySize)
	}
	b, err := sm4.NewCipher(key)
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "SM4: %w", err)
	}
	return cipher.NewGCM(b)
}

// gmPublicKey is an SM2 public key with its ZA, the SM3 digest of the
// distinguishing id, the curve and the key (GB/T 32918.2 §5.5): every
// signature digest starts with it, so it is computed once per key instead
// of once per signature. Both fields are immutable.
type gmPublicKey struct {
	k    *ecdsa.PublicKey
	za   []byte
	spki spkiOnce
}

func newGMPublicKey(k *ecdsa.PublicKey) (*gmPublicKey, error) {
	za, err := sm2.CalculateZA(k, []byte(DefaultSM2ID))
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "SM2 public key: %v", err)
	}
	return &gmPublicKey{k: k, za: za}, nil
}

// digest returns e = SM3(ZA || msg), the value SM2 signs.
func (p *gmPublicKey) digest(msg []byte) []byte {
	h := sm3.New()
	h.Write(p.za)
	h.Write(msg)
	return h.Sum(nil)
}

func (*gmPublicKey) Suite() ID                           { return GM }
func (p *gmPublicKey) CryptoPublicKey() crypto.PublicKey { return p.k }

func (p *gmPublicKey) Verify(msg, sig []byte) error {
	opsGM.Hashed(len(msg))
	if !spec.Makes("signature-verify") {
		sig = der.MinimalLengths(sig) // a reader that takes any length form
	}
	if len(sig) > MaxSignatureDER {
		return spec.Errorf(spec.CodeBadSignature, "SM2 signature does not verify")
	}
	e := p.digest(msg)
	if !verifyOnce(GM, p.za, e, sig, func() bool { return sm2.VerifyASN1(p.k, e, sig) }) {
		return spec.Errorf(spec.CodeBadSignature, "SM2 signature does not verify")
	}
	return nil
}

func (p *gmPublicKey) Seal(r io.Reader, plaintext, info []byte) ([]byte, error) {
	opsGM.Seal()
	// SM2 encryption has no associated data; info is bound by prefixing
	// it, length-delimited, to the plaintext and checking it on Open.
	if len(info) > MaxSealInfo {
		return nil, spec.Errorf(spec.CodeMalformed, "seal info is %d bytes, cap %d", len(info), MaxSealInfo)
	}
	ct, err := sm2.EncryptASN1(r, p.k, bindInfo(plaintext, info))
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "SM2 encrypt: %w", err)
	}
	return ct, nil
}

func (p *gmPublicKey) SPKI() []byte {
	return p.spki.get(func() []byte {
		der, err := smx509.MarshalPKIXPublicKey(p.k)
		if err != nil {
			panic("suite: cannot marshal a valid SM2 key: " + err.Error())
		}
		return der
	})
}

func (p *gmPublicKey) Equal(o PublicKey) bool {
	q, ok := o.(*gmPublicKey)
	return ok && p.k.Equal(q.k)
}

type gmPrivateKey struct {
	k   *sm2.PrivateKey
	pub *gmPublicKey
}

func (k *gmPrivateKey) Public() PublicKey { return k.pub }
func (k *gmPrivateKey) Bytes() []byte     { return k.k.D.FillBytes(make([]byte, 32)) }
func (k *gmPrivateKey) Signer() crypto.Signer {
	return gmSigner{k}
}

func (k *gmPrivateKey) Sign(msg []byte) ([]byte, error) {
	opsGM.Hashed(len(msg))
	return k.signDigest(k.pub.digest(msg))
}

// signDigest signs e = SM3(Z || M) with a nonce derived from the private
// scalar and e. gmsm reads the nonce from the reader it is given, after a
// one-byte probe read it makes at random (to stop callers depending on the
// stream); nonceReader answers that probe without advancing, so the
// signature depends only on (key, message, gmsm version). A test pins this.
func (k *gmPrivateKey) signDigest(e []byte) ([]byte, error) {
	return signOnce(GM, k.pub.za, e, func() ([]byte, error) {
		sig, err := sm2.SignASN1(newNonceReader(k.Bytes(), e), k.k, e, nil)
		if err != nil {
			return nil, spec.Errorf(spec.CodeInternal, "SM2 sign: %w", err)
		}
		return sig, nil
	})
}

func (k *gmPrivateKey) Open(sealed, info []byte) ([]byte, error) {
	opsGM.Open()
	if len(sealed) > MaxSealed {
		return nil, spec.Errorf(spec.CodeBadSeal, "sealed envelope is %d bytes, cap %d", len(sealed), MaxSealed)
	}
	// gmsm also opens the plain C1C3C2 forms; only the ASN.1 envelope
	// Seal produces is accepted, so every envelope has one encoding.
	in := cryptobyte.String(sealed)
	var env cryptobyte.String
	if !in.ReadASN1Element(&env, cryptobyte_asn1.SEQUENCE) || !in.Empty() {
		return nil, spec.Errorf(spec.CodeBadSeal, "SM2 envelope is not one DER SEQUENCE")
	}
	pt, err := sm2.Decrypt(k.k, sealed)
	if err != nil {
		return nil, spec.Errorf(spec.CodeBadSeal, "SM2 decrypt failed")
	}
	return unbindInfo(pt, info)
}

// gmSigner adapts the key to crypto.Signer for smx509, which passes the raw
// TBS bytes with sm2.DefaultSM2SignerOpts (SM2 hashing with the default id).
type gmSigner struct{ k *gmPrivateKey }

func (s gmSigner) Public() crypto.PublicKey { return s.k.pub.k }

func (s gmSigner) Sign(_ io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	switch o := opts.(type) {
	case *sm2.SM2SignerOption:
		// Only the default options (SM2 hashing with the default id) are
		// what this signer does; anything else is refused, not guessed.
		if o != sm2.DefaultSM2SignerOpts {
			return nil, spec.Errorf(spec.CodeInternal, "SM2 signer supports only sm2.DefaultSM2SignerOpts")
		}
		return s.k.Sign(msg)
	case nil:
		return s.k.signDigest(msg) // msg is already e = SM3(Z || M)
	}
	if opts.HashFunc() == 0 {
		return s.k.signDigest(msg)
	}
	return nil, spec.Errorf(spec.CodeInternal, "SM2 signer: unsupported options %T", opts)
}

// nonceReader yields HMAC-SM3(d, label || e || counter) blocks.
type nonceReader struct {
	mac  func(ctr uint32) []byte
	ctr  uint32
	rest []byte
}

func newNonceReader(d, e []byte) *nonceReader {
	return &nonceReader{mac: func(ctr uint32) []byte {
		m := hmac.New(sm3.New, d)
		m.Write([]byte("dualoffline/sm2-nonce/v1\x00"))
		m.Write(e)
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], ctr)
		m.Write(c[:])
		return m.Sum(nil)
	}}
}

func (r *nonceReader) Read(p []byte) (int, error) {
	if len(p) == 1 {
		p[0] = 0 // the library's probe byte; see signDigest
		return 1, nil
	}
	n := 0
	for n < len(p) {
		if len(r.rest) == 0 {
			r.rest = r.mac(r.ctr)
			r.ctr++
		}
		c := copy(p[n:], r.rest)
		r.rest = r.rest[c:]
		n += c
	}
	return n, nil
}

// bindInfo prefixes info (≤ MaxSealInfo bytes) with its length to the
// plaintext.
func bindInfo(plaintext, info []byte) []byte {
	out := make([]byte, 0, 1+len(info)+len(plaintext))
	out = append(out, byte(len(info)))
	out = append(out, info...)
	return append(out, plaintext...)
}

func unbindInfo(pt, info []byte) ([]byte, error) {
	if len(pt) < 1 || len(pt) < 1+int(pt[0]) || !bytes.Equal(pt[1:1+int(pt[0])], info) {
		return nil, spec.Errorf(spec.CodeBadSeal, "sealed for another context")
	}
	return pt[1+int(pt[0]):], nil
}
