package vectors

import (
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// RootID is the CN of the vectors' trusted root.
const RootID = "central-bank"

// pki is the certificate material of one suite.
type pki struct {
	root  *devcert.Authority
	keys  map[string]suite.PrivateKey
	certs map[string]*devcert.Certificate
}

var (
	certNotBefore = genEpoch
	certNotAfter  = genEpoch.AddDate(2, 0, 0)
)

// newPKI makes the root and, for each id, a key and a certificate of the
// given role, all valid from genEpoch for two years.
func (g *gen) newPKI(label string, devices []devSpec) *pki {
	p := &pki{keys: map[string]suite.PrivateKey{}, certs: map[string]*devcert.Certificate{}}
	rk := g.key(label + "/root")
	if g.err != nil {
		return p
	}
	var err error
	p.root, err = devcert.NewRoot(g.s, rk, RootID, 1, genEpoch, genEpoch.AddDate(10, 0, 0))
	g.fail(err)
	for i, d := range devices {
		k := g.key(label + "/" + d.id)
		if g.err != nil {
			return p
		}
		p.keys[d.id] = k
		p.certs[d.id] = g.issue(p.root, d.id, d.role, uint64(100+i), k.Public(), certNotBefore, certNotAfter)
	}
	return p
}

type devSpec struct {
	id   string
	role devcert.Role
}

func (g *gen) issue(a *devcert.Authority, id string, role devcert.Role, serial uint64, pub suite.PublicKey, nb, na time.Time) *devcert.Certificate {
	if g.err != nil || a == nil {
		return &devcert.Certificate{}
	}
	c, err := a.Issue(devcert.Template{Serial: serial, ID: id, Role: role, PublicKey: pub, NotBefore: nb, NotAfter: na})
	g.fail(err)
	if c == nil {
		return &devcert.Certificate{}
	}
	return c
}

// certSig exposes the root's signature over a certificate or CRL.
func (g *gen) certSig(root *devcert.Certificate, der []byte) *Signature {
	tbs, sig, ok := x509Parts(der)
	if !ok {
		return nil
	}
	return sigObj(g.s, root.PublicKey, tbs, sig)
}

func genCertificate(g *gen) *builder {
	b := newBuilder("spec", g.id, "certificate",
		"Device certificates (spec/devcert, X.509 v3 under the dualoffline profile).",
		"A certificate is valid when it parses under the suite (devcert.Parse) and Certificate.Verify accepts it against the root at time input.at (Unix seconds), with the revocation list input.crl when present (verified under the root by ParseRevocationList).",
		"input.root is the trusted root certificate.")
	p := g.newPKI("pki", []devSpec{{"wallet-alice", devcert.RoleWallet}, {"agent-icbc", devcert.RoleAgent}, {"node-01", devcert.RoleNode}, {"maker-01", devcert.RoleMaker}})
	if g.err != nil {
		return b
	}
	root := p.root.Cert
	grp := b.group("DeviceCertificateVerify", h(root.PublicKey.SPKI()))
	at := genAt.Unix()
	in := func(c []byte, at int64) CertificateInput {
		return CertificateInput{Certificate: h(c), Root: h(root.Raw), At: at}
	}
	for _, id := range []string{"wallet-alice", "agent-icbc", "node-01", "maker-01"} {
		c := p.certs[id]
		b.valid(grp, "valid-"+string(c.Role), "a "+string(c.Role)+" certificate within its validity period", "R1.3", nil, in(c.Raw, at), g.certSig(root, c.Raw))
	}
	alice := p.certs["wallet-alice"]
	b.valid(grp, "valid-at-not-before", "used at exactly NotBefore (inclusive)", "R1.4", []string{"Boundary", "cert-validity"}, in(alice.Raw, certNotBefore.Unix()), g.certSig(root, alice.Raw))
	b.valid(grp, "valid-at-not-after", "used at exactly NotAfter (inclusive)", "R1.4", []string{"Boundary", "cert-validity"}, in(alice.Raw, certNotAfter.Unix()), g.certSig(root, alice.Raw))
	b.invalid(grp, "expired", "used one second after NotAfter", "R1.4", spec.CodeCertExpired, []string{"Expired", "cert-validity"}, in(alice.Raw, certNotAfter.Unix()+1), g.certSig(root, alice.Raw))
	b.invalid(grp, "not-yet-valid", "used one second before NotBefore", "R1.4", spec.CodeCertNotYetValid, []string{"NotYetValid"}, in(alice.Raw, certNotBefore.Unix()-1), g.certSig(root, alice.Raw))

	crl, err := p.root.Revoke(1, genEpoch.AddDate(0, 3, 0), genEpoch.AddDate(0, 4, 0), alice.Serial)
	g.fail(err)
	other, err := p.root.Revoke(2, genEpoch.AddDate(0, 3, 0), genEpoch.AddDate(0, 4, 0), 999)
	g.fail(err)
	if g.err != nil {
		return b
	}
	withCRL := func(c []byte, l *devcert.RevocationList) CertificateInput {
		i := in(c, at)
		i.CRL = h(l.Raw)
		return i
	}
	b.invalid(grp, "revoked", "its serial is on the root's revocation list", "R1.4", spec.CodeCertRevoked, []string{"Revoked", "cert-revoked"}, withCRL(alice.Raw, crl), g.certSig(root, alice.Raw))
	b.valid(grp, "valid-not-on-crl", "a revocation list that lists another serial", "R1.4", []string{"cert-revoked"}, withCRL(alice.Raw, other), g.certSig(root, alice.Raw))

	rogue := g.newPKI("rogue", []devSpec{{"wallet-alice", devcert.RoleWallet}})
	if g.err != nil {
		return b
	}
	rc := rogue.certs["wallet-alice"]
	b.invalid(grp, "foreign-root", "issued by a rogue root that has the trusted root's name", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "cert-issuer"}, in(rc.Raw, at), g.certSig(root, rc.Raw))
	rogueCRL, err := rogue.root.Revoke(1, genEpoch.AddDate(0, 3, 0), genEpoch.AddDate(0, 4, 0), 999)
	g.fail(err)
	if g.err != nil {
		return b
	}
	b.invalid(grp, "crl-of-foreign-root", "a valid certificate with a revocation list signed by a rogue root of the same name", "R1.4", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "crl-issuer"}, withCRL(alice.Raw, rogueCRL), g.certSig(root, rogueCRL.Raw))

	flipped := append([]byte{}, alice.Raw...)
	flipped[len(flipped)-5] ^= 0x01 // inside the signature's s
	b.invalid(grp, "signature-bit-flipped", "one bit of the root's signature flipped", "R1.3", spec.CodeUntrustedIssuer, []string{"ModifiedSignature", "cert-issuer"}, in(flipped, at), g.certSig(root, flipped))

	og := &gen{s: g.other(), id: string(g.other().ID())}
	op := og.newPKI("pki", []devSpec{{"wallet-alice", devcert.RoleWallet}})
	g.fail(og.err)
	if g.err != nil {
		return b
	}
	b.invalid(grp, "other-suite", "a certificate of the other suite", "R1.3", spec.CodeWrongSuite, []string{"WrongSuite"}, in(op.certs["wallet-alice"].Raw, at), nil)

	raw := alice.Raw
	b.invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(raw[:len(raw)-1], at), nil)
	b.invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData"}, in(append(append([]byte{}, raw...), 0), at), nil)
	b.invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil, at), nil)
	genCertificateChecks(g, b, grp, p, in)
	genCertificateProfile(g, b, grp, p, in)
	genCertificatePins(g, b, grp, p, in)
	cut := withCRL(alice.Raw, other)
	cut.CRL = h(other.Raw[:len(other.Raw)-1])
	b.invalid(grp, "crl-truncated", "a valid certificate with a revocation list whose last byte is removed", "R1.4", spec.CodeMalformed, []string{"Truncated"}, cut, nil)
	return b
}
