//go:build unix

package adapter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/vectors"
)

func TestVerifier(t *testing.T) {
	hostile(t, 5*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "good"))
		cfg := &VendorConfig{
			Disabled: []DisabledCase{{TcID: "off-*", Reason: "hardware lacks SM4"}},
			Errors:   map[string]string{"VENDOR_BAD_SIG": "bad-signature"},
		}
		v := NewVerifier(p, cfg)
		ctx := context.Background()
		pid := p.Pid()

		o, err := v.VerifyVector(ctx, stubCase("a", stubInput{Error: "VENDOR_BAD_SIG"}))
		if err != nil || o.Valid || o.Error != "bad-signature" {
			t.Errorf("vendor name: %+v, %v", o, err)
		}
		o, err = v.VerifyVector(ctx, stubCase("b", stubInput{Error: "replay"}))
		if err != nil || o.Error != "replay" {
			t.Errorf("canonical code: %+v, %v", o, err)
		}
		if _, err = v.VerifyVector(ctx, stubCase("c", stubInput{Error: "VENDOR_UNKNOWN"})); err == nil || !strings.Contains(err.Error(), "VENDOR_UNKNOWN") {
			t.Errorf("unmapped name: %v", err)
		}
		if _, err = v.VerifyVector(ctx, stubCase("c2", stubInput{Valid: true, Error: "replay"})); err == nil {
			t.Error("valid with an error code accepted")
		}
		var se *SkipError
		_, err = v.VerifyVector(ctx, stubCase("d", stubInput{Unimplemented: true}))
		if !errors.Is(err, vectors.ErrUnimplemented) || !errors.As(err, &se) || se.Why != SkipUnimplemented {
			t.Errorf("unimplemented answer: %v", err)
		}
		_, err = v.VerifyVector(ctx, stubCase("off-1", stubInput{Valid: true}))
		if !errors.As(err, &se) || se.Why != SkipDisabled || se.Reason != "hardware lacks SM4" || !errors.Is(err, vectors.ErrUnimplemented) {
			t.Errorf("disabled case: %v", err)
		}
		c := stubCase("e", stubInput{Valid: true})
		c.Scheme = "chain" // not declared by the helper
		_, err = v.VerifyVector(ctx, c)
		if !errors.As(err, &se) || se.Why != SkipUndeclared {
			t.Errorf("undeclared scheme: %v", err)
		}
		_, err = v.VerifyVector(ctx, stubCase("f", stubInput{Fail: "VENDOR_PANIC"}))
		var re *RemoteError
		if !errors.As(err, &re) || errors.Is(err, vectors.ErrUnimplemented) {
			t.Errorf("error answer: %v", err)
		}
		if o, err := v.VerifyVector(ctx, stubCase("g", stubInput{Valid: true})); err != nil || !o.Valid {
			t.Errorf("valid: %+v, %v", o, err)
		}
		p.Close()
		return []int{pid}
	})
}

// TestVerifierRestarts: after a crash the next case runs on a restarted
// process; after MaxFailures consecutive failures the implementation is
// declared unusable and later cases fail fast.
func TestVerifierRestarts(t *testing.T) {
	hostile(t, 5*time.Second, func(t *testing.T) []int {
		p := start(t, helperConfig(t, "crash-mid-line"))
		v := NewVerifier(p, nil)
		v.MaxFailures = 3
		ctx := context.Background()
		for i := range 3 {
			_, err := v.VerifyVector(ctx, stubCase("x", stubInput{Valid: true}))
			wantKind(t, err, KindExited)
			if (i == 2) != errors.Is(v.Unusable(), ErrUnusable) {
				t.Fatalf("after failure %d: Unusable() = %v", i+1, v.Unusable())
			}
		}
		if v.Restarts() != 2 || p.Starts() != 3 {
			t.Errorf("restarts %d, starts %d", v.Restarts(), p.Starts())
		}
		// Once it gave up it answers at once: no new process is started.
		starts := p.Starts()
		if _, err := v.VerifyVector(ctx, stubCase("y", stubInput{Valid: true})); !errors.Is(err, ErrUnusable) || p.Starts() != starts {
			t.Errorf("after giving up: %v, and %d more starts", err, p.Starts()-starts)
		}
		p.Close()
		return nil
	})
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		f := filepath.Join(dir, "c.json")
		os.WriteFile(f, []byte(s), 0o644)
		return f
	}
	c, err := LoadConfig(write(`{"disabled": [{"tcId": "spec-GM-coin-1", "reason": "no SM2 in this build"}, {"tcId": "chain-*", "reason": "no QR reader"}],
		"errors": {"VENDOR_BAD_SIG": "bad-signature"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := c.DisabledReason("chain-GM-qr-7"); !ok || r != "no QR reader" {
		t.Errorf("pattern: %q %v", r, ok)
	}
	if _, ok := c.DisabledReason("spec-GM-coin-2"); ok {
		t.Error("spec-GM-coin-2 disabled")
	}
	if code, ok := c.Canonical("VENDOR_BAD_SIG"); !ok || code != spec.CodeBadSignature {
		t.Errorf("Canonical: %q %v", code, ok)
	}
	if _, err := LoadConfig(write(`{}`)); err != nil {
		t.Errorf("empty config: %v", err)
	}
	for name, bad := range map[string]string{
		"unknown field":       `{"disabled": [], "suppress": []}`,
		"unknown case field":  `{"disabled": [{"tcId": "x", "reason": "r", "bug": 1}]}`,
		"empty reason":        `{"disabled": [{"tcId": "x", "reason": " "}]}`,
		"no reason":           `{"disabled": [{"tcId": "x"}]}`,
		"empty tcId":          `{"disabled": [{"tcId": "", "reason": "r"}]}`,
		"twice":               `{"disabled": [{"tcId": "x", "reason": "r"}, {"tcId": "x", "reason": "s"}]}`,
		"bad pattern":         `{"disabled": [{"tcId": "[x", "reason": "r"}]}`,
		"non-canonical":       `{"errors": {"E1": "signature-bad"}}`,
		"maps canonical name": `{"errors": {"bad-signature": "malformed"}}`,
		"empty name":          `{"errors": {"": "malformed"}}`,
		"trailing":            `{} {}`,
		"not json":            `disabled: x`,
	} {
		_, err := LoadConfig(write(bad))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.File == "" {
			t.Errorf("%s: got %v, want a *ConfigError naming the file", name, err)
		}
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

// BenchmarkAdapterVerify measures static cases per second through the
// adapter: JSON encoding, the pipe round trip, decoding and the checks of
// the harness, with a helper implementation that answers at once (no
// crypto of its own).
func BenchmarkAdapterVerify(b *testing.B) {
	p := start(b, helperConfig(b, "good"))
	defer p.Close()
	v := NewVerifier(p, &VendorConfig{Errors: map[string]string{"VENDOR_BAD_SIG": "bad-signature"}})
	ctx := context.Background()
	c := stubCase("bench", stubInput{Error: "VENDOR_BAD_SIG"})
	// A realistic input size: a coin DER and a key in hex.
	c.Input = []byte(`{"error":"VENDOR_BAD_SIG","coin":"` + strings.Repeat("ab", 300) + `","issuerPublicKey":"` + strings.Repeat("cd", 91) + `"}`)
	b.ResetTimer()
	for b.Loop() {
		o, err := v.VerifyVector(ctx, c)
		if err != nil || o.Error != "bad-signature" {
			b.Fatalf("%+v, %v", o, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

func TestHelloPlays(t *testing.T) {
	h := Hello{Devices: []string{"cert"}, Roles: []string{"payer", "payee"}, Suites: []string{"GM"}}
	for _, c := range []struct {
		got, want bool
		what      string
	}{
		{h.PlaysWallet("cert"), true, "cert"},
		{h.PlaysWallet("cert-literal"), true, "cert-literal (the cert wallet)"},
		{h.PlaysWallet("chip"), false, "chip"},
		{h.PlaysRole("wallet"), true, "wallet (payer and payee)"},
		{(&Hello{Roles: []string{"payer"}}).PlaysRole("wallet"), false, "wallet with payer only"},
		{(&Hello{Devices: []string{"*"}}).PlaysWallet("chain"), true, "chain under *"},
		{(&Hello{Devices: []string{"*"}}).PlaysWallet("chain-literal"), false, "chain-literal (no external wallet)"},
		{h.HasSuite("INTL"), false, "INTL"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
}
