package vectors

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"

	"github.com/emmansun/gmsm/smx509"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// noRead is the reader certificate creation gets: the suites' signers are
// deterministic and never read it.
type noRead struct{}

func (noRead) Read([]byte) (int, error) {
	return 0, errors.New("vectors: certificate creation read randomness")
}

// x509View parses der with the suite's X.509 library.
func x509View(g *vgen.Gen, der []byte) *x509.Certificate {
	if g.S.ID() == suite.GM {
		c, err := smx509.ParseCertificate(der)
		g.Fail(err)
		if c == nil {
			return nil
		}
		return c.ToX509()
	}
	c, err := x509.ParseCertificate(der)
	g.Fail(err)
	return c
}

// rawIssue signs tmpl under parent with the root key rk, bypassing the
// profile checks of devcert.Authority.Issue, for certificates the root's
// key signed but the profile refuses.
func rawIssue(g *vgen.Gen, tmpl, parent *x509.Certificate, pub suite.PublicKey, rk suite.PrivateKey) []byte {
	var raw []byte
	var err error
	if g.S.ID() == suite.GM {
		raw, err = smx509.CreateCertificate(noRead{}, tmpl, parent, pub.CryptoPublicKey(), rk.Signer())
	} else {
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA256
		raw, err = x509.CreateCertificate(noRead{}, tmpl, parent, pub.CryptoPublicKey(), rk.Signer())
	}
	g.Fail(err)
	return raw
}

// genCertificateProfile adds certificates signed by the trusted root's key
// but outside the profile, one rule each: an unknown critical extension, a
// wallet marked CA, a wallet with the root's key usage, a validity period
// that ends before it begins, an issuer whose role is not central-bank.
func genCertificateProfile(g *vgen.Gen, b *vgen.Builder, grp *Group, p *vgen.PKI, in func([]byte, int64) CertificateInput) {
	rk, alice, parent, pub, base, ok := profileKit(g, p)
	if !ok {
		return
	}
	at := vgen.GenAt.Unix()
	add := func(name, comment string, code spec.Code, tmpl, par *x509.Certificate, checks ...string) {
		raw := rawIssue(g, tmpl, par, pub, rk)
		if g.Err != nil {
			return
		}
		b.Invalid(grp, name, comment, "R1.3", code, append([]string{"PolicySigned"}, checks...), in(raw, at), g.CertSig(p.Root.Cert, raw))
	}

	crit := base(401)
	crit.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{0x05, 0x00}}}
	add("unknown-critical-extension", "signed by the root, a wallet certificate with an unknown critical extension", spec.CodeMalformed, crit, parent, "cert-critical-ext")

	ca := base(402)
	ca.IsCA = true
	add("wallet-marked-ca", "signed by the root, a wallet certificate whose basic constraints say CA", spec.CodeMalformed, ca, parent, "cert-constraints")

	ku := base(403)
	ku.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign
	add("wallet-key-usage-cert-sign", "signed by the root, a wallet certificate whose key usage adds keyCertSign", spec.CodeMalformed, ku, parent, "cert-constraints")

	rev := base(404)
	rev.NotBefore, rev.NotAfter = alice.NotAfter, alice.NotBefore
	add("validity-reversed", "signed by the root, a wallet certificate whose NotAfter is before its NotBefore", spec.CodeMalformed, rev, parent, "cert-validity-order")

	big63 := base(0)
	big63.SerialNumber = new(big.Int).Lsh(big.NewInt(1), 63)
	add("serial-2-pow-63", "signed by the root, a wallet certificate with serial 2^63, one above the range", spec.CodeMalformed, big63, parent, "cert-serial")

	names := base(406)
	names.RawSubject = nil
	names.Subject = pkix.Name{Country: []string{"CN"}, Organization: []string{"dualoffline"}, OrganizationalUnit: []string{string(devcert.RoleWallet)}, CommonName: alice.ID}
	add("subject-extra-attribute", "signed by the root, a wallet certificate whose subject adds C=CN to O, OU and CN", spec.CodeMalformed, names, parent, "cert-names")

	// The root's key and CN, but the issuer name says agent-bank.
	fake := *parent
	fake.RawSubject = nil
	fake.Subject = pkix.Name{Organization: []string{"dualoffline"}, OrganizationalUnit: []string{string(devcert.RoleAgent)}, CommonName: parent.Subject.CommonName}
	add("issuer-not-central-bank", "signed by the root's key, a wallet certificate whose issuer name has role agent-bank", spec.CodeUntrustedIssuer, base(405), &fake, "cert-issuer-role")
}

// profileKit is what the generators of certificates signed by the root's
// key share: the key, the root's certificate as a parent, wallet-alice's
// certificate and public key, and a template of her certificate under a
// given serial that each case changes one field of. ok is false once
// generation has failed.
func profileKit(g *vgen.Gen, p *vgen.PKI) (rk suite.PrivateKey, alice *devcert.Certificate, parent *x509.Certificate, pub suite.PublicKey, base func(serial int64) *x509.Certificate, ok bool) {
	rk = g.Key("pki/root")
	alice = p.Certs["wallet-alice"]
	parent, view := x509View(g, p.Root.Cert.Raw), x509View(g, alice.Raw)
	if g.Err != nil || parent == nil || view == nil {
		return nil, nil, nil, nil, nil, false
	}
	pub = p.Keys["wallet-alice"].Public()
	base = func(serial int64) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber:          big.NewInt(serial),
			RawSubject:            view.RawSubject,
			NotBefore:             alice.NotBefore,
			NotAfter:              alice.NotAfter,
			BasicConstraintsValid: true,
			SubjectKeyId:          g.S.Hash(pub.SPKI())[:20],
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		}
	}
	return rk, alice, parent, pub, base, true
}
