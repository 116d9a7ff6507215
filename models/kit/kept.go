package kit

import (
	"fmt"
	"time"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
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

// PayerTrust is what a payer element trusts and keeps as a vector input
// gives it, hex as in the files: the root, its revocation list, the
// issuer's coin key, the agents' certificates and the certificates of
// earlier holders it keeps (KeptCertificates). A scheme's input types
// embed it, so its members are theirs on the wire, in this order.
type PayerTrust struct {
	Root            string   `json:"root"`
	CRL             string   `json:"crl"`
	IssuerPublicKey string   `json:"issuerPublicKey"`
	Certificates    []string `json:"certificates"` // the agents' certificates the element is provisioned with
	// HolderCertificates are the wallet certificates of earlier holders
	// the element keeps (from the payments it received): none its own,
	// no id twice.
	HolderCertificates []string `json:"holderCertificates"`
}

// PayerElement is a payer element as a vector input gives it, hex as in
// the files: its id, its private key (the suite's private scalar) and
// its certificate, what it trusts and keeps, the coins it holds (Holding
// DER each) and its clock (Unix seconds).
type PayerElement struct {
	ID, Key, Cert string
	PayerTrust
	Holdings []string
	At       int64
}

// PayerDevice provisions a fresh element in a world of its own from p
// (PayeeDevice), its store holding p's coins, the certificates it keeps
// and extra besides; noun ("wallet", "card") names p's fields in errors
// (noun, nounKey, nounCertificate). The key must be the private key of
// the certificate, whose id is p.ID. A field that does not decode or
// parse is an input error, the first hex error in u (the caller's own
// fields first) before any other.
func PayerDevice(u *vgen.Unhexer, s suite.Suite, noun string, p PayerElement, extra map[string][]byte) (*world.World, *world.Device, error) {
	id := string(u.B(noun, p.ID))
	key, cert := u.B(noun+"Key", p.Key), u.B(noun+"Certificate", p.Cert)
	root, crl, coinKey := u.B("root", p.Root), u.B("crl", p.CRL), u.B("issuerPublicKey", p.IssuerPublicKey)
	var agents [][]byte
	for i, a := range p.Certificates {
		agents = append(agents, u.B(fmt.Sprintf("certificates[%d]", i), a))
	}
	for i, hx := range p.Holdings {
		hb := u.B(fmt.Sprintf("holdings[%d]", i), hx)
		if u.Err != nil {
			break
		}
		h, err := transfer.ParseHolding(hb)
		if err != nil {
			return nil, nil, fmt.Errorf("holdings[%d]: %v", i, err)
		}
		extra[PrefCoin+CoinKey(h)] = hb
	}
	if err := KeptCertificates(u, s, p.HolderCertificates, id, noun, extra); err != nil {
		return nil, nil, err
	}
	if u.Err != nil {
		return nil, nil, u.Err
	}
	c, err := devcert.Parse(s, cert)
	if err != nil {
		return nil, nil, fmt.Errorf("%sCertificate: %v", noun, err)
	}
	if c.ID != id {
		return nil, nil, fmt.Errorf("%s %q is not the id of %sCertificate (%q)", noun, id, noun, c.ID)
	}
	k, err := suite.PrivateKeyFromBytes(s, key)
	if err != nil {
		return nil, nil, fmt.Errorf("%sKey: %v", noun, err)
	}
	if !k.Public().Equal(c.PublicKey) {
		return nil, nil, fmt.Errorf("%sKey is not the private key of %sCertificate", noun, noun)
	}
	return PayeeDevice(PayeeProvision{Suite: s, ID: id, Key: key, Cert: cert, Root: root, CRL: crl, CoinKey: coinKey, Agents: agents, At: time.Unix(p.At, 0).UTC()}, extra)
}
