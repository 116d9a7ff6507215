package coin

import (
	"testing"

	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Coin codec cost next to one coin verification. The DER work a wallet
// adds to a verification is Parse + Marshal (TBS re-encoding); it must stay
// a small fraction (the README records < 5%). The whole benchmark runs
// suite.Uncached: the signature memos would answer the repeated coin.
//
//	go test -run XXX -bench . ./spec/coin/
func BenchmarkCoin(b *testing.B) { suite.Uncached(func() { benchmarkCoin(b) }) }

func benchmarkCoin(b *testing.B) {
	for _, s := range suite.All() {
		k := issuer(b, s)
		c := sample(b, s)
		enc := c.Marshal()
		pub := k.Public()
		b.Run(string(s.ID())+"/Marshal", func(b *testing.B) {
			for b.Loop() {
				c.Marshal()
			}
		})
		b.Run(string(s.ID())+"/Parse", func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(s.ID())+"/ParseMarshal", func(b *testing.B) {
			for b.Loop() {
				p, err := Parse(enc)
				if err != nil {
					b.Fatal(err)
				}
				p.Marshal()
			}
		})
		b.Run(string(s.ID())+"/VerifyOnly", func(b *testing.B) {
			tbs := c.TBS()
			for b.Loop() {
				if err := pub.Verify(tbs, c.Signature); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(s.ID())+"/ParseCheck", func(b *testing.B) {
			for b.Loop() {
				p, err := Parse(enc)
				if err != nil {
					b.Fatal(err)
				}
				if err := p.Check(pub); err != nil {
					b.Fatal(err)
				}
			}
		})
		h, _ := NewHSM(s, detrand.New(1, "bench-hsm"))
		sealed, _ := h.Seal(detrand.New(1, "n"), c)
		b.Run(string(s.ID())+"/HSMOpen", func(b *testing.B) {
			for b.Loop() {
				if _, err := h.Open(sealed); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
