package devcert

import (
	"bytes"
	"crypto/x509"
	"time"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// issuedMemo keeps the DER of certificates and revocation lists this
// process signed, by SHA-256 of everything the bytes depend on: the
// suite, the signer's public key, the issuer and every field of the
// template. Both signers are deterministic, so signing the same template
// again gives the same bytes; a world set up again from the same seed
// (every case of a property) takes them from here instead of signing and
// verifying them anew. A reused result is counted as saved
// (opcount.SavedFor), not as done.
var issuedMemo = memo.New[[32]byte, []byte]("spec/devcert issued", 1<<12)

// memoIssue returns the DER make produces for key, made once. An issuance
// is one signature and the library's verification of it.
func memoIssue(s suite.Suite, key [32]byte, make func() ([]byte, error)) ([]byte, error) {
	if spec.Dropping() {
		return make()
	}
	if hit, ok := issuedMemo.Get(key); ok {
		opcount.SavedFor(s.ID()).Add(opcount.Ops{Sign: 1, Verify: 1})
		return bytes.Clone(hit), nil
	}
	raw, err := make()
	if err != nil {
		return nil, err
	}
	issuedMemo.Put(key, bytes.Clone(raw))
	return raw, nil
}

// memoHash is a memo.KeyHash with the fields a certificate or list key
// starts with, and times.
type memoHash struct{ memo.KeyHash }

func newMemoHash(kind string, s suite.Suite, signer suite.PrivateKey) memoHash {
	m := memoHash{memo.NewKeyHash()}
	m.Bytes([]byte(kind))
	m.Bytes([]byte(s.ID()))
	m.Bytes(signer.Public().SPKI())
	return m
}

func (m memoHash) time(t time.Time) { m.Uint(uint64(t.Unix())) }

// certMemoKey keys a certificate: the template's fields that Template.x509
// sets, the issuer's certificate (nil for a self-signed root) and the
// subject's key.
func certMemoKey(s suite.Suite, tmpl *x509.Certificate, parentRaw []byte, pub suite.PublicKey, signer suite.PrivateKey) [32]byte {
	m := newMemoHash("certificate", s, signer)
	m.Bytes(parentRaw)
	m.Bytes(pub.SPKI())
	m.Bytes(tmpl.SerialNumber.Bytes())
	m.Bytes([]byte(tmpl.Subject.String()))
	m.time(tmpl.NotBefore)
	m.time(tmpl.NotAfter)
	ca := uint64(0)
	if tmpl.IsCA {
		ca = 1
	}
	m.Uint(ca)
	m.Uint(uint64(tmpl.KeyUsage))
	m.Uint(uint64(tmpl.SignatureAlgorithm))
	m.Bytes(tmpl.SubjectKeyId)
	return m.Sum()
}

// crlMemoKey keys a revocation list of the authority a.
func crlMemoKey(a *Authority, n uint64, thisUpdate, nextUpdate time.Time, serials []uint64) [32]byte {
	m := newMemoHash("revocation list", a.Suite, a.key)
	m.Bytes(a.Cert.Raw)
	m.Uint(n)
	m.time(thisUpdate)
	m.time(nextUpdate)
	m.Uint(uint64(len(serials)))
	for _, s := range serials {
		m.Uint(s)
	}
	return m.Sum()
}

// getUnlessDropping is c.Get, except that while a check is dropped
// (spec.Dropping) nothing is answered from a cache, so nothing is
// looked up or counted as a hit the caller would not use.
func getUnlessDropping[K comparable, V any](c *memo.Map[K, V], k K) (V, bool) {
	if spec.Dropping() {
		var zero V
		return zero, false
	}
	return c.Get(k)
}
