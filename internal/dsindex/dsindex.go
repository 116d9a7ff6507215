// Package dsindex is a compact double-spend index for reconciling offline
// payment records at scale: a set of coin instances, each either known to
// exist (issued, or created by a verified record) or spent, and by which
// record.
//
// A key is 16 bytes naming a coin instance (KeyOf: from a coin's serial
// and the id of the record that created it). The table is open addressing
// with linear probing over 20-byte slots (key and a 32-bit entry), hashed
// with a per-index random hash/maphash seed so that crafted keys cannot
// flood one probe sequence. It holds at most MaxRecord spending records
// and grows by half when 80% full, so it costs 25 to 38 bytes per
// instance (Bytes reports the exact figure).
//
// The hash seed is the index's only randomness: it decides where entries
// sit and so, a little, how fast lookups run, never what they return.
// Results never depend on insertion order either: a key's spenders are a set,
// Spend reports every second and later spender of a key as a conflict,
// and the set of keys with a conflict is the set of double-spent
// instances whatever the order the records came in. An Index is not safe
// for concurrent use.
package dsindex

import (
	"crypto/sha256"
	"hash/maphash"
	"math/bits"
)

// KeySize is the size of a key in bytes.
const KeySize = 16

// Key names one coin instance: see KeyOf.
type Key [KeySize]byte

// KeyOf derives the key of the instance of serial created by the record
// whose id is creator (zero for an issued coin): CreatorOf(creator)
// XOR serial. See CreatorOf for why that is collision resistant.
func KeyOf(creator [32]byte, serial [16]byte) Key { return CreatorOf(creator).Instance(serial) }

// Creator is the digest of a creator record id every key of its outputs
// shares.
type Creator [KeySize]byte

// CreatorOf returns the first 16 bytes of SHA-256 over a domain label and
// the creator record id. Serials are themselves SHA-256 outputs (of the
// parent serial and the output number, spec/transfer.ChildSerial, or drawn
// by the issuer), so two distinct instances share a key only if two
// SHA-256 outputs meet on 128 bits: about 2^64 work for an adversary who
// may grind both, far more to hit an instance it does not control. One
// hash per record, not per output, keeps key derivation off the profile.
func CreatorOf(creator [32]byte) Creator {
	var buf [len(keyLabel) + 32]byte
	n := copy(buf[:], keyLabel)
	copy(buf[n:], creator[:])
	sum := sha256.Sum256(buf[:])
	return Creator(sum[:KeySize])
}

// Instance returns the key of the creator's output serial.
func (c Creator) Instance(serial [16]byte) Key {
	var k Key
	for i := range k {
		k[i] = c[i] ^ serial[i]
	}
	return k
}

const keyLabel = "dualoffline instance key v1\x00"

// MaxRecord is the largest record number Spend accepts.
const MaxRecord = 1<<31 - 2

// Entry is what the index knows of one instance.
type Entry struct {
	Created bool   // the instance was issued or created by a record
	Spent   bool   // some record spends it
	Spender uint32 // the first spender Spend saw, if Spent
}

// slot is one table cell: val is zero for an empty cell, else its top bit
// says created and its low 31 bits hold the spender plus one (0: none).
type slot struct {
	key Key
	val uint32
}

const (
	createdBit  = 1 << 31
	spenderMask = createdBit - 1
	maxLoadNum  = 4 // grow above 4/5 full
	maxLoadDen  = 5
)

// Index is the table. The zero value is not usable: call New.
type Index struct {
	seed  maphash.Seed
	slots []slot
	n     int
}

// New returns an index sized to hold hint instances without growing.
func New(hint int) *Index {
	x := &Index{seed: maphash.MakeSeed()}
	x.slots = make([]slot, capacityFor(hint))
	return x
}

func capacityFor(n int) int {
	return max(16, n*maxLoadDen/maxLoadNum+1)
}

// home returns the first slot probed for k: the hash scaled to the table
// size (a multiply and a shift, so the size need not be a power of two).
func (x *Index) home(k Key) int {
	h := maphash.Comparable(x.seed, k)
	hi, _ := bits.Mul64(h, uint64(len(x.slots)))
	return int(hi)
}

// find returns the slot holding k, or the empty slot where it would go.
func (x *Index) find(k Key) *slot {
	i := x.home(k)
	for {
		s := &x.slots[i]
		if s.val == 0 || s.key == k {
			return s
		}
		if i++; i == len(x.slots) {
			i = 0
		}
	}
}

// claim returns the slot for k, making room for a new key.
func (x *Index) claim(k Key) *slot {
	s := x.find(k)
	if s.val == 0 {
		if (x.n+1)*maxLoadDen > len(x.slots)*maxLoadNum {
			x.grow()
			s = x.find(k)
		}
		s.key = k
		x.n++
	}
	return s
}

func (x *Index) grow() {
	old := x.slots
	x.slots = make([]slot, capacityFor(x.n+x.n/2))
	for _, s := range old {
		if s.val != 0 {
			*x.find(s.key) = s
		}
	}
}

// Create records that the instance k exists. Creating a key twice is a
// no-op.
func (x *Index) Create(k Key) {
	x.claim(k).val |= createdBit
}

// Spend records that record number rec (at most MaxRecord) spends the
// instance k. It returns the first spender recorded before this call
// and whether there was one: a true conflict with first != rec is a
// double spend. Spending with the same record twice reports first == rec.
func (x *Index) Spend(k Key, rec uint32) (first uint32, conflict bool) {
	if rec > MaxRecord {
		panic("dsindex: record number above MaxRecord")
	}
	s := x.claim(k)
	if sp := s.val & spenderMask; sp != 0 {
		return sp - 1, true
	}
	s.val |= rec + 1
	return 0, false
}

// Lookup returns what the index knows of k.
func (x *Index) Lookup(k Key) (Entry, bool) {
	s := x.find(k)
	if s.val == 0 {
		return Entry{}, false
	}
	sp := s.val & spenderMask
	return Entry{Created: s.val&createdBit != 0, Spent: sp != 0, Spender: sp - min(sp, 1)}, true
}

// Len returns the number of instances in the index.
func (x *Index) Len() int { return x.n }

// Bytes returns the size of the table in bytes.
func (x *Index) Bytes() int { return len(x.slots) * slotSize }

const slotSize = KeySize + 4

// All calls f for every instance, in table order (which depends on the
// hash seed: sort if the order matters), until f returns false.
func (x *Index) All(f func(Key, Entry) bool) {
	for _, s := range x.slots {
		if s.val == 0 {
			continue
		}
		sp := s.val & spenderMask
		if !f(s.key, Entry{Created: s.val&createdBit != 0, Spent: sp != 0, Spender: sp - min(sp, 1)}) {
			return
		}
	}
}
