// Package devcert issues, parses and checks the X.509 device certificates
// of dualoffline: the central bank is the root authority; wallets, secure
// elements, agent banks, card makers and chain nodes hold certificates it
// issues. SM2 certificates are made and read with
// github.com/emmansun/gmsm/smx509, P-256 ones with crypto/x509, so any X.509
// tool can read what the harness publishes.
//
// Profile (spec/formats.md, "Device certificates"): X.509 v3; serial a
// positive integer below 2^63; subject and issuer are CN=<id>, OU=<role>,
// O=dualoffline; the key and signature algorithm are the suite's (SM2 with
// SM3, or ECDSA P-256 with SHA-256); a CA has basic constraints CA:TRUE and
// key usage certSign|crlSign; a device has digitalSignature|keyEncipherment.
// Parse refuses anything else with a typed error; Verify checks issuer,
// validity period and revocation at a time the caller supplies (the
// simulated clock, never the wall clock).
package devcert

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	encasn1 "encoding/asn1"
	"errors"
	"math/big"
	"slices"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"golang.org/x/crypto/cryptobyte"
	cryptobyte_asn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Limits.
const (
	MaxCertDER = 1024    // a device certificate is about 400 bytes
	MaxCRLDER  = 1 << 20 // a revocation list
	MaxIDLen   = 64
	Org        = "dualoffline"
)

// Role is what a certificate's holder is, carried in the subject OU.
type Role string

// Roles.
const (
	RoleRoot   Role = "central-bank" // the root authority
	RoleAgent  Role = "agent-bank"   // a commercial bank that distributes coins
	RoleWallet Role = "wallet"       // a payer/payee device: SE, SIM, phone wallet
	RoleMaker  Role = "card-maker"   // a qualified secure-element manufacturer
	RoleNode   Role = "node"         // a bank master node of the chain scheme
)

// Roles lists every role.
var Roles = []Role{RoleRoot, RoleAgent, RoleWallet, RoleMaker, RoleNode}

// Certificate is a parsed device certificate.
type Certificate struct {
	Raw       []byte
	Suite     suite.ID
	Serial    uint64
	ID        string // subject CN
	Role      Role   // subject OU
	IssuerID  string // issuer CN
	NotBefore time.Time
	NotAfter  time.Time
	IsCA      bool
	PublicKey suite.PublicKey
}

// Template is what an authority puts in a certificate it issues.
type Template struct {
	Serial    uint64
	ID        string
	Role      Role
	PublicKey suite.PublicKey
	NotBefore time.Time
	NotAfter  time.Time
}

// Authority issues certificates and revocation lists.
type Authority struct {
	Suite suite.Suite
	Cert  *Certificate
	key   suite.PrivateKey
}

func name(id string, role Role) pkix.Name {
	return pkix.Name{CommonName: id, OrganizationalUnit: []string{string(role)}, Organization: []string{Org}}
}

func checkTemplate(t Template) error {
	switch {
	case t.Serial == 0 || t.Serial >= 1<<63:
		return spec.Errorf(spec.CodeMalformed, "serial %d outside [1, 2^63)", t.Serial)
	case !spec.ValidID(t.ID, MaxIDLen):
		return spec.Errorf(spec.CodeMalformed, "id %q is not 1..%d printable ASCII", t.ID, MaxIDLen)
	case !slices.Contains(Roles, t.Role):
		return spec.Errorf(spec.CodeMalformed, "unknown role %q", t.Role)
	case !t.NotAfter.After(t.NotBefore):
		return spec.Errorf(spec.CodeMalformed, "validity %v..%v is empty", t.NotBefore, t.NotAfter)
	case t.PublicKey == nil:
		return spec.Errorf(spec.CodeMalformed, "no public key")
	}
	return nil
}

func (t Template) x509(s suite.Suite, ca bool) *x509.Certificate {
	c := &x509.Certificate{
		SerialNumber:          new(big.Int).SetUint64(t.Serial),
		Subject:               name(t.ID, t.Role),
		NotBefore:             t.NotBefore.UTC().Truncate(time.Second),
		NotAfter:              t.NotAfter.UTC().Truncate(time.Second),
		BasicConstraintsValid: true,
		IsCA:                  ca,
		SubjectKeyId:          s.Hash(t.PublicKey.SPKI())[:20],
	}
	if ca {
		c.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	return c
}

// NewRoot makes a self-signed root authority for key.
func NewRoot(s suite.Suite, key suite.PrivateKey, id string, serial uint64, notBefore, notAfter time.Time) (*Authority, error) {
	t := Template{Serial: serial, ID: id, Role: RoleRoot, PublicKey: key.Public(), NotBefore: notBefore, NotAfter: notAfter}
	if err := checkTemplate(t); err != nil {
		return nil, err
	}
	tmpl := t.x509(s, true)
	raw, err := create(s, tmpl, nil, func() (*x509.Certificate, error) { return tmpl, nil }, key.Public(), key)
	if err != nil {
		return nil, err
	}
	c, err := Parse(s, raw)
	if err != nil {
		return nil, err
	}
	return &Authority{Suite: s, Cert: c, key: key}, nil
}

// Issue signs a device certificate for t. The authority never issues CA
// certificates: the hierarchy is one root over devices.
func (a *Authority) Issue(t Template) (*Certificate, error) {
	if err := checkTemplate(t); err != nil {
		return nil, err
	}
	if t.Role == RoleRoot {
		return nil, spec.Errorf(spec.CodeMalformed, "a root cannot be issued, only made with NewRoot")
	}
	if t.PublicKey.Suite() != a.Suite.ID() {
		return nil, spec.Errorf(spec.CodeWrongSuite, "%s key under a %s authority", t.PublicKey.Suite(), a.Suite.ID())
	}
	raw, err := create(a.Suite, t.x509(a.Suite, false), a.Cert.Raw, a.Cert.parsed, t.PublicKey, a.key)
	if err != nil {
		return nil, err
	}
	return Parse(a.Suite, raw)
}

// create signs tmpl under the issuer whose DER is parentRaw (nil for a
// self-signed root), parsed by parent only when the signature is not kept
// (memo.go).
func create(s suite.Suite, tmpl *x509.Certificate, parentRaw []byte, parent func() (*x509.Certificate, error), pub suite.PublicKey, key suite.PrivateKey) ([]byte, error) {
	return memoIssue(s, certMemoKey(s, tmpl, parentRaw, pub, key), func() ([]byte, error) {
		p, err := parent()
		if err != nil {
			return nil, err
		}
		return sign(s, tmpl, p, pub, key)
	})
}

// sign signs tmpl under parent with key.
func sign(s suite.Suite, tmpl, parent *x509.Certificate, pub suite.PublicKey, key suite.PrivateKey) ([]byte, error) {
	var raw []byte
	var err error
	// The signers ignore the reader and sign deterministically; pass
	// one that fails loudly should a library ever read it anyway.
	switch s.ID() {
	case suite.GM:
		raw, err = smx509.CreateCertificate(noRand{}, tmpl, parent, pub.CryptoPublicKey(), key.Signer())
	default:
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA256
		raw, err = x509.CreateCertificate(noRand{}, tmpl, parent, pub.CryptoPublicKey(), key.Signer())
	}
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "create certificate: %w", err)
	}
	// Both libraries verify the signature they just made (against a
	// faulty signer): real cryptography the floor must count.
	opcount.For(s.ID()).Verify()
	return raw, nil
}

type noRand struct{}

func (noRand) Read([]byte) (int, error) {
	return 0, errors.New("devcert: certificate issuance must not consume randomness")
}

// parsed returns the crypto/x509 view of c (for GM, converted from smx509,
// which keeps Raw and the SM2 key).
func (c *Certificate) parsed() (*x509.Certificate, error) {
	if c.Suite == suite.GM {
		sc, err := smx509.ParseCertificate(c.Raw)
		if err != nil {
			return nil, spec.Errorf(spec.CodeMalformed, "certificate: %v", err)
		}
		return sc.ToX509(), nil
	}
	x, err := x509.ParseCertificate(c.Raw)
	if err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "certificate: %v", err)
	}
	return x, nil
}

// parsedCache keeps successful parses by SHA-256 of (suite, bytes): X.509
// parsing of an SM2 certificate costs as much as a signature
// verification, and devices see the same few certificates again and
// again. Like verified, it holds successes only.
var parsedCache = memo.New[[32]byte, *Certificate]("spec/devcert parsed certificates", 1<<14)

// Parse decodes a certificate of suite s under the profile. It returns a
// fresh *Certificate on every call; callers may modify it.
func Parse(s suite.Suite, der []byte) (*Certificate, error) {
	if len(der) > MaxCertDER && spec.Makes("cert-parse") {
		return nil, spec.Errorf(spec.CodeMalformed, "certificate is %d bytes, cap %d", len(der), MaxCertDER)
	}
	h := sha256.New()
	h.Write([]byte(s.ID()))
	h.Write([]byte{0})
	h.Write(der)
	var key [32]byte
	h.Sum(key[:0])
	if hit, ok := getUnlessDropping(parsedCache, key); ok {
		c := *hit
		c.Raw = bytes.Clone(hit.Raw)
		return &c, nil
	}
	c, err := parse(s, der)
	if err != nil {
		return nil, err
	}
	if spec.Dropping() {
		return c, nil
	}
	cached := *c
	cached.Raw = bytes.Clone(c.Raw)
	parsedCache.Put(key, &cached)
	return c, nil
}

func parse(s suite.Suite, der []byte) (*Certificate, error) {
	var x *x509.Certificate
	var wantAlg x509.SignatureAlgorithm
	switch s.ID() {
	case suite.GM:
		sc, err := smx509.ParseCertificate(der)
		if err != nil {
			return nil, spec.Errorf(spec.CodeMalformed, "certificate: %v", err)
		}
		x, wantAlg = sc.ToX509(), smx509.SM2WithSM3
	default:
		var err error
		x, err = x509.ParseCertificate(der)
		if err != nil {
			if _, gmErr := smx509.ParseCertificate(der); gmErr == nil {
				return nil, spec.Errorf(spec.CodeWrongSuite, "an SM2 certificate where a P-256 one is expected")
			}
			return nil, spec.Errorf(spec.CodeMalformed, "certificate: %v", err)
		}
		wantAlg = x509.ECDSAWithSHA256
	}
	return fromX509(s, x, wantAlg)
}

func fromX509(s suite.Suite, x *x509.Certificate, wantAlg x509.SignatureAlgorithm) (*Certificate, error) {
	spki := x.RawSubjectPublicKeyInfo
	pub, err := s.ParsePublicKey(spki)
	if err != nil {
		return nil, err
	}
	if x.SignatureAlgorithm != wantAlg && spec.Makes("cert-parse") {
		return nil, spec.Errorf(spec.CodeWrongSuite, "signature algorithm %v, want %v", x.SignatureAlgorithm, wantAlg)
	}
	if x.Version != 3 && spec.Makes("cert-version") {
		return nil, spec.Errorf(spec.CodeUnknownVersion, "X.509 version %d", x.Version)
	}
	if (x.SerialNumber == nil || x.SerialNumber.Sign() <= 0 || !x.SerialNumber.IsUint64() || x.SerialNumber.Uint64() >= 1<<63) && spec.Makes("cert-serial") {
		return nil, spec.Errorf(spec.CodeMalformed, "serial outside [1, 2^63)")
	}
	id, role, err := profileName(x.Subject, "subject")
	if err != nil && spec.Makes("cert-names") {
		return nil, err
	}
	issuerID, issuerRole, err := profileName(x.Issuer, "issuer")
	if err != nil && spec.Makes("cert-names") {
		return nil, err
	}
	if issuerRole != RoleRoot && spec.Makes("cert-issuer-role") {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "issuer role %q is not %q", issuerRole, RoleRoot)
	}
	if len(x.UnhandledCriticalExtensions) > 0 && spec.Makes("cert-critical-ext") {
		return nil, spec.Errorf(spec.CodeMalformed, "%d unhandled critical extensions", len(x.UnhandledCriticalExtensions))
	}
	if !x.BasicConstraintsValid && spec.Makes("cert-constraints") {
		return nil, spec.Errorf(spec.CodeMalformed, "no basic constraints")
	}
	if x.IsCA != (role == RoleRoot) && spec.Makes("cert-constraints") {
		return nil, spec.Errorf(spec.CodeMalformed, "role %q with CA=%v", role, x.IsCA)
	}
	wantKU := x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	if x.IsCA {
		wantKU = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if x.KeyUsage != wantKU && spec.Makes("cert-constraints") {
		return nil, spec.Errorf(spec.CodeMalformed, "key usage %#x, want %#x", x.KeyUsage, wantKU)
	}
	if !x.NotAfter.After(x.NotBefore) && spec.Makes("cert-validity-order") {
		return nil, spec.Errorf(spec.CodeMalformed, "empty validity period")
	}
	return &Certificate{
		Raw: x.Raw, Suite: s.ID(), Serial: x.SerialNumber.Uint64(), ID: id, Role: role,
		IssuerID: issuerID, NotBefore: x.NotBefore, NotAfter: x.NotAfter, IsCA: x.IsCA, PublicKey: pub,
	}, nil
}

func profileName(n pkix.Name, which string) (string, Role, error) {
	if len(n.Names) != 3 || len(n.OrganizationalUnit) != 1 || len(n.Organization) != 1 || n.Organization[0] != Org {
		return "", "", spec.Errorf(spec.CodeMalformed, "%s is not CN, OU, O=%s", which, Org)
	}
	if !spec.ValidID(n.CommonName, MaxIDLen) {
		return "", "", spec.Errorf(spec.CodeMalformed, "%s CN %q is not 1..%d printable ASCII", which, n.CommonName, MaxIDLen)
	}
	role := Role(n.OrganizationalUnit[0])
	if !slices.Contains(Roles, role) {
		return "", "", spec.Errorf(spec.CodeMalformed, "%s role %q is unknown", which, role)
	}
	return n.CommonName, role, nil
}

// Verify checks that c was issued by root, that both are valid at the
// given time, and that c's serial is not on crl (which may be nil, meaning
// "no list known"; a list must already be verified, see ParseRevocationList).
func (c *Certificate) Verify(root *Certificate, at time.Time, crl *RevocationList) error {
	if root == nil || (!root.IsCA || root.Role != RoleRoot) && spec.Makes("cert-anchor") {
		return spec.Errorf(spec.CodeUntrustedIssuer, "no trusted root")
	}
	if c.Suite != root.Suite && spec.Makes("key-parse") {
		return spec.Errorf(spec.CodeWrongSuite, "%s certificate under a %s root", c.Suite, root.Suite)
	}
	if err := c.checkSignatureFrom(root); err != nil && spec.Makes("cert-issuer") {
		return err
	}
	for _, x := range []*Certificate{root, c} {
		if x == root && !spec.Makes("cert-root-validity") || x == c && !spec.Makes("cert-validity") {
			continue
		}
		if at.Before(x.NotBefore) {
			return spec.Errorf(spec.CodeCertNotYetValid, "%s %q valid from %v, now %v", x.Role, x.ID, x.NotBefore, at)
		}
		if at.After(x.NotAfter) {
			return spec.Errorf(spec.CodeCertExpired, "%s %q expired %v, now %v", x.Role, x.ID, x.NotAfter, at)
		}
	}
	if crl != nil && !bytes.Equal(crl.issuerRaw, root.Raw) && spec.Makes("crl-issuer") {
		return spec.Errorf(spec.CodeUntrustedIssuer, "revocation list of %q checked under root %q", crl.IssuerID, root.ID)
	}
	if crl != nil && crl.Revoked(c.Serial) && spec.Makes("cert-revoked") {
		return spec.Errorf(spec.CodeCertRevoked, "%s %q serial %d is revoked (list %d)", c.Role, c.ID, c.Serial, crl.Number)
	}
	return nil
}

// verified remembers (certificate, root) pairs whose signature checked
// out, so a device that sees the same certificate again does not redo the
// public-key operation. It is a pure cache of a pure function; failures
// are not cached, and it is bounded so hostile input cannot grow it.
var verified = memo.New[[32]byte, struct{}]("spec/devcert verified signatures", 1<<14)

// tbsOf returns the TBSCertificate bytes and the signature of a
// certificate's DER, both empty when it does not split.
func tbsOf(der []byte) (tbs, sig []byte) {
	in := cryptobyte.String(der)
	var outer, t, alg cryptobyte.String
	var bits encasn1.BitString
	if !in.ReadASN1(&outer, cryptobyte_asn1.SEQUENCE) || !outer.ReadASN1Element(&t, cryptobyte_asn1.SEQUENCE) ||
		!outer.ReadASN1(&alg, cryptobyte_asn1.SEQUENCE) || !outer.ReadASN1BitString(&bits) {
		return nil, nil
	}
	return t, bits.Bytes
}

func (c *Certificate) checkSignatureFrom(root *Certificate) error {
	if c.IssuerID != root.ID {
		return spec.Errorf(spec.CodeUntrustedIssuer, "issued by %q, trusted root is %q", c.IssuerID, root.ID)
	}
	h := sha256.New()
	h.Write(c.Raw)
	h.Write(root.Raw)
	var key [32]byte
	h.Sum(key[:0])
	if _, hit := getUnlessDropping(verified, key); hit {
		opcount.SavedFor(c.Suite).Verify()
		return nil
	}
	opcount.For(c.Suite).Verify()
	var err error
	switch {
	case !spec.Makes("cert-anchor"):
		// The libraries' check below also requires the issuer to be a
		// CA, which is the anchor check: without it, the signature alone.
		err = root.PublicKey.Verify(tbsOf(c.Raw))
	case c.Suite == suite.GM:
		var child, parent *smx509.Certificate
		if child, err = smx509.ParseCertificate(c.Raw); err == nil {
			if parent, err = smx509.ParseCertificate(root.Raw); err == nil {
				err = child.CheckSignatureFrom(parent)
			}
		}
	default:
		var child, parent *x509.Certificate
		if child, err = x509.ParseCertificate(c.Raw); err == nil {
			if parent, err = x509.ParseCertificate(root.Raw); err == nil {
				err = child.CheckSignatureFrom(parent)
			}
		}
	}
	if err != nil {
		return spec.Errorf(spec.CodeUntrustedIssuer, "not signed by root %q: %v", root.ID, err)
	}
	if spec.Dropping() {
		return nil
	}
	verified.Put(key, struct{}{})
	return nil
}
