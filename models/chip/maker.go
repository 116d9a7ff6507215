package chip

import (
	"time"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Qualified makers (SOURCES.md P7): the maker that produced a card
// attests the key generated on it, and the central bank certifies a card
// key only under a valid attestation by a maker it certified, so a card
// key in circulation is one a qualified maker produced.

// madeTBS is what a maker signs to attest that a card key was generated
// on a card it produced.
func madeTBS(pub suite.PublicKey) []byte {
	return append([]byte("dualoffline/chip/made/v1\x00"), pub.SPKI()...)
}

// manufacture is the maker's attestation of pub, a key generated on the
// card it produced for wallet id.
func (in *Instance) manufacture(id world.PartyID, pub suite.PublicKey) ([]byte, error) {
	sig, err := in.makerKey.Sign(madeTBS(pub))
	if err != nil {
		return nil, err
	}
	in.w.Trace().Note(id, "manufactured by %s; key generated on card and attested", MakerID)
	return sig, nil
}

// checkMade is the central bank's check before it certifies a card key:
// maker is a maker certificate in good standing under the root, and made
// is its attestation of pub.
func checkMade(root *devcert.Certificate, crl *devcert.RevocationList, now time.Time, maker *devcert.Certificate, pub suite.PublicKey, made []byte) error {
	if maker == nil || maker.Role != devcert.RoleMaker {
		return spec.Errorf(spec.CodeUntrustedIssuer, "the card's key is attested by no qualified maker")
	}
	if err := maker.Verify(root, now, crl); err != nil {
		return err
	}
	if err := maker.PublicKey.Verify(madeTBS(pub), made); err != nil {
		return spec.Errorf(spec.CodeBadSignature, "the maker's attestation of the card key does not verify: %v", err)
	}
	return nil
}
