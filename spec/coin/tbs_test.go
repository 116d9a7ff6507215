package coin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/detrand"
)

// builderTBS and builderMarshal are the coin encodings written with the
// cryptobyte builder: the reference the one-pass encoders must match.
func builderTBS(c *Coin) []byte {
	return der.Marshal(der.Application(TagTBS), func(b *der.Builder) {
		b.AddASN1Int64(int64(c.Version))
		b.AddASN1OctetString(c.Serial[:])
		b.AddASN1Int64(c.Denomination)
		b.AddASN1Int64(int64(c.Currency))
		b.AddASN1Enum(int64(c.Unit))
		if c.Parent.IsZero() {
			b.AddASN1OctetString(nil)
		} else {
			b.AddASN1OctetString(c.Parent[:])
		}
		der.AddUTF8(b, c.Agent)
	})
}

func builderMarshal(s *Signed) []byte {
	return der.Marshal(der.Application(TagCoin), func(b *der.Builder) {
		b.AddBytes(builderTBS(&s.Coin))
		b.AddASN1OctetString(s.Signature)
	})
}

// TestTBSMatchesBuilder compares the encoders with the reference on
// seeded random coins, valid or not.
func TestTBSMatchesBuilder(t *testing.T) {
	r := detrand.New(1, "coin tbs reference")
	num := func() int64 { return int64(r.Uint64()) >> uint(r.IntN(64)) }
	for i := range 3000 {
		c := Coin{Version: int(num()), Denomination: num(), Currency: int(num()), Unit: Unit(num()), Agent: strings.Repeat("b", r.IntN(300))}
		r.Read(c.Serial[:])
		if r.IntN(2) == 0 {
			r.Read(c.Parent[:])
		}
		if got, want := c.TBS(), builderTBS(&c); !bytes.Equal(got, want) {
			t.Fatalf("coin %d: TBS\n%x\nwant\n%x", i, got, want)
		}
		s := &Signed{Coin: c, Signature: r.Bytes(r.IntN(200))}
		if got, want := s.Marshal(), builderMarshal(s); !bytes.Equal(got, want) {
			t.Fatalf("coin %d: Marshal differs", i)
		}
	}
}
