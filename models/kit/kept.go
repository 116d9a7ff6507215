package kit

import (
	"fmt"

	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// KeptCertificates provisions into extra (store keys, PrefCert) the
// earlier holders' certificates a vector input gives an element, its
// member holderCertificates: each must parse under s, be a wallet's, not
// the element's own (self), and name its id once; noun names the element
// ("wallet", "card") in the errors. A hex decoding error is left in u for
// the caller, as u.B leaves it.
func KeptCertificates(u *vgen.Unhexer, s suite.Suite, hexes []string, self, noun string, extra map[string][]byte) error {
	for i, hx := range hexes {
		cb := u.B(fmt.Sprintf("holderCertificates[%d]", i), hx)
		if u.Err != nil {
			return nil
		}
		c, err := devcert.Parse(s, cb)
		if err != nil {
			return fmt.Errorf("holderCertificates[%d]: %v", i, err)
		}
		k := PrefCert + c.ID
		switch {
		case c.Role != devcert.RoleWallet:
			return fmt.Errorf("holderCertificates[%d] has role %s: a %s keeps only wallet certificates", i, c.Role, noun)
		case c.ID == self:
			return fmt.Errorf("holderCertificates[%d] is the %s's own", i, noun)
		case extra[k] != nil:
			return fmt.Errorf("holderCertificates[%d]: a second certificate of %q", i, c.ID)
		}
		extra[k] = cb
	}
	return nil
}
