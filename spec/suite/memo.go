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

// verifiedMemo keeps the signatures that verified, by suite, key, digest
// and signature bytes: one signature is checked by the payee, again by
// the bank at reconciliation, by the registry and by every audit, and
// each case of a property rebuilds the same world and checks the same
// setup signatures. Verification is a pure function of those four (the
// digest binds the message; SM2's binds the key too, through ZA), so a
// kept success is the answer the curve would give. Failures are not kept
// (a tampered signature is tried once), nothing is looked up or kept
// while a check is dropped (spec.Dropping), and a hit counts as a saved
// verification, not as one performed, so the crypto floor stays the work
// that had to be done.
var verifiedMemo = memo.New[[32]byte, struct{}]("spec/suite verified signatures", 1<<18)

// verifyOnce reports whether verify accepts, answered from verifiedMemo
// when this (suite, key, digest, sig) verified before. key identifies the
// public key (its ZA or its encoding); verify counts nothing itself.
func verifyOnce(id ID, key, digest, sig []byte, verify func() bool) bool {
	if bypassSignatureMemos() {
		opsOf(id).Verify()
		return verify()
	}
	k := memo.Key([]byte(id), key, digest, sig)
	if _, hit := verifiedMemo.Get(k); hit {
		savedOf(id).Verify()
		return true
	}
	opsOf(id).Verify()
	ok := verify()
	if ok && !bypassSignatureMemos() { // a check dropped meanwhile: keep nothing
		verifiedMemo.Put(k, struct{}{})
	}
	return ok
}

func opsOf(id ID) *opcount.Counter {
	if id == INTL {
		return opsINTL
	}
	return opsGM
}

// signedMemo keeps signatures made, by suite, signing key (named by its
// public key: one determines the other) and digest; each one made also
// goes into verifiedMemo, so verifying a signature the process made
// counts as saved. Both suites sign
// deterministically (SM2 with a nonce derived from the scalar and the
// digest, ECDSA by RFC 6979), so a kept signature is the one signing
// again would make; a world rebuilt from the same seed for every case of
// a property signs the same setup again. A hit counts as a saved
// signature; every answer is a copy, since callers may alter what they
// are given.
var signedMemo = memo.New[[32]byte, []byte]("spec/suite signatures", 1<<17)

// signOnce returns sign's signature of digest under the key named key,
// made once per (suite, key, digest) unless a check is dropped.
func signOnce(id ID, key, digest []byte, sign func() ([]byte, error)) ([]byte, error) {
	if bypassSignatureMemos() {
		opsOf(id).Sign()
		return sign()
	}
	k := memo.Key([]byte(id), key, digest)
	if sig, hit := signedMemo.Get(k); hit {
		savedOf(id).Sign()
		return bytes.Clone(sig), nil
	}
	opsOf(id).Sign()
	sig, err := sign()
	if err == nil && !bypassSignatureMemos() {
		signedMemo.Put(k, bytes.Clone(sig))
		// A signature this process made under this key verifies under
		// it: verifying it would compute an answer already known (every
		// signature of a model-only run is made here). Signatures from
		// outside (a vendor's device, a forger's other key, tampered
		// bytes) are not kept and are verified.
		verifiedMemo.Put(memo.Key([]byte(id), key, digest, sig), struct{}{})
	}
	return sig, err
}

// uncached counts the calls of Uncached under way.
var uncached atomic.Int32

// bypassSignatureMemos reports whether the signature memos must neither
// answer nor keep: while a check is dropped, or while Uncached runs.
func bypassSignatureMemos() bool { return spec.Dropping() || uncached.Load() > 0 }

// Uncached runs f with the signature memos neither answering nor keeping,
// for code that measures what signing and verifying cost (a benchmark of
// the primitives, the raw verification throughput a reconciliation is set
// against): a kept answer would time a map lookup. Code on other
// goroutines meanwhile bypasses them too, which costs it time, never a
// different answer.
func Uncached(f func()) {
	uncached.Add(1)
	defer uncached.Add(-1)
	f()
}

// ForgetSignatures empties the signature memos, so that what runs next
// signs and verifies as a fresh process would: for benchmarks and tests
// that run one seed more than once in a process and time or count it.
func ForgetSignatures() {
	signedMemo.Clear()
	verifiedMemo.Clear()
}
