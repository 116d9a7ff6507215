package vgen

import (
	"time"

	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// RootID is the CN of the vectors' trusted root.
const RootID = "central-bank"

// PKI is the certificate material of one suite.
type PKI struct {
	Root  *devcert.Authority
	Keys  map[string]suite.PrivateKey
	Certs map[string]*devcert.Certificate
}

// CertNotBefore and CertNotAfter bound the validity of the devices'
// certificates.
var (
	CertNotBefore = GenEpoch
	CertNotAfter  = GenEpoch.AddDate(2, 0, 0)
)

// NewPKI makes the root and, for each id, a key and a certificate of the
// given role, all valid from genEpoch for two years.
func (g *Gen) NewPKI(label string, devices []DevSpec) *PKI {
	p := &PKI{Keys: map[string]suite.PrivateKey{}, Certs: map[string]*devcert.Certificate{}}
	rk := g.Key(label + "/root")
	if g.Err != nil {
		return p
	}
	var err error
	p.Root, err = devcert.NewRoot(g.S, rk, RootID, 1, GenEpoch, GenEpoch.AddDate(10, 0, 0))
	g.Fail(err)
	for i, d := range devices {
		k := g.Key(label + "/" + d.ID)
		if g.Err != nil {
			return p
		}
		p.Keys[d.ID] = k
		p.Certs[d.ID] = g.Issue(p.Root, d.ID, d.Role, uint64(100+i), k.Public(), CertNotBefore, CertNotAfter)
	}
	return p
}

// DevSpec names a device of a PKI and the role its certificate grants.
type DevSpec struct {
	ID   string
	Role devcert.Role
}

// Issue certifies pub as id in role under a, valid from nb to na.
func (g *Gen) Issue(a *devcert.Authority, id string, role devcert.Role, serial uint64, pub suite.PublicKey, nb, na time.Time) *devcert.Certificate {
	if g.Err != nil || a == nil {
		return &devcert.Certificate{}
	}
	c, err := a.Issue(devcert.Template{Serial: serial, ID: id, Role: role, PublicKey: pub, NotBefore: nb, NotAfter: na})
	g.Fail(err)
	if c == nil {
		return &devcert.Certificate{}
	}
	return c
}

// CertSig exposes the root's signature over a certificate or CRL.
func (g *Gen) CertSig(root *devcert.Certificate, der []byte) *Signature {
	tbs, sig, ok := X509Parts(der)
	if !ok {
		return nil
	}
	return SigObj(g.S, root.PublicKey, tbs, sig)
}
