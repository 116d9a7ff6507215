package suite

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
)

// Keys built from a scalar are kept, by suite and scalar, so that a world
// set up again from the same seed (every case of a property, every
// restart of a device that reloads its key) does not redo the scalar
// multiplication. A key is immutable and signs deterministically, so a
// kept key is the key the scalar makes. Like the certificate caches of
// spec/devcert it is emptied when full.
var keyMemo struct {
	sync.Mutex
	m map[keyMemoKey]PrivateKey
}

type keyMemoKey struct {
	id     ID
	scalar [32]byte
}

const maxKeyMemo = 1 << 13

// memoKey returns the key mk makes of the 32-byte scalar b under suite
// id, made once: a kept key is not counted again, only as saved.
func memoKey(id ID, b []byte, mk func([]byte) (PrivateKey, error)) (PrivateKey, error) {
	if len(b) != 32 {
		return mk(b)
	}
	k := keyMemoKey{id: id, scalar: [32]byte(b)}
	keyMemo.Lock()
	hit := keyMemo.m[k]
	keyMemo.Unlock()
	if hit != nil {
		savedOf(id).KeyGen()
		return hit, nil
	}
	key, err := mk(b)
	if err != nil {
		return nil, err
	}
	keyMemo.Lock()
	if keyMemo.m == nil || len(keyMemo.m) >= maxKeyMemo {
		keyMemo.m = map[keyMemoKey]PrivateKey{}
	}
	keyMemo.m[k] = key
	keyMemo.Unlock()
	return key, nil
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
// only, never while a check is dropped (spec.Dropping), emptied when full.
var publicMemo struct {
	sync.Mutex
	m [2]map[string]PublicKey // GM, INTL
}

const maxPublicMemo = 1 << 12

func memoPublic(id ID, der []byte, parse func([]byte) (PublicKey, error)) (PublicKey, error) {
	i := 0
	if id == INTL {
		i = 1
	}
	if len(der) > MaxPublicKeyDER || spec.Dropping() {
		return parse(der)
	}
	publicMemo.Lock()
	hit := publicMemo.m[i][string(der)]
	publicMemo.Unlock()
	if hit != nil {
		return hit, nil
	}
	k, err := parse(der)
	if err != nil || spec.Dropping() {
		// A check switched off while it parsed: keep nothing it accepted.
		return k, err
	}
	publicMemo.Lock()
	if publicMemo.m[i] == nil || len(publicMemo.m[i]) >= maxPublicMemo {
		publicMemo.m[i] = map[string]PublicKey{}
	}
	publicMemo.m[i][string(der)] = k
	publicMemo.Unlock()
	return k, nil
}
