package cert

import (
	"bytes"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// The stateless checks of the payment messages, each made in one place:
// the SIM's endpoints (protocol.go) and the conformance vectors (package
// vectors, which decide a message with the session state given in the
// input) both call them, so that removing a check (spec.Without) removes
// it from both.

// CheckPeer checks the identity a counterpart presents in a HELLO: a
// wallet certificate that checkCert accepts (root, clock, revocation
// list), naming id, certifying the key spki, and not the receiver self's
// ([check: cert-peer]; the certificate must parse even without it).
func CheckPeer(s suite.Suite, raw, spki []byte, id, self string, checkCert func(*devcert.Certificate) error) (*devcert.Certificate, error) {
	c, err := devcert.Parse(s, raw)
	if err != nil {
		return nil, err
	}
	if !spec.Makes("cert-peer") {
		return c, nil
	}
	if c.Role != devcert.RoleWallet {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "counterpart certificate has role %q", c.Role)
	}
	if err := checkCert(c); err != nil {
		return nil, err
	}
	if c.ID != id {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "counterpart presents id %q with the certificate of %q", id, c.ID)
	}
	k, err := s.ParsePublicKey(spki)
	if err != nil {
		return nil, err
	}
	if !k.Equal(c.PublicKey) {
		return nil, spec.Errorf(spec.CodeUntrustedIssuer, "counterpart %q presents a key its certificate does not certify", id)
	}
	if c.ID == self {
		return nil, spec.Errorf(spec.CodeWrongRecipient, "the counterpart is this wallet")
	}
	return c, nil
}

// CheckPayeeBound makes the payee's first checks of a message it
// receives for its open request: the request's nonce ([check: cert-nonce]),
// addressed to it ([check: cert-payee]), and in turn ([check: cert-turn]).
func CheckPayeeBound(tag uint8, nonce, request []byte, payee, self string, inTurn bool) error {
	if !bytes.Equal(nonce, request) && spec.Makes("cert-nonce") {
		return spec.Errorf(spec.CodeReplay, "%s answers another request", typeNames[tag])
	}
	if payee != self && spec.Makes("cert-payee") {
		return spec.Errorf(spec.CodeWrongRecipient, "%s addressed to payee %q", typeNames[tag], payee)
	}
	if !inTurn && spec.Makes("cert-turn") {
		return spec.Errorf(spec.CodeReplay, "%s out of turn", typeNames[tag])
	}
	return nil
}

// CheckTx makes the payee's checks of a TX before its signature: signed
// for the payer of the session ([check: cert-payer-match]) and for the
// amount requested ([check: cert-amount]).
func CheckTx(payer string, amount int64, sessPayer string, sessAmount int64) error {
	if payer != sessPayer && spec.Makes("cert-payer-match") {
		return spec.Errorf(spec.CodeWrongRecipient, "TX signed for %q, the payer is %q", payer, sessPayer)
	}
	if amount != sessAmount && spec.Makes("cert-amount") {
		return spec.Errorf(spec.CodeValueMismatch, "TX for %d fen, the request was %d", amount, sessAmount)
	}
	return nil
}

// CheckDeducted makes the payee's checks of a DEDUCTED before its
// signature: from the session's payer ([check: cert-payer-match]) and
// naming the records the payee was paid with ([check: cert-digest]).
func CheckDeducted(payer string, digest []byte, sessPayer string, sessDigest []byte) error {
	return checkDeduction("DEDUCTED", "cert-payer-match", payer, digest, sessPayer, sessDigest)
}

// CheckProceed makes the payer's checks of a PROCEED after its signature:
// it names this payer and the session's payee ([check: cert-payer-side])
// and the amount requested ([check: cert-amount]).
func CheckProceed(payer, payee string, amount int64, self, sessPayee string, sessAmount int64) error {
	if (payer != self || payee != sessPayee) && spec.Makes("cert-payer-side") {
		return spec.Errorf(spec.CodeWrongRecipient, "PROCEED names payer %q and payee %q", payer, payee)
	}
	if amount != sessAmount && spec.Makes("cert-amount") {
		return spec.Errorf(spec.CodeValueMismatch, "PROCEED for %d fen, the request was %d", amount, sessAmount)
	}
	return nil
}

// CheckDeductAddressed is the payer's first check of a DEDUCT: addressed
// to it ([check: cert-payer-side]).
func CheckDeductAddressed(payer, self string) error {
	if payer != self && spec.Makes("cert-payer-side") {
		return spec.Errorf(spec.CodeWrongRecipient, "DEDUCT addressed to payer %q", payer)
	}
	return nil
}

// CheckDeduct makes the payer's checks of a DEDUCT after its signature:
// from the payee it paid ([check: cert-payer-side]) and naming the records
// it logged ([check: cert-digest]).
func CheckDeduct(payee string, digest []byte, logPayee string, logDigest []byte) error {
	return checkDeduction("DEDUCT", "cert-payer-side", payee, digest, logPayee, logDigest)
}

// checkDeduction: the counterpart a deduction message names is the
// session's (check), and so are the records it names (cert-digest).
func checkDeduction(what, check, party string, digest []byte, want string, wantDigest []byte) error {
	if party != want && spec.Makes(check) {
		return spec.Errorf(spec.CodeWrongRecipient, "%s names %q, the payment's counterpart is %q", what, party, want)
	}
	if !bytes.Equal(digest, wantDigest) && spec.Makes("cert-digest") {
		return spec.Errorf(spec.CodeValueMismatch, "%s names other records than this payment's", what)
	}
	return nil
}

// OpenCoin opens a sealed coin with the holder's HSM and checks the coin
// inside under the issuer key ([check: sealed-coin]): a sealed coin is
// accepted only when its plaintext is a coin that passes Check.
func OpenCoin(hsm *coin.HSM, sealed *coin.Sealed, issuer suite.PublicKey) (*coin.Signed, error) {
	c, err := hsm.Open(sealed)
	if err != nil {
		return nil, err
	}
	if spec.Makes("sealed-coin") {
		if err := c.Check(issuer); err != nil {
			return nil, err
		}
	}
	return c, nil
}
