package pseudocoin

import (
	"time"

	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// anchors is what a secure element trusts besides its own keys: the
// material its agent bank loads at provisioning (and refreshes, the
// revocation list, at each online operation). The model's own elements
// read it live off the central bank and the desk (Instance.anchors nil);
// a served element (Host) holds its copy, and its clock reading is the
// one the harness passes with the operation.
type anchors struct {
	root  *devcert.Certificate
	crl   *devcert.RevocationList
	trace suite.PublicKey // the central bank's trace key: escrows are sealed to it
	desk  suite.PublicKey // the desk's bundle key
	seal  suite.PublicKey // the desk's opening key: uploads and mint requests are sealed to it
	now   time.Time
}

// root is the central bank's root certificate as the element knows it.
func (in *Instance) root() *devcert.Certificate {
	if in.anchors != nil {
		return in.anchors.root
	}
	return in.cb.Root()
}

// crl is the revocation list as the element knows it.
func (in *Instance) crl() *devcert.RevocationList {
	if in.anchors != nil {
		return in.anchors.crl
	}
	return in.cb.CRL()
}

// traceKey is the key escrows are sealed to.
func (in *Instance) traceKey() suite.PublicKey {
	if in.anchors != nil {
		return in.anchors.trace
	}
	return in.cb.TraceKey()
}

// deskSealKey is the key uploads and mint requests are sealed to.
func (in *Instance) deskSealKey() suite.PublicKey {
	if in.anchors != nil {
		return in.anchors.seal
	}
	return in.desk.sealKey.Public()
}

// now is the element's clock reading.
func (in *Instance) now() time.Time {
	if in.anchors != nil {
		return in.anchors.now
	}
	return in.w.Now()
}

// elementVerifier checks what a payee is paid with: against the desk's
// public key (and, for the model's own elements, its mint book).
func (in *Instance) elementVerifier() verifier {
	if in.anchors != nil {
		return verifier{s: in.s, desk: in.anchors.desk}
	}
	return in.desk.verifier()
}
