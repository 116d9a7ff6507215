package suite

import (
	"crypto/elliptic"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
)

// ECDSA signatures are malleable: if (r, s) verifies, so does (r, n−s).
// INTL signs with the low s (s ≤ n/2, as Bitcoin's BIP 62 does) so that
// what this module produces has one encoding, but Verify accepts both, as
// every standard verifier (and signer: OpenSSL emits high s half the time)
// does. Signed objects are therefore identified by what was signed (their
// TBS bytes), never by the bytes of their signature.

var (
	p256N     = elliptic.P256().Params().N
	p256HalfN = new(big.Int).Rsh(p256N, 1)
)

func parseRS(sig []byte) (r, s *big.Int, ok bool) {
	r, s = new(big.Int), new(big.Int)
	in := cryptobyte.String(sig)
	var inner cryptobyte.String
	if !in.ReadASN1(&inner, asn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
		return nil, nil, false
	}
	return r, s, true
}

// LowS reports whether an INTL signature is in the canonical low-s form.
func LowS(sig []byte) bool {
	_, s, ok := parseRS(sig)
	return ok && s.Sign() > 0 && s.Cmp(p256HalfN) <= 0
}

func normalizeS(sig []byte) ([]byte, error) {
	r, s, ok := parseRS(sig)
	if !ok {
		return nil, spec.Errorf(spec.CodeInternal, "ECDSA produced an unparsable signature")
	}
	if s.Cmp(p256HalfN) <= 0 {
		return sig, nil
	}
	s.Sub(p256N, s)
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.Bytes()
}
