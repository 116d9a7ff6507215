package suite

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
)

// TestKeyMemo: a key built again from the same scalar, by GenerateKey or
// PrivateKeyFromBytes, is the kept key, counted once as computed and then
// as saved; it signs as a fresh key of that scalar does.
func TestKeyMemo(t *testing.T) {
	// A memo left by an earlier run of this test (-count=2) would make the
	// first construction a hit.
	keyMemo.Clear()
	forEach(t, func(t *testing.T, s Suite) {
		c0, s0 := opcount.Of(s.ID()), opcount.SavedOf(s.ID())
		k1, err := s.GenerateKey(detrand.New(7, "memo-test"))
		if err != nil {
			t.Fatal(err)
		}
		k2, err := s.GenerateKey(detrand.New(7, "memo-test"))
		if err != nil {
			t.Fatal(err)
		}
		k3, err := PrivateKeyFromBytes(s, k1.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if k2 != k1 || k3 != k1 {
			t.Error("the same scalar built a second key")
		}
		if got := opcount.Of(s.ID()).Sub(c0).KeyGen; got != 1 {
			t.Errorf("counted %d key constructions, want 1", got)
		}
		if got := opcount.SavedOf(s.ID()).Sub(s0).KeyGen; got != 2 {
			t.Errorf("saved %d key constructions, want 2", got)
		}
		var fresh PrivateKey
		if s.ID() == GM {
			fresh, err = gmKeyFromScalar(k1.Bytes())
		} else {
			fresh, err = intlKeyFromScalar(k1.Bytes())
		}
		if err != nil {
			t.Fatal(err)
		}
		a, errA := k3.Sign([]byte("m"))
		b, errB := fresh.Sign([]byte("m"))
		if errA != nil || errB != nil || len(a) == 0 {
			t.Fatalf("signing: %v, %v", errA, errB)
		}
		if !bytes.Equal(a, b) || !bytes.Equal(k3.Public().SPKI(), fresh.Public().SPKI()) {
			t.Error("the kept key signs otherwise than a fresh key of its scalar")
		}
		if _, err := PrivateKeyFromBytes(s, make([]byte, 32)); err == nil {
			t.Error("the zero scalar made a key")
		}
	})
}

// TestPublicMemo: a public key parsed again from the same DER is the kept
// key; a refused DER is refused again, and nothing is kept or answered
// from the memo while a check is dropped.
func TestPublicMemo(t *testing.T) {
	forEach(t, func(t *testing.T, s Suite) {
		der := key(t, s, "public-memo").Public().SPKI()
		a, err := s.ParsePublicKey(der)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.ParsePublicKey(bytes.Clone(der))
		if err != nil {
			t.Fatal(err)
		}
		if a != b || !bytes.Equal(b.SPKI(), der) {
			t.Error("the same DER parsed to a second key")
		}
		b.SPKI()[0] ^= 1 // a caller's change to the encoding reaches no one
		if !bytes.Equal(a.SPKI(), der) {
			t.Error("a caller's change to SPKI() reached the key")
		}
		bad := bytes.Clone(der)
		bad[len(bad)-1] ^= 1 // off the curve
		for range 2 {
			if _, err := s.ParsePublicKey(bad); err == nil {
				t.Fatal("a point off the curve parsed")
			}
		}
		spec.Without([]string{"key-parse"}, func() {
			if c, err := s.ParsePublicKey(der); err != nil || c == a {
				t.Errorf("with a check dropped: %v, kept key %v", err, c == a)
			}
		})
	})
}

// TestSignatureMemos: a signature the process made verifies from the
// memo, counted as saved; one from outside (made with the memos
// bypassed) is verified once, then answered from the memo; a signature
// that fails is tried every time and never kept; a message signed again
// gets the same signature, a copy the caller may change; and while a
// check is dropped every operation is performed and counted.
func TestSignatureMemos(t *testing.T) {
	signedMemo.Clear() // kept by an earlier run of this test (-count=2)
	verifiedMemo.Clear()
	forEach(t, func(t *testing.T, s Suite) {
		k := key(t, s, "signature-memos")
		msg := []byte(t.Name())
		ops := func() (done, saved opcount.Ops) { return opcount.Of(s.ID()), opcount.SavedOf(s.ID()) }
		d0, s0 := ops()
		sig, err := k.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		kept := bytes.Clone(sig)
		sig[0] ^= 1 // the caller's first copy: the memo keeps its own
		if again, _ := k.Sign(msg); !bytes.Equal(again, kept) {
			t.Error("a caller's change to the first signature reached the memo")
		}
		sig = kept
		again, err := k.Sign(msg)
		if err != nil || !bytes.Equal(sig, again) {
			t.Fatalf("signed again: %x, %v; first %x", again, err, sig)
		}
		again[len(again)-1] ^= 1 // the caller's copy
		if third, _ := k.Sign(msg); !bytes.Equal(third, sig) {
			t.Error("a caller's change to a signature reached the memo")
		}
		for range 3 {
			if err := k.Public().Verify(msg, sig); err != nil {
				t.Fatal(err)
			}
		}
		bad := bytes.Clone(sig)
		bad[len(bad)-1] ^= 1
		for range 2 {
			if err := k.Public().Verify(msg, bad); err == nil {
				t.Fatal("a changed signature verified")
			}
		}
		d1, s1 := ops()
		// The signature the process made verifies from the memo all three
		// times; the changed one is computed and refused both times.
		if diff := cmp.Diff(opcount.Ops{Sign: 1, Verify: 2}, pk(d1.Sub(d0))); diff != "" {
			t.Errorf("operations performed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(opcount.Ops{Sign: 3, Verify: 3}, pk(s1.Sub(s0))); diff != "" {
			t.Errorf("operations saved (-want +got):\n%s", diff)
		}
		// A signature from outside (made while the memos were bypassed,
		// as a vendor's device's would be) is verified once, then saved.
		var outside []byte
		Uncached(func() { outside, _ = k.Sign([]byte(t.Name() + " outside")) })
		o0, os0 := ops()
		for range 2 {
			if err := k.Public().Verify([]byte(t.Name()+" outside"), outside); err != nil {
				t.Fatal(err)
			}
		}
		o1, os1 := ops()
		if diff := cmp.Diff(opcount.Ops{Verify: 1}, pk(o1.Sub(o0))); diff != "" {
			t.Errorf("a signature from outside: performed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(opcount.Ops{Verify: 1}, pk(os1.Sub(os0))); diff != "" {
			t.Errorf("a signature from outside: saved (-want +got):\n%s", diff)
		}
		d1, s1 = ops()
		other := []byte(t.Name() + " other")
		spec.Without([]string{"signature-verify"}, func() {
			if err := k.Public().Verify(msg, sig); err != nil {
				t.Error(err)
			}
			if _, err := k.Sign(msg); err != nil {
				t.Error(err)
			}
			if _, err := k.Sign(other); err != nil {
				t.Error(err)
			}
		})
		d2, s2 := ops()
		if diff := cmp.Diff(opcount.Ops{Sign: 2, Verify: 1}, pk(d2.Sub(d1))); diff != "" {
			t.Errorf("with a check dropped, operations performed (-want +got):\n%s", diff)
		}
		if got := pk(s2.Sub(s1)); got != (opcount.Ops{}) {
			t.Errorf("with a check dropped, %+v answered from a memo", got)
		}
		// Nothing made while a check was dropped was kept.
		osig, err := k.Sign(other)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Public().Verify(other, osig); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(opcount.Ops{Sign: 1}, pk(opcount.Of(s.ID()).Sub(d2))); diff != "" {
			t.Errorf("after the check is back, operations performed (-want +got):\n%s", diff)
		}
	})
}

// pk is o without the bytes hashed, which these tests do not pin.
func pk(o opcount.Ops) opcount.Ops { o.Hashed = 0; return o }

// TestUncached: inside Uncached every signature and verification is
// computed and counted as done, nothing is answered from or kept in the
// memos; ForgetSignatures empties them.
func TestUncached(t *testing.T) {
	forEach(t, func(t *testing.T, s Suite) {
		k := key(t, s, "uncached")
		msg := []byte(t.Name())
		sig, err := k.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Public().Verify(msg, sig); err != nil {
			t.Fatal(err)
		}
		d0, s0 := opcount.Of(s.ID()), opcount.SavedOf(s.ID())
		Uncached(func() {
			for range 2 {
				k.Sign(msg)
				k.Public().Verify(msg, sig)
			}
			k.Sign([]byte("fresh " + t.Name()))
		})
		if diff := cmp.Diff(opcount.Ops{Sign: 3, Verify: 2}, pk(opcount.Of(s.ID()).Sub(d0))); diff != "" {
			t.Errorf("inside Uncached, performed (-want +got):\n%s", diff)
		}
		if got := pk(opcount.SavedOf(s.ID()).Sub(s0)); got != (opcount.Ops{}) {
			t.Errorf("inside Uncached, %+v answered from a memo", got)
		}
		d1 := opcount.Of(s.ID())
		k.Sign([]byte("fresh " + t.Name())) // not kept inside Uncached
		k.Sign(msg)                         // kept before
		ForgetSignatures()
		k.Public().Verify(msg, sig) // forgotten
		if diff := cmp.Diff(opcount.Ops{Sign: 1, Verify: 1}, pk(opcount.Of(s.ID()).Sub(d1))); diff != "" {
			t.Errorf("after Uncached and ForgetSignatures, performed (-want +got):\n%s", diff)
		}
	})
}
