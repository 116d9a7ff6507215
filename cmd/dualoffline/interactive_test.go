package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The example vendor's wallets, which are the reference wallets behind the
// protocol, pass the interactive suites.
func TestCheckImplExampleVendor(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	// Every role runs in-process in conformance/interactive; here the
	// point is real processes, most of them with role wallet.
	roles, only := "wallet", "R2"
	if testing.Short() {
		// R2.1's crash property restarts the processes; its
		// online-cut-then-spend (most of R2.1's time) runs in the full
		// suite.
		roles, only = "payee", "R2.1-crash-every-point,R2.2"
	}
	report := filepath.Join(t.TempDir(), "results.json")
	out, code := runCLI("check", "--impl", bin, "--scheme", "chip", "--role", roles, "--suite", "GM", "--only", only, "--checks", "2", "--json", report)
	if code != exitOK {
		t.Fatalf("example vendor: exit %d\n%s", code, out)
	}
	for _, want := range []string{"implementation: dualoffline-example-vendor", "chip@", "wallet devices started"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rs struct {
		Results []struct {
			Target, Verdict, Replay string
		}
	}
	if err := json.Unmarshal(b, &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs.Results) == 0 {
		t.Fatal("no results")
	}
	for _, r := range rs.Results {
		if !strings.HasPrefix(r.Target, "chip@") || !strings.Contains(r.Replay, "--impl ") {
			t.Errorf("result of %s, replay %q: not an interactive target", r.Target, r.Replay)
		}
	}
}

// The other schemes' wallets too, one role each.
func TestCheckImplExampleVendorCertChain(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: the chip wallet stands for the seam (TestCheckImplExampleVendor); cert and chain run in the full suite")
	}
	bin := exampleVendor(t)
	out, code := runCLI("check", "--impl", bin, "--scheme", "cert,cert-literal,chain", "--role", "payer", "--suite", "INTL", "--only", "R5", "--checks", "1")
	if code != exitOK {
		t.Fatalf("example vendor: exit %d\n%s", code, out)
	}
	for _, want := range []string{"cert@payer", "cert-literal@payer", "chain@payer"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A wallet with a bug is caught: the example vendor playing a card that
// forgets a spend when it loses power.
func TestCheckImplBrokenVendor(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	only := "R2"
	if testing.Short() {
		// -short: the property that catches the bug first; the full
		// suite runs all of R2 on it.
		only = "R2.1-crash-every-point"
	}
	out, code := runCLI("check", "--impl", bin+" -device-mutant forget-spend-on-crash", "--scheme", "chip", "--role", "payer", "--suite", "GM", "--only", only, "--checks", "3")
	if code != exitUnexpected {
		t.Fatalf("broken vendor: exit %d, want %d\n%s", code, exitUnexpected, out)
	}
	if !strings.Contains(out, "FAIL chip@payer/GM") || !strings.Contains(out, "--impl '") {
		t.Errorf("the failure or its replay line is not printed:\n%s", out)
	}
}

func TestCheckImplUsage(t *testing.T) {
	bin := exampleVendor(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--impl", bin, "--role", "merchant"}, exitUsage, "unknown role"},
		{[]string{"--impl", bin, "--scheme", "nope"}, exitUsage, "unknown scheme"},
		{[]string{"--impl", filepath.Join(t.TempDir(), "missing")}, exitUnusable, "implementation unusable"},
		{[]string{"--impl", bin, "--config", filepath.Join(t.TempDir(), "missing.json")}, exitUsage, "missing.json"},
	} {
		out, code := runCLI(append([]string{"check"}, c.args...)...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("check %v: exit %d, want %d with %q\n%s", c.args, code, c.code, c.want, out)
		}
	}
}
