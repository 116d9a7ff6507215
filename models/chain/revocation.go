package chain

import (
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/spec"
)

// revocationTime returns the Unix time from which the master nodes hold
// the wallet certificate serial revoked: the thisUpdate of the first
// revocation list of the central bank that named it, as the nodes read
// the lists. ok is false while no list names it.
func (bb *backbone) revocationTime(serial uint64) (at int64, ok bool) {
	bb.readRevocations()
	at, ok = bb.revokedAt[serial]
	return at, ok
}

// readRevocations reads the central bank's current list if it is new. The
// nodes read it at every upload and before every payment (Instance.Pay),
// so a serial is dated by the first list naming it that was current when
// a payment could have been made.
func (bb *backbone) readRevocations() {
	crl := bb.crl()
	if crl == nil || crl.Number == bb.crlNumber {
		return
	}
	bb.crlNumber = crl.Number
	for _, s := range slices.Sorted(maps.Keys(bb.dir.bySerial)) {
		if _, seen := bb.revokedAt[s]; !seen && crl.Revoked(s) {
			bb.revokedAt[s] = crl.ThisUpdate.Unix()
		}
	}
}

// checkRevocation refuses with cert-revoked a payment whose payer's
// certificate was revoked before the payment was made: a payee that held
// the revocation list refused it offline (R1.4), so the chain must not
// settle it on the payer's upload. A payment made before the revocation
// stands (history is not undone), and so does a deposit (a payment to a
// bank's redemption address, made online to the payer's own bank).
//
// When a payment was made is what its payee signed: the payer dates its
// payment by its own clock, and a revoked payer may set that clock back.
// So a revoked payer's payment stands only with the payee's receipt
// dated before the revocation; dated before it by the payer alone, it
// waits for that receipt (an honest payee that accepted it uploads one;
// one that refused it never does), and dated after it, it is refused.
func (bb *backbone) checkRevocation(c *checked) error {
	p := c.tx.Payment
	if p == nil || bb.redeem[p.Payee] || bb.mutated("node-ignores-revocation") || bb.passedBefore(c.cert.Serial) {
		return nil
	}
	at, ok := bb.revocationTime(c.cert.Serial)
	switch {
	case !ok:
		bb.notePassed(c.cert.Serial)
		return nil
	case bb.mutated("node-dates-by-payer-clock"):
		if p.Time >= at {
			return spec.Errorf(spec.CodeCertRevoked, "payer certificate %d was revoked at %d, before the payment's time %d", c.cert.Serial, at, p.Time)
		}
		return nil
	case c.tx.Receipt != nil && c.tx.Receipt.Time < at:
		return nil
	case c.tx.Receipt != nil:
		return spec.Errorf(spec.CodeCertRevoked, "payer certificate %d was revoked at %d, before the payee's receipt at %d", c.cert.Serial, at, c.tx.Receipt.Time)
	case p.Time >= at:
		return spec.Errorf(spec.CodeCertRevoked, "payer certificate %d was revoked at %d, before the payment's time %d", c.cert.Serial, at, p.Time)
	}
	return waitingError{spec.Errorf(spec.CodeCertRevoked, "payer certificate %d was revoked at %d; its payment dated %d by the payer alone waits for the payee's receipt", c.cert.Serial, at, p.Time)}
}
