package models

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Lookup is the transfer.Certs every wallet model verifies lineages with:
// a signer's id resolves to the first certificate the sources hold for
// it, accepted by check (root, clock, revocation list); an unknown id is
// untrusted-issuer ([check: holding-signer-cert]). Without that check the
// certificate is returned unchecked, nil when unknown.
func Lookup(check func(*devcert.Certificate) error, sources ...map[string]*devcert.Certificate) transfer.Certs {
	return func(id string) (*devcert.Certificate, error) {
		var c *devcert.Certificate
		for _, m := range sources {
			if c = m[id]; c != nil {
				break
			}
		}
		if !spec.Makes("holding-signer-cert") {
			return c, nil
		}
		if c == nil {
			return nil, spec.Errorf(spec.CodeUntrustedIssuer, "no certificate for device %q", id)
		}
		if err := check(c); err != nil {
			return nil, err
		}
		return c, nil
	}
}
