// Package detrand is the single source of randomness of dualoffline.
//
// A run of the harness is replayable byte for byte from one uint64 seed.
// Every random choice, key and encryption nonce is drawn from a Source
// derived from that seed and a label naming its purpose, so adding a new
// consumer under a new label does not shift the bytes any other consumer
// sees. Sources are ChaCha8 streams (math/rand/v2): fast, and
// cryptographically strong enough that keys drawn from them behave like
// real keys for the protocols under test. They are NOT for production keys:
// anyone who knows the seed knows every key.
//
// Where the guarantee holds is written down in spec/formats.md
// ("Deterministic randomness"). In short: key generation and sealing read
// only from a Source; signatures take no randomness at all (RFC 6979 for
// ECDSA; for SM2 a nonce from HMAC-SM3 keyed by the private scalar over the
// digest, see spec/suite).
//
// Every value a Source yields, bytes or integers, is cut from its one
// ChaCha8 byte stream (integers are 8-byte big-endian reads), so the
// sequence depends only on the chacha8rand stream, never on how
// math/rand/v2 interleaves Read with Uint64.
package detrand

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// Source is a deterministic random stream. It implements io.Reader (never
// failing) and offers the integer helpers of math/rand/v2. A Source is not
// safe for concurrent use.
type Source struct {
	seed  uint64
	label string
	cc    *rand.ChaCha8
	r     *rand.Rand
}

// New returns the stream for (seed, label). Equal arguments give equal
// streams; any difference gives independent streams.
func New(seed uint64, label string) *Source {
	h := sha256.New()
	h.Write([]byte("dualoffline/detrand/v1\x00"))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(label))
	var key [32]byte
	copy(key[:], h.Sum(nil))
	cc := rand.NewChaCha8(key)
	return &Source{seed: seed, label: label, cc: cc, r: rand.New(byteSource{cc})}
}

// byteSource draws integers from the byte stream.
type byteSource struct{ cc *rand.ChaCha8 }

func (b byteSource) Uint64() uint64 {
	var x [8]byte
	b.cc.Read(x[:])
	return binary.BigEndian.Uint64(x[:])
}

// Derive returns an independent child stream of s for label. The child
// depends on s's seed and label, not on how much of s was consumed.
func (s *Source) Derive(label string) *Source {
	return New(s.seed, s.label+"/"+label)
}

// Seed returns the seed s was made from.
func (s *Source) Seed() uint64 { return s.seed }

// Label returns the full label of s.
func (s *Source) Label() string { return s.label }

// Read fills p with stream bytes. It always returns len(p), nil.
func (s *Source) Read(p []byte) (int, error) { return s.cc.Read(p) }

// Bytes returns n fresh stream bytes.
func (s *Source) Bytes(n int) []byte {
	b := make([]byte, n)
	s.cc.Read(b)
	return b
}

// Uint64 returns a uniform uint64.
func (s *Source) Uint64() uint64 { return s.r.Uint64() }

// IntN returns a uniform int in [0, n). It panics if n <= 0.
func (s *Source) IntN(n int) int { return s.r.IntN(n) }

// Int64N returns a uniform int64 in [0, n). It panics if n <= 0.
func (s *Source) Int64N(n int64) int64 { return s.r.Int64N(n) }

// Float64 returns a uniform float64 in [0, 1).
func (s *Source) Float64() float64 { return s.r.Float64() }

// Perm returns a uniform permutation of [0, n).
func (s *Source) Perm(n int) []int { return s.r.Perm(n) }

// Shuffle shuffles n elements with swap.
func (s *Source) Shuffle(n int, swap func(i, j int)) { s.r.Shuffle(n, swap) }
