package vectors

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

func genCertificate(g *vgen.Gen) *vgen.Builder {
	b := vgen.NewBuilder("spec", g.ID, "certificate",
		"Device certificates (spec/devcert, X.509 v3 under the dualoffline profile).",
		"A certificate is valid when it parses under the suite (devcert.Parse) and Certificate.Verify accepts it against the root at time input.at (Unix seconds), with the revocation list input.crl when present (verified under the root by ParseRevocationList).",
		"input.root is the trusted root certificate.")
	p := g.NewPKI("pki", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}, {ID: "agent-icbc", Role: devcert.RoleAgent}, {ID: "node-01", Role: devcert.RoleNode}, {ID: "maker-01", Role: devcert.RoleMaker}})
	if g.Err != nil {
		return b
	}
	root := p.Root.Cert
	grp := b.Group("DeviceCertificateVerify", vgen.H(root.PublicKey.SPKI()))
	at := vgen.GenAt.Unix()
	in := func(c []byte, at int64) CertificateInput {
		return CertificateInput{Certificate: vgen.H(c), Root: vgen.H(root.Raw), At: at}
	}
	for _, id := range []string{"wallet-alice", "agent-icbc", "node-01", "maker-01"} {
		c := p.Certs[id]
		b.Valid(grp, "valid-"+string(c.Role), "a "+string(c.Role)+" certificate within its validity period", "R1.3", nil, in(c.Raw, at), g.CertSig(root, c.Raw))
	}
	alice := p.Certs["wallet-alice"]
	b.Valid(grp, "valid-at-not-before", "used at exactly NotBefore (inclusive)", "R1.4", []string{"Boundary", "cert-validity"}, in(alice.Raw, vgen.CertNotBefore.Unix()), g.CertSig(root, alice.Raw))
	b.Valid(grp, "valid-at-not-after", "used at exactly NotAfter (inclusive)", "R1.4", []string{"Boundary", "cert-validity"}, in(alice.Raw, vgen.CertNotAfter.Unix()), g.CertSig(root, alice.Raw))
	b.Invalid(grp, "expired", "used one second after NotAfter", "R1.4", spec.CodeCertExpired, []string{"Expired", "cert-validity"}, in(alice.Raw, vgen.CertNotAfter.Unix()+1), g.CertSig(root, alice.Raw))
	b.Invalid(grp, "not-yet-valid", "used one second before NotBefore", "R1.4", spec.CodeCertNotYetValid, []string{"NotYetValid"}, in(alice.Raw, vgen.CertNotBefore.Unix()-1), g.CertSig(root, alice.Raw))

	crl, err := p.Root.Revoke(1, vgen.GenEpoch.AddDate(0, 3, 0), vgen.GenEpoch.AddDate(0, 4, 0), alice.Serial)
	g.Fail(err)
	other, err := p.Root.Revoke(2, vgen.GenEpoch.AddDate(0, 3, 0), vgen.GenEpoch.AddDate(0, 4, 0), 999)
	g.Fail(err)
	if g.Err != nil {
		return b
	}
	withCRL := func(c []byte, l *devcert.RevocationList) CertificateInput {
		i := in(c, at)
		i.CRL = vgen.H(l.Raw)
		return i
	}
	b.Invalid(grp, "revoked", "its serial is on the root's revocation list", "R1.4", spec.CodeCertRevoked, []string{"Revoked", "cert-revoked"}, withCRL(alice.Raw, crl), g.CertSig(root, alice.Raw))
	b.Valid(grp, "valid-not-on-crl", "a revocation list that lists another serial", "R1.4", []string{"cert-revoked"}, withCRL(alice.Raw, other), g.CertSig(root, alice.Raw))

	rogue := g.NewPKI("rogue", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}})
	if g.Err != nil {
		return b
	}
	rc := rogue.Certs["wallet-alice"]
	b.Invalid(grp, "foreign-root", "issued by a rogue root that has the trusted root's name", "R1.3", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "cert-issuer"}, in(rc.Raw, at), g.CertSig(root, rc.Raw))
	rogueCRL, err := rogue.Root.Revoke(1, vgen.GenEpoch.AddDate(0, 3, 0), vgen.GenEpoch.AddDate(0, 4, 0), 999)
	g.Fail(err)
	if g.Err != nil {
		return b
	}
	b.Invalid(grp, "crl-of-foreign-root", "a valid certificate with a revocation list signed by a rogue root of the same name", "R1.4", spec.CodeUntrustedIssuer, []string{"ForeignRoot", "crl-issuer"}, withCRL(alice.Raw, rogueCRL), g.CertSig(root, rogueCRL.Raw))

	flipped := append([]byte{}, alice.Raw...)
	flipped[len(flipped)-5] ^= 0x01 // inside the signature's s
	b.Invalid(grp, "signature-bit-flipped", "one bit of the root's signature flipped", "R1.3", spec.CodeUntrustedIssuer, []string{"ModifiedSignature", "cert-issuer"}, in(flipped, at), g.CertSig(root, flipped))

	og := &vgen.Gen{S: g.Other(), ID: string(g.Other().ID())}
	op := og.NewPKI("pki", []vgen.DevSpec{{ID: "wallet-alice", Role: devcert.RoleWallet}})
	g.Fail(og.Err)
	if g.Err != nil {
		return b
	}
	b.Invalid(grp, "other-suite", "a certificate of the other suite", "R1.3", spec.CodeWrongSuite, []string{"WrongSuite"}, in(op.Certs["wallet-alice"].Raw, at), nil)

	raw := alice.Raw
	b.Invalid(grp, "truncated-1", "the last byte removed", "R1.1", spec.CodeMalformed, []string{"Truncated"}, in(raw[:len(raw)-1], at), nil)
	b.Invalid(grp, "trailing-zero", "a 0x00 byte appended", "R1.1", spec.CodeMalformed, []string{"TrailingData"}, in(append(append([]byte{}, raw...), 0), at), nil)
	b.Invalid(grp, "empty", "no bytes", "R1.1", spec.CodeMalformed, []string{"Empty"}, in(nil, at), nil)
	genCertificateChecks(g, b, grp, p, in)
	genCertificateProfile(g, b, grp, p, in)
	genCertificatePins(g, b, grp, p, in)
	cut := withCRL(alice.Raw, other)
	cut.CRL = vgen.H(other.Raw[:len(other.Raw)-1])
	b.Invalid(grp, "crl-truncated", "a valid certificate with a revocation list whose last byte is removed", "R1.4", spec.CodeMalformed, []string{"Truncated"}, cut, nil)
	return b
}
