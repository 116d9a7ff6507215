package pseudocoin

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/google/go-cmp/cmp"
)

// TestVerifiedSigsCountOnce: a signature verified once is not verified
// (nor counted as done) again, but counted as saved; a bad signature is
// refused every time and never kept; while a check is dropped the memo
// neither answers nor keeps.
func TestVerifiedSigsCountOnce(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			k, err := s.GenerateKey(detrand.New(7, "verified sigs "+t.Name()))
			if err != nil {
				t.Fatal(err)
			}
			msg := []byte(t.Name() + " message")
			sig, err := k.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			done, saved := opcount.For(s.ID()), opcount.SavedFor(s.ID())
			d0, s0 := done.Load().Verify, saved.Load().Verify
			for i := range 3 {
				if err := verifySig(s, k.Public(), msg, sig); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if d, sv := done.Load().Verify-d0, saved.Load().Verify-s0; d != 1 || sv != 2 {
				t.Errorf("three checks of one signature: %d verified, %d saved; want 1 and 2", d, sv)
			}
			bad := slices.Clone(sig)
			bad[len(bad)-1] ^= 1
			for i := range 2 {
				if err := verifySig(s, k.Public(), msg, bad); err == nil {
					t.Fatalf("call %d: a bad signature verifies", i)
				}
			}
			other := []byte(t.Name() + " other message")
			osig, _ := k.Sign(other)
			spec.Without([]string{"signature-verify"}, func() {
				if err := verifySig(s, k.Public(), other, osig); err != nil {
					t.Errorf("while dropping: %v", err)
				}
			})
			d1 := done.Load().Verify
			if err := verifySig(s, k.Public(), other, osig); err != nil {
				t.Fatal(err)
			}
			if done.Load().Verify != d1+1 {
				t.Error("a signature checked while a check was dropped was taken from the memo afterwards")
			}
		})
	}
}

// TestOldestPaid: the receiving keys to forget are the ones paid at the
// lowest counters, ties in key order, as a stable sort by counter gives
// them, for one over the bound and for several.
func TestOldestPaid(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	e := in.elementMust(t, in.Wallets()[0])
	rng := detrand.New(3, "oldest paid")
	for _, n := range []int{maxSeen - 1, maxSeen, maxSeen + 3} {
		for _, k := range e.dev.Keys(prefPaid) {
			e.dev.Delete(k)
		}
		puts := map[string][]byte{}
		for i := range n {
			puts[fmt.Sprintf("%s%04x", prefPaid, rng.IntN(1<<16)<<4|i%16)] = fmt.Appendf(nil, "%016d", rng.IntN(n/2+1))
		}
		e.dev.Commit(puts, nil)
		paid := e.dev.Keys(prefPaid)
		want := slices.Clone(paid)
		slices.SortStableFunc(want, func(a, b string) int { return strings.Compare(string(puts[a]), string(puts[b])) })
		want = want[:max(0, len(paid)-maxSeen+1)]
		if len(want) == 0 {
			want = nil
		}
		if diff := cmp.Diff(want, oldestPaid(e)); diff != "" {
			t.Errorf("%d paid keys: oldestPaid (-want +got):\n%s", len(paid), diff)
		}
	}
}
