package bank

import (
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// CertifyPseudonym issues a device certificate whose subject is pseudonym
// (a name that carries nothing of the holder) and records, in the central
// bank's register only, that it belongs to holder: the register is what
// lets the issuer trace (R3.4) and name double spenders by their
// registered identity while merchants and agent banks see the pseudonym.
func (cb *CentralBank) CertifyPseudonym(holder, pseudonym string, role devcert.Role, pub suite.PublicKey) (*devcert.Certificate, error) {
	c, err := cb.Certify(pseudonym, role, pub)
	if err != nil {
		return nil, err
	}
	if cb.holders == nil {
		cb.holders = map[string]string{}
	}
	cb.holders[pseudonym] = holder
	return c, nil
}

// HolderOf returns the registered holder behind a certificate id: the
// holder CertifyPseudonym recorded, or id itself when it is not a
// pseudonym.
func (cb *CentralBank) HolderOf(id string) string {
	if h, ok := cb.holders[id]; ok {
		return h
	}
	return id
}

// certOf returns the certificate id Revoke acts on for id: id itself if
// the bank certified it, else the pseudonym registered for holder id.
func (cb *CentralBank) certOf(id string) string {
	if _, ok := cb.certs[id]; ok {
		return id
	}
	for p, h := range cb.holders {
		if h == id {
			return p
		}
	}
	return id
}
