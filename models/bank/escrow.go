package bank

import (
	"io"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// escrowInfo is the context bound into every escrow envelope.
var escrowInfo = []byte("dualoffline/identity-escrow/v1")

// Escrow seals a payer's identity to the central bank's trace key (R3,
// controllable anonymity): merchants and agent banks see only an opaque,
// freshly randomised envelope, and only the central bank can open it. Each
// call draws new randomness from r, so two escrows of one identity are
// unlinkable.
func Escrow(traceKey suite.PublicKey, r io.Reader, identity string) ([]byte, error) {
	if identity == "" || len(identity) > 255 {
		return nil, spec.Errorf(spec.CodeMalformed, "identity of %d bytes", len(identity))
	}
	return traceKey.Seal(r, []byte(identity), escrowInfo)
}

// Trace opens an escrow envelope: the central bank recovers the identity
// behind a payment. Anything else is bad-seal.
func (cb *CentralBank) Trace(envelope []byte) (string, error) {
	id, err := cb.OpenEscrow(envelope)
	if err != nil {
		return "", err
	}
	cb.w.Trace().Note(CentralBankID, "traced an escrowed identity")
	return id, nil
}

// OpenEscrow is Trace without the trace line: for a check that reads an
// envelope as the bank would and must change nothing, not even the
// record of what the central bank traced (R5.4's receipts).
func (cb *CentralBank) OpenEscrow(envelope []byte) (string, error) {
	id, err := cb.traceKey.Open(envelope, escrowInfo)
	if err != nil {
		return "", err
	}
	return string(id), nil
}
