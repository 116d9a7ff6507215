package devcert

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/internal/opensslcli"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/detrand"
	"github.com/dualoffline/dualoffline/spec/suite"
)

var (
	t0   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	year = 365 * 24 * time.Hour
)

func forEach(t *testing.T, f func(t *testing.T, s suite.Suite)) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) { f(t, s) })
	}
}

func keyOf(t testing.TB, s suite.Suite, label string) suite.PrivateKey {
	t.Helper()
	k, err := s.GenerateKey(detrand.New(1, "devcert-test/"+label))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func root(t testing.TB, s suite.Suite, label string) *Authority {
	t.Helper()
	a, err := NewRoot(s, keyOf(t, s, label), "PBOC-"+label, 1, t0, t0.Add(10*year))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func wallet(t testing.TB, a *Authority, serial uint64, id string) *Certificate {
	t.Helper()
	c, err := a.Issue(Template{Serial: serial, ID: id, Role: RoleWallet, PublicKey: keyOf(t, a.Suite, id).Public(), NotBefore: t0, NotAfter: t0.Add(year)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code spec.Code) {
	t.Helper()
	if got := spec.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func TestIssueAndVerify(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a := root(t, s, "root")
		c := wallet(t, a, 7, "SE-0007")
		if c.ID != "SE-0007" || c.Role != RoleWallet || c.Serial != 7 || c.IssuerID != "PBOC-root" || c.IsCA {
			t.Fatalf("parsed fields wrong: %+v", c)
		}
		if !c.PublicKey.Equal(keyOf(t, s, "SE-0007").Public()) {
			t.Fatal("certificate carries another key")
		}
		mid := t0.Add(year / 2)
		if err := c.Verify(a.Cert, mid, nil); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		wantCode(t, c.Verify(a.Cert, t0.Add(-time.Second), nil), spec.CodeCertNotYetValid)
		wantCode(t, c.Verify(a.Cert, t0.Add(year+time.Second), nil), spec.CodeCertExpired)
		// The last second of validity is still valid (RFC 5280 is inclusive).
		if err := c.Verify(a.Cert, t0.Add(year), nil); err != nil {
			t.Fatalf("at NotAfter: %v", err)
		}

		other := root(t, s, "rogue")
		wantCode(t, c.Verify(other.Cert, mid, nil), spec.CodeUntrustedIssuer)
		// A rogue root with the same name but another key.
		impostor, err := NewRoot(s, keyOf(t, s, "impostor"), "PBOC-root", 1, t0, t0.Add(10*year))
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, c.Verify(impostor.Cert, mid, nil), spec.CodeUntrustedIssuer)
		forged := wallet(t, impostor, 7, "SE-0007")
		wantCode(t, forged.Verify(a.Cert, mid, nil), spec.CodeUntrustedIssuer)
		wantCode(t, c.Verify(c, mid, nil), spec.CodeUntrustedIssuer)
		wantCode(t, c.Verify(nil, mid, nil), spec.CodeUntrustedIssuer)
	})
}

func TestDeterministicIssuance(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a, b := root(t, s, "root"), root(t, s, "root")
		if !bytes.Equal(a.Cert.Raw, b.Cert.Raw) {
			t.Fatal("the same key and template gave different root certificates")
		}
		if !bytes.Equal(wallet(t, a, 9, "W").Raw, wallet(t, b, 9, "W").Raw) {
			t.Fatal("the same key and template gave different device certificates")
		}
	})
}

func TestRevocation(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a := root(t, s, "root")
		good, bad := wallet(t, a, 10, "good"), wallet(t, a, 11, "bad")
		crl, err := a.Revoke(1, t0, t0.Add(30*24*time.Hour), 11, 12)
		if err != nil {
			t.Fatal(err)
		}
		if crl.Len() != 2 || !crl.Revoked(11) || crl.Revoked(10) {
			t.Fatalf("list contents wrong: len %d", crl.Len())
		}
		mid := t0.Add(time.Hour)
		if err := good.Verify(a.Cert, mid, crl); err != nil {
			t.Fatal(err)
		}
		wantCode(t, bad.Verify(a.Cert, mid, crl), spec.CodeCertRevoked)

		again, err := ParseRevocationList(crl.Raw, a.Cert)
		if err != nil || !again.Revoked(11) || again.Number != 1 {
			t.Fatalf("reparse: %v", err)
		}
		_, err = ParseRevocationList(crl.Raw, root(t, s, "rogue").Cert)
		wantCode(t, err, spec.CodeUntrustedIssuer)
		tampered := bytes.Clone(crl.Raw)
		tampered[len(tampered)-5] ^= 1
		if _, err := ParseRevocationList(tampered, a.Cert); err == nil {
			t.Fatal("a tampered list was accepted")
		}
		rogue := root(t, s, "rogue")
		rogueList, err := rogue.Revoke(1, t0, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, good.Verify(a.Cert, mid, rogueList), spec.CodeUntrustedIssuer)
		_, err = a.Revoke(2, t0, t0.Add(time.Hour), 0)
		wantCode(t, err, spec.CodeMalformed)
		_, err = a.Revoke(2, t0, t0)
		wantCode(t, err, spec.CodeMalformed)
		_, err = ParseRevocationList([]byte("garbage"), a.Cert)
		wantCode(t, err, spec.CodeMalformed)
		_, err = ParseRevocationList(make([]byte, MaxCRLDER+1), a.Cert)
		wantCode(t, err, spec.CodeMalformed)
	})
}

func TestParseRefuses(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		a := root(t, s, "root")
		c := wallet(t, a, 7, "SE-0007")
		for _, n := range []int{0, 1, len(c.Raw) / 2, len(c.Raw) - 1} {
			_, err := Parse(s, c.Raw[:n])
			wantCode(t, err, spec.CodeMalformed)
		}
		_, err := Parse(s, append(bytes.Clone(c.Raw), 0))
		wantCode(t, err, spec.CodeMalformed)
		_, err = Parse(s, make([]byte, MaxCertDER+1))
		wantCode(t, err, spec.CodeMalformed)
		for _, o := range suite.All() {
			if o.ID() != s.ID() {
				_, err := Parse(o, c.Raw)
				wantCode(t, err, spec.CodeWrongSuite)
			}
		}
		// Every single-byte flip of the signed part is refused, or parses
		// and then fails verification: never a valid certificate.
		for i := range c.Raw {
			bad := bytes.Clone(c.Raw)
			bad[i] ^= 0x01
			p, err := Parse(s, bad)
			if err != nil {
				if spec.CodeOf(err) == spec.CodeInternal {
					t.Fatalf("flip %d: untyped error %v", i, err)
				}
				continue
			}
			if p.Verify(a.Cert, t0.Add(time.Hour), nil) == nil && !bytes.Equal(p.Raw, c.Raw) {
				t.Fatalf("flip at byte %d gives a certificate that verifies", i)
			}
		}
	})
}

func TestTemplateChecks(t *testing.T) {
	s := suite.Default()
	a := root(t, s, "root")
	pub := keyOf(t, s, "x").Public()
	for name, tmpl := range map[string]Template{
		"zero serial":  {Serial: 0, ID: "x", Role: RoleWallet, PublicKey: pub, NotBefore: t0, NotAfter: t0.Add(year)},
		"big serial":   {Serial: 1 << 63, ID: "x", Role: RoleWallet, PublicKey: pub, NotBefore: t0, NotAfter: t0.Add(year)},
		"empty id":     {Serial: 1, ID: "", Role: RoleWallet, PublicKey: pub, NotBefore: t0, NotAfter: t0.Add(year)},
		"space in id":  {Serial: 1, ID: "a b", Role: RoleWallet, PublicKey: pub, NotBefore: t0, NotAfter: t0.Add(year)},
		"unknown role": {Serial: 1, ID: "x", Role: "bank", PublicKey: pub, NotBefore: t0, NotAfter: t0.Add(year)},
		"issue a root": {Serial: 1, ID: "x", Role: RoleRoot, PublicKey: pub, NotBefore: t0, NotAfter: t0.Add(year)},
		"empty period": {Serial: 1, ID: "x", Role: RoleWallet, PublicKey: pub, NotBefore: t0, NotAfter: t0},
		"no key":       {Serial: 1, ID: "x", Role: RoleWallet, NotBefore: t0, NotAfter: t0.Add(year)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := a.Issue(tmpl)
			wantCode(t, err, spec.CodeMalformed)
		})
	}
	_, err := a.Issue(Template{Serial: 1, ID: "x", Role: RoleWallet, PublicKey: keyOf(t, suite.All()[1], "x").Public(), NotBefore: t0, NotAfter: t0.Add(year)})
	wantCode(t, err, spec.CodeWrongSuite)
}

// OpenSSL, an independent X.509 implementation, must accept the chain.
func TestCertificatesWithOpenSSL(t *testing.T) {
	forEach(t, func(t *testing.T, s suite.Suite) {
		alg := map[suite.ID]opensslcli.Alg{suite.GM: opensslcli.SM2, suite.INTL: opensslcli.P256}[s.ID()]
		tool := opensslcli.Require(t, alg)
		a := root(t, s, "root")
		c := wallet(t, a, 7, "SE-0007")
		out, err := tool.VerifyChain(a.Cert.Raw, c.Raw, t0.Add(time.Hour))
		if errors.Is(err, opensslcli.ErrUnavailable) {
			t.Skipf("independent chain check not run: %v", err)
		}
		if err != nil {
			t.Fatalf("%s rejects our %s chain: %v", tool.Version(), s.ID(), err)
		}
		t.Log(out)
		rogue := wallet(t, root(t, s, "rogue"), 7, "SE-0007")
		if _, err := tool.VerifyChain(a.Cert.Raw, rogue.Raw, t0.Add(time.Hour)); err == nil {
			t.Fatal("openssl accepts a certificate from another root: the check is not discriminating")
		}
	})
}

// Parse results are cached; a caller that scribbles on what it got must
// not change what the next caller gets.
func TestParseCacheIsolation(t *testing.T) {
	s := suite.Default()
	c := wallet(t, root(t, s, "root"), 7, "SE-7")
	a, err := Parse(s, c.Raw)
	if err != nil {
		t.Fatal(err)
	}
	a.ID = "mallory"
	a.Raw[len(a.Raw)-1] ^= 0xFF
	b, err := Parse(s, c.Raw)
	if err != nil || b.ID != "SE-7" || !bytes.Equal(b.Raw, c.Raw) {
		t.Fatalf("cached certificate changed by an earlier caller: %q %v", b.ID, err)
	}
}

// TestRevocationListCache: parsing one list twice gives equal, separate
// values and verifies once; a list under another root is still refused
// after the first parse succeeded; a tampered list is refused.
func TestRevocationListCache(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			r := detrand.New(9, "crl cache")
			k1, _ := s.GenerateKey(r)
			k2, _ := s.GenerateKey(r)
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			a1, err := NewRoot(s, k1, "ROOT-1", 1, at, at.AddDate(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			a2, err := NewRoot(s, k2, "ROOT-2", 1, at, at.AddDate(1, 0, 0))
			if err != nil {
				t.Fatal(err)
			}
			l, err := a1.Revoke(7, at, at.Add(time.Hour), 5, 6)
			if err != nil {
				t.Fatal(err)
			}
			before := opcount.Of(s.ID())
			x, err := ParseRevocationList(l.Raw, a1.Cert)
			if err != nil {
				t.Fatal(err)
			}
			y, err := ParseRevocationList(l.Raw, a1.Cert)
			if err != nil {
				t.Fatal(err)
			}
			if v := opcount.Of(s.ID()).Sub(before).Verify; v != 0 {
				t.Errorf("re-parsing a list Revoke already parsed verified %d signatures", v)
			}
			if x == y || &x.Raw[0] == &y.Raw[0] || !x.Revoked(5) || !y.Revoked(6) || y.Revoked(7) || x.Number != 7 || y.Len() != 2 {
				t.Errorf("cached parses: %+v %+v", x, y)
			}
			x.Raw[0] ^= 1 // a caller's change reaches no other copy
			if z, _ := ParseRevocationList(l.Raw, a1.Cert); z.Raw[0] != l.Raw[0] {
				t.Error("a caller's change to Raw reached the cache")
			}
			if _, err := ParseRevocationList(l.Raw, a2.Cert); err == nil {
				t.Error("a list accepted under a root that did not sign it")
			}
			bad := bytes.Clone(l.Raw)
			bad[len(bad)-5] ^= 1
			if _, err := ParseRevocationList(bad, a1.Cert); err == nil {
				t.Error("a tampered list accepted")
			}
		})
	}
}
