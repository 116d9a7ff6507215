package memo

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// KeyHash builds a cache key: SHA-256 over fields, each written with its
// length (a number as its 8 bytes), so no two field lists hash alike.
type KeyHash struct{ h hash.Hash }

// NewKeyHash starts a key.
func NewKeyHash() KeyHash { return KeyHash{sha256.New()} }

// Bytes adds b, length first.
func (k KeyHash) Bytes(b []byte) {
	k.h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
	k.h.Write(b)
}

// Uint adds n.
func (k KeyHash) Uint(n uint64) { k.h.Write(binary.BigEndian.AppendUint64(nil, n)) }

// Sum returns the key.
func (k KeyHash) Sum() [32]byte {
	var s [32]byte
	k.h.Sum(s[:0])
	return s
}

// Key is the key of the fields parts, in order.
func Key(parts ...[]byte) [32]byte {
	k := NewKeyHash()
	for _, p := range parts {
		k.Bytes(p)
	}
	return k.Sum()
}
