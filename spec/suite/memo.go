package suite

import (
	"bytes"
	"sync/atomic"

	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
)

// Keys built from a scalar are kept, by suite and scalar, so that a world
// set up again from the same seed (every case of a property, every
// restart of a device that reloads its key) does not redo the scalar
// multiplication. A key is immutable and signs deterministically, so a
// kept key is the key the scalar makes.
var keyMemo = memo.New[keyMemoKey, PrivateKey]("spec/suite keys", 1<<13)

type keyMemoKey struct {
	id     ID
	scalar [32]byte
}

// memoKey returns the key mk makes of the 32-byte scalar b under suite
// id, made once: a kept key is not counted again, only as saved.
func memoKey(id ID, b []byte, mk func([]byte) (PrivateKey, error)) (PrivateKey, error) {
	if len(b) != 32 {
		return mk(b)
	}
	key, hit, err := keyMemo.Do(keyMemoKey{id: id, scalar: [32]byte(b)}, func() (PrivateKey, error) { return mk(b) })
	if hit {
		savedOf(id).KeyGen()
	}
	return key, err
}

func gmKey(b []byte) (PrivateKey, error)   { return memoKey(GM, b, gmKeyFromScalar) }
func intlKey(b []byte) (PrivateKey, error) { return memoKey(INTL, b, intlKeyFromScalar) }

// savedGM and savedINTL count the keys the memo spared (opcount.SavedFor).
var savedGM, savedINTL = opcount.SavedFor(GM), opcount.SavedFor(INTL)

func savedOf(id ID) *opcount.Counter {
	if id == INTL {
		return savedINTL
	}
	return savedGM
}

// spkiOnce keeps a public key's DER encoding, marshalled on first use
// (an X.509 marshal through reflection, dearer than hashing the key):
// keys are immutable and shared between goroutines. get returns a copy.
type spkiOnce struct{ der atomic.Pointer[[]byte] }

func (o *spkiOnce) get(marshal func() []byte) []byte {
	if p := o.der.Load(); p != nil {
		return bytes.Clone(*p)
	}
	der := marshal()
	o.der.Store(&der)
	return bytes.Clone(der)
}

// publicMemo keeps public keys that parsed, by suite and DER: devices
// re-read the same few keys from their stores at every recovery, and a
// parse costs a point decoding, the ZA digest and a re-encoding. Successes
// only, never while a check is dropped (spec.Dropping).
var publicMemo = memo.New[publicMemoKey, PublicKey]("spec/suite public keys", 1<<13)

type publicMemoKey struct {
	id  ID
	der string
}

func memoPublic(id ID, der []byte, parse func([]byte) (PublicKey, error)) (PublicKey, error) {
	if len(der) > MaxPublicKeyDER || spec.Dropping() {
		return parse(der)
	}
	k := publicMemoKey{id: id, der: string(der)}
	if hit, ok := publicMemo.Get(k); ok {
		return hit, nil
	}
	pub, err := parse(der)
	if err != nil || spec.Dropping() {
		// A check switched off while it parsed: keep nothing it accepted.
		return pub, err
	}
	publicMemo.Put(k, pub)
	return pub, nil
}
