package devcert

import (
	"bytes"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestIssuedMemo: issuing the same certificate or list again returns the
// bytes signing would give, counted once as done and then as saved; a
// change to any input is issued anew.
func TestIssuedMemo(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a := root(t, s, "memo")
		tmpl := Template{Serial: 11, ID: "SE-MEMO", Role: RoleWallet, PublicKey: keyOf(t, s, "SE-MEMO").Public(), NotBefore: t0, NotAfter: t0.Add(year)}
		first, err := a.Issue(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		c0, s0 := opcount.Of(s.ID()), opcount.SavedOf(s.ID())
		again, err := a.Issue(tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Raw, first.Raw) {
			t.Fatal("a kept certificate differs from the first")
		}
		if done, saved := opcount.Of(s.ID()).Sub(c0), opcount.SavedOf(s.ID()).Sub(s0); done.Sign != 0 || saved.Sign != 1 || saved.Verify != 1 {
			t.Errorf("issuing again: done %+v, saved %+v; want nothing signed, one signature and one verification saved", done, saved)
		}
		parent, err := a.Cert.parsed()
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := sign(s, tmpl.x509(s, false), parent, tmpl.PublicKey, a.key)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, first.Raw) {
			t.Fatal("a kept certificate differs from a fresh signature")
		}
		again.Raw[0] ^= 1 // a caller's change reaches no later issuance
		if c, _ := a.Issue(tmpl); c.Raw[0] != first.Raw[0] {
			t.Error("a caller's change to Raw reached the memo")
		}

		other := root(t, s, "memo-other") // another issuer, same name
		changed := map[string]func(Template) (*Certificate, error){
			"serial":      func(t Template) (*Certificate, error) { t.Serial++; return a.Issue(t) },
			"id":          func(t Template) (*Certificate, error) { t.ID += "X"; return a.Issue(t) },
			"role":        func(t Template) (*Certificate, error) { t.Role = RoleAgent; return a.Issue(t) },
			"not before":  func(t Template) (*Certificate, error) { t.NotBefore = t.NotBefore.Add(time.Second); return a.Issue(t) },
			"not after":   func(t Template) (*Certificate, error) { t.NotAfter = t.NotAfter.Add(time.Second); return a.Issue(t) },
			"subject key": func(t Template) (*Certificate, error) { t.PublicKey = a.Cert.PublicKey; return a.Issue(t) },
			"issuer":      func(t Template) (*Certificate, error) { return other.Issue(t) },
		}
		for what, issue := range changed {
			c, err := issue(tmpl)
			if err != nil {
				t.Fatalf("%s changed: %v", what, err)
			}
			if bytes.Equal(c.Raw, first.Raw) {
				t.Errorf("%s changed: the kept certificate came back", what)
			}
		}

		l1, err := a.Revoke(3, t0, t0.Add(time.Hour), 5, 6)
		if err != nil {
			t.Fatal(err)
		}
		for what, revoke := range map[string]func() (*RevocationList, error){
			"serials":     func() (*RevocationList, error) { return a.Revoke(3, t0, t0.Add(time.Hour), 6, 5) },
			"number":      func() (*RevocationList, error) { return a.Revoke(4, t0, t0.Add(time.Hour), 5, 6) },
			"next update": func() (*RevocationList, error) { return a.Revoke(3, t0, t0.Add(2*time.Hour), 5, 6) },
			"issuer":      func() (*RevocationList, error) { return other.Revoke(3, t0, t0.Add(time.Hour), 5, 6) },
		} {
			l, err := revoke()
			if err != nil {
				t.Fatalf("%s changed: %v", what, err)
			}
			if bytes.Equal(l.Raw, l1.Raw) {
				t.Errorf("%s changed: the kept list came back", what)
			}
		}
		s0 = opcount.SavedOf(s.ID())
		l2, err := a.Revoke(3, t0, t0.Add(time.Hour), 5, 6)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(l2.Raw, l1.Raw) || opcount.SavedOf(s.ID()).Sub(s0).Sign != 1 {
			t.Error("the same list was not kept")
		}
	})
}

// TestDroppingCountsNoHit: while a check is dropped a parse is not
// answered from the cache, and the lookup it skips is not counted as a
// hit (the profile's cache lines count what was used).
func TestDroppingCountsNoHit(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a := root(t, s, "drop-hit")
		if _, err := Parse(s, a.Cert.Raw); err != nil {
			t.Fatal(err)
		}
		before := parsedCache.Stats()
		spec.Without([]string{"der-trailing"}, func() {
			if _, err := Parse(s, a.Cert.Raw); err != nil {
				t.Fatal(err)
			}
		})
		if got := parsedCache.Stats().Sub(before); got.Hits != 0 {
			t.Errorf("a parse while a check is dropped counted %d cache hits", got.Hits)
		}
		if _, err := Parse(s, a.Cert.Raw); err != nil {
			t.Fatal(err)
		}
		if got := parsedCache.Stats().Sub(before); got.Hits != 1 {
			t.Errorf("the parse after it counted %d hits, want 1 (the control)", got.Hits)
		}
	})
}

// TestVerifiedMemoCountsSaved: a certificate's signature checked again
// under the same root is not verified again and counts as a saved
// verification, not as one done (the crypto floor counts it once).
func TestVerifiedMemoCountsSaved(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a := root(t, s, "verified-memo")
		c, err := a.Issue(Template{Serial: 12, ID: "SE-VMEMO", Role: RoleWallet, PublicKey: keyOf(t, s, "SE-VMEMO").Public(), NotBefore: t0, NotAfter: t0.Add(year)})
		if err != nil {
			t.Fatal(err)
		}
		mid := t0.Add(year / 2)
		if err := c.Verify(a.Cert, mid, nil); err != nil {
			t.Fatal(err)
		}
		c0, s0 := opcount.Of(s.ID()), opcount.SavedOf(s.ID())
		if err := c.Verify(a.Cert, mid, nil); err != nil {
			t.Fatal(err)
		}
		if done, saved := opcount.Of(s.ID()).Sub(c0), opcount.SavedOf(s.ID()).Sub(s0); done.Verify != 0 || saved.Verify != 1 {
			t.Errorf("checking again: done %+v, saved %+v; want no verification done, one saved", done, saved)
		}
	})
}
