package devcert

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cryptobyte_asn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/emmansun/gmsm/smx509"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// RevocationList is a verified X.509 CRL of the root authority: the
// offline blacklist a wallet consults before paying or accepting payment.
type RevocationList struct {
	Raw        []byte
	IssuerID   string // the root that signed it
	issuerRaw  []byte
	Number     uint64
	ThisUpdate time.Time
	NextUpdate time.Time
	serials    map[uint64]bool
}

// Revoked reports whether serial is on the list.
func (l *RevocationList) Revoked(serial uint64) bool { return l.serials[serial] }

// Len returns the number of revoked serials.
func (l *RevocationList) Len() int { return len(l.serials) }

// Revoke issues revocation list number n listing serials, valid from
// thisUpdate until nextUpdate.
func (a *Authority) Revoke(n uint64, thisUpdate, nextUpdate time.Time, serials ...uint64) (*RevocationList, error) {
	if n == 0 || n >= 1<<63 {
		return nil, spec.Errorf(spec.CodeMalformed, "list number %d outside [1, 2^63)", n)
	}
	thisUpdate, nextUpdate = thisUpdate.UTC().Truncate(time.Second), nextUpdate.UTC().Truncate(time.Second)
	if !nextUpdate.After(thisUpdate) {
		return nil, spec.Errorf(spec.CodeMalformed, "list valid %v..%v is empty", thisUpdate, nextUpdate)
	}
	for _, s := range serials {
		if s == 0 || s >= 1<<63 {
			return nil, spec.Errorf(spec.CodeMalformed, "revoked serial %d outside [1, 2^63)", s)
		}
	}
	tmpl := &x509.RevocationList{
		Number:     new(big.Int).SetUint64(n),
		ThisUpdate: thisUpdate.UTC().Truncate(time.Second),
		NextUpdate: nextUpdate.UTC().Truncate(time.Second),
	}
	for _, s := range serials {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: new(big.Int).SetUint64(s), RevocationTime: tmpl.ThisUpdate,
		})
	}
	raw, err := memoIssue(a.Suite, crlMemoKey(a, n, thisUpdate, nextUpdate, serials), func() ([]byte, error) { return a.signCRL(tmpl) })
	if err != nil {
		return nil, err
	}
	return ParseRevocationList(raw, a.Cert)
}

// signCRL signs tmpl with the authority's key.
func (a *Authority) signCRL(tmpl *x509.RevocationList) ([]byte, error) {
	var raw []byte
	var err error
	if a.Suite.ID() == suite.GM {
		var issuer *smx509.Certificate
		if issuer, err = smx509.ParseCertificate(a.Cert.Raw); err == nil {
			raw, err = smx509.CreateRevocationList(noRand{}, tmpl, issuer, a.key.Signer())
		}
	} else {
		var issuer *x509.Certificate
		if issuer, err = x509.ParseCertificate(a.Cert.Raw); err == nil {
			tmpl.SignatureAlgorithm = x509.ECDSAWithSHA256
			raw, err = x509.CreateRevocationList(noRand{}, tmpl, issuer, a.key.Signer())
		}
	}
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "create revocation list: %w", err)
	}
	opcount.For(a.Suite.ID()).Verify() // the library verified the signature it made
	return raw, nil
}

// crlCache holds revocation lists that parsed and verified, by SHA-256
// of the suite, the root and the list: devices re-read the same list from
// their store at every restart and reconciliation, and parsing it costs an
// X.509 parse and a signature verification. Like the certificate caches
// it holds successes only.
var crlCache = memo.New[[32]byte, *RevocationList]("spec/devcert revocation lists", 1<<10)

func crlKey(der []byte, root *Certificate) [32]byte {
	h := sha256.New()
	h.Write([]byte(root.Suite))
	h.Write([]byte{0})
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(root.Raw))))
	h.Write(root.Raw)
	h.Write(der)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// ParseRevocationList decodes a CRL and verifies it was signed by root.
// It returns a fresh *RevocationList on every call (Raw is the caller's
// der on a first parse, a copy after); callers may modify it.
func ParseRevocationList(der []byte, root *Certificate) (*RevocationList, error) {
	if root != nil && root.IsCA && len(der) <= MaxCRLDER {
		key := crlKey(der, root)
		if hit, ok := getUnlessDropping(crlCache, key); ok {
			l := *hit // serials is never written after parsing: sharing it is safe
			l.Raw = bytes.Clone(hit.Raw)
			return &l, nil
		}
		l, err := parseRevocationList(der, root)
		if err != nil {
			return nil, err
		}
		if spec.Dropping() {
			return l, nil
		}
		cached := *l
		cached.Raw = bytes.Clone(l.Raw)
		crlCache.Put(key, &cached)
		return l, nil
	}
	return parseRevocationList(der, root)
}

func parseRevocationList(der []byte, root *Certificate) (*RevocationList, error) {
	if len(der) > MaxCRLDER && spec.Makes("crl-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "revocation list is %d bytes, cap %d", len(der), MaxCRLDER)
	}
	if root == nil || !root.IsCA {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "no trusted root")
	}
	// Both X.509 parsers read the outer SEQUENCE and ignore what follows.
	in := cryptobyte.String(der)
	var el cryptobyte.String
	if (!in.ReadASN1Element(&el, cryptobyte_asn1.SEQUENCE) || !in.Empty()) && spec.Makes("crl-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "revocation list is not exactly one DER SEQUENCE")
	}
	var rl *x509.RevocationList
	opcount.For(root.Suite).Verify()
	if root.Suite == suite.GM {
		srl, err := smx509.ParseRevocationList(der)
		if err != nil {
			return nil, spec.Errorf(spec.CodeMalformed, "revocation list: %v", err)
		}
		issuer, err := smx509.ParseCertificate(root.Raw)
		if err != nil {
			return nil, spec.Errorf(spec.CodeMalformed, "root: %v", err)
		}
		if err := srl.CheckSignatureFrom(issuer); err != nil && spec.Makes("crl-issuer") {
			return nil, spec.Errorf(spec.CodeUntrustedIssuer, "revocation list not signed by root %q: %v", root.ID, err)
		}
		rl = srl.ToX509()
	} else {
		var err error
		rl, err = x509.ParseRevocationList(der)
		if err != nil {
			return nil, spec.Errorf(spec.CodeMalformed, "revocation list: %v", err)
		}
		issuer, err := x509.ParseCertificate(root.Raw)
		if err != nil {
			return nil, spec.Errorf(spec.CodeMalformed, "root: %v", err)
		}
		if err := rl.CheckSignatureFrom(issuer); err != nil && spec.Makes("crl-issuer") {
			return nil, spec.Errorf(spec.CodeUntrustedIssuer, "revocation list not signed by root %q: %v", root.ID, err)
		}
	}
	if (rl.Number == nil || rl.Number.Sign() <= 0 || !rl.Number.IsUint64() || rl.Number.Uint64() >= 1<<63) && spec.Makes("crl-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "revocation list number outside [1, 2^63)")
	}
	if !rl.NextUpdate.After(rl.ThisUpdate) && spec.Makes("crl-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "revocation list valid %v..%v is empty", rl.ThisUpdate, rl.NextUpdate)
	}
	var number uint64
	if rl.Number != nil && rl.Number.IsUint64() {
		number = rl.Number.Uint64()
	}
	out := &RevocationList{Raw: der, IssuerID: root.ID, issuerRaw: root.Raw, Number: number, ThisUpdate: rl.ThisUpdate, NextUpdate: rl.NextUpdate, serials: map[uint64]bool{}}
	for _, e := range rl.RevokedCertificateEntries {
		if e.SerialNumber == nil || e.SerialNumber.Sign() <= 0 || !e.SerialNumber.IsUint64() || e.SerialNumber.Uint64() >= 1<<63 {
			if !spec.Makes("crl-parse") {
				continue
			}
			return nil, spec.Errorf(spec.CodeMalformed, "revoked serial outside the profile")
		}
		out.serials[e.SerialNumber.Uint64()] = true
	}
	return out, nil
}
