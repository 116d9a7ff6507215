package suite

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509/pkix"
	"encoding/asn1"
)

// lenientKey reads a SubjectPublicKeyInfo as a reader without the
// key-parse check does (spec.Makes): whatever the algorithm identifier
// says, the point is taken on curve, compressed or not; nil when it is not
// a point of curve.
func lenientKey(der []byte, curve elliptic.Curve) *ecdsa.PublicKey {
	var v struct {
		Algorithm pkix.AlgorithmIdentifier
		Key       asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &v); err != nil {
		return nil
	}
	pt := v.Key.Bytes
	x, y := elliptic.Unmarshal(curve, pt) //nolint:staticcheck // a lenient reader's decoding
	if x == nil {
		x, y = elliptic.UnmarshalCompressed(curve, pt)
	}
	if x == nil {
		return nil
	}
	return &ecdsa.PublicKey{Curve: curve, X: x, Y: y}
}
