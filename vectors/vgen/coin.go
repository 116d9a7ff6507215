package vgen

import (
	"strconv"

	"github.com/dualoffline/dualoffline/spec/coin"
)

// Serial is the coin serial derived from label.
func (g *Gen) Serial(label string) coin.Serial {
	var s coin.Serial
	copy(s[:], g.Src("serial/"+label).Bytes(coin.SerialSize))
	return s
}

// SignRaw signs c's TBS bytes directly, bypassing the policy check of
// coin.Sign, to build coins the issuer would refuse to sign.
func (g *Gen) SignRaw(k interface{ Sign([]byte) ([]byte, error) }, c coin.Coin) *coin.Signed {
	sig, err := k.Sign(c.TBS())
	g.Fail(err)
	return &coin.Signed{Coin: c, Signature: sig}
}

// Itoa formats n in decimal.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TLV encodes one DER element with a minimal definite length.
func TLV(tag byte, content []byte) []byte {
	n := len(content)
	var hdr []byte
	switch {
	case n < 0x80:
		hdr = []byte{tag, byte(n)}
	case n < 0x100:
		hdr = []byte{tag, 0x81, byte(n)}
	default:
		hdr = []byte{tag, 0x82, byte(n >> 8), byte(n)}
	}
	return append(hdr, content...)
}
