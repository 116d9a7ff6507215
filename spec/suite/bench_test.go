package suite

import (
	"testing"

	"github.com/dualoffline/dualoffline/spec/detrand"
)

// Benchmarks of the primitive operations per suite. The crypto floor of a
// protocol run is its operation counts times these unit costs. Sign and
// Verify run Uncached: the memos would answer the repeated message.
//
//	go test -run XXX -bench . ./spec/suite/
func BenchmarkSuite(b *testing.B) {
	msg := make([]byte, 128) // about a coin's TBS
	for _, s := range All() {
		k, err := s.GenerateKey(detrand.New(1, "bench"))
		if err != nil {
			b.Fatal(err)
		}
		sig, _ := k.Sign(msg)
		info := []byte("bench")
		sealed, _ := k.Public().Seal(detrand.New(1, "seal"), msg, info)
		b.Run(string(s.ID())+"/Sign", func(b *testing.B) {
			Uncached(func() {
				for b.Loop() {
					if _, err := k.Sign(msg); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run(string(s.ID())+"/Verify", func(b *testing.B) {
			Uncached(func() {
				for b.Loop() {
					if err := k.Public().Verify(msg, sig); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run(string(s.ID())+"/Seal", func(b *testing.B) {
			r := detrand.New(2, "seal")
			for b.Loop() {
				if _, err := k.Public().Seal(r, msg, info); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(s.ID())+"/Open", func(b *testing.B) {
			for b.Loop() {
				if _, err := k.Open(sealed, info); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(s.ID())+"/Hash", func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				s.Hash(msg)
			}
		})
	}
}
