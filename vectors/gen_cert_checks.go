package vectors

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// genCertificateChecks adds the certificate cases for Verify's trust anchor
// and the root's own validity: a device certificate offered as the root,
// and a device certificate that outlives its root, used after the root
// expired and before it began.
func genCertificateChecks(g *vgen.Gen, b *vgen.Builder, grp *Group, p *vgen.PKI, in func([]byte, int64) CertificateInput) {
	alice, agent := p.Certs["wallet-alice"], p.Certs["agent-icbc"]
	anchor := in(alice.Raw, vgen.GenAt.Unix())
	anchor.Root = vgen.H(agent.Raw)
	b.Invalid(grp, "root-not-a-ca", "a valid wallet certificate checked against the agent bank's certificate as root", "R1.3", spec.CodeUntrustedIssuer,
		[]string{"WrongRole"}, anchor, nil)

	rootNB, rootNA := p.Root.Cert.NotBefore, p.Root.Cert.NotAfter
	long := g.Issue(p.Root, "wallet-long", devcert.RoleWallet, 300, p.Keys["wallet-alice"].Public(), rootNB.AddDate(-1, 0, 0), rootNA.AddDate(1, 0, 0))
	if g.Err != nil {
		return
	}
	b.Invalid(grp, "root-expired", "a certificate valid until a year after its root, used one second after the root's NotAfter", "R1.4", spec.CodeCertExpired,
		[]string{"Expired", "cert-root-validity"}, in(long.Raw, rootNA.Unix()+1), g.CertSig(p.Root.Cert, long.Raw))
	b.Invalid(grp, "root-not-yet-valid", "a certificate valid from a year before its root, used one second before the root's NotBefore", "R1.4", spec.CodeCertNotYetValid,
		[]string{"NotYetValid", "cert-root-validity"}, in(long.Raw, rootNB.Unix()-1), g.CertSig(p.Root.Cert, long.Raw))
}
