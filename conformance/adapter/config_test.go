package adapter

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dualoffline/dualoffline/spec"
)

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

func TestHelloPlays(t *testing.T) {
	h := Hello{Devices: []string{"cert"}, Roles: []string{"payer", "payee"}, Suites: []string{"GM"}}
	for _, c := range []struct {
		got, want bool
		what      string
	}{
		{h.PlaysWallet("cert"), true, "cert"},
		{h.PlaysWallet("chip"), false, "chip"},
		{h.PlaysRole("wallet"), true, "wallet (payer and payee)"},
		{(&Hello{Roles: []string{"payer"}}).PlaysRole("wallet"), false, "wallet with payer only"},
		{(&Hello{Devices: []string{"*"}}).PlaysWallet("chain"), true, "chain under *"},
		{(&Hello{Devices: []string{"*"}}).PlaysWallet(""), false, "a scheme with no external wallet, under *"},
		{h.HasSuite("INTL"), false, "INTL"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
}
