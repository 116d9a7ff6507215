package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/reader"
	"github.com/dualoffline/dualoffline/internal/docexamples"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/device/vcard"
)

// cardVerdicts runs check --reader against the card in reader name, which
// plays wallet-A, and asserts the exit code and what the output names; it
// returns the results the run wrote.
func cardVerdicts(t *testing.T, name string, wantCode int, want ...string) *conformance.Results {
	t.Helper()
	var out, errb bytes.Buffer
	js := filepath.Join(t.TempDir(), "results.json")
	args := []string{"check", "--reader", name, "--scheme", "chip", "--role", "payer", "--suite", "GM", "--only", "R2.1-crash-every-point", "--checks", "3", "--json", js}
	code := run(args, &out, &errb)
	if code != wantCode {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("%s: the output does not contain %q:\n%s", strings.Join(args, " "), w, out.String())
		}
	}
	f, err := os.Open(js)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := conformance.ReadResults(f)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// serveVirtual serves a virtual card (mutant, or the reference) to addr
// until the test ends.
func serveVirtual(t *testing.T, addr, mutant string) {
	t.Helper()
	stop, err := vcard.Start(addr, chip.Scheme{}, t.TempDir(), mutant, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
}

// TestCheckReaderSocket is the reader path without PC/SC: the terminal's
// own vpcd socket, the virtual card dialling it. The reference card
// passes R2.1's crash property through the reader; the card of
// forget-spend-on-crash fails it, and the failure names the card.
func TestCheckReaderSocket(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mutant string
		code   int
		want   []string
	}{
		{"", exitOK, []string{"pass 1/1"}},
		{"forget-spend-on-crash", exitUnexpected, []string{"FAIL chip@payer/GM R2.1-crash-every-point", "[the wallet was the card in reader \"vpcd:", fmt.Sprintf("ATR %X", vcard.ATR())}},
	} {
		t.Run("mutant="+tc.mutant, func(t *testing.T) {
			s, err := reader.Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			serveVirtual(t, s.Addr(), tc.mutant)
			rs := cardVerdicts(t, s.Name(), tc.code, tc.want...)
			if got := rs.Env.Params["reader 1"]; !strings.Contains(got, s.Name()) || !strings.Contains(got, fmt.Sprintf("ATR %X", vcard.ATR())) {
				t.Errorf("the results' env names reader 1 as %q; want its name and the card's ATR", got)
			}
		})
	}
}

// TestCheckReaderWalletRole: three cards play every wallet, under both
// suites. The suites' jobs share the cards, so they run one at a time (two
// jobs each holding some readers used to wait for each other's until the
// reader wait ran out); and the replay line the run prints, with its
// "chip@wallet" target, runs.
func TestCheckReaderWalletRole(t *testing.T) {
	t.Parallel()
	checks := "2"
	if testing.Short() {
		checks = "1" // -short: one case per suite and in the replay; the full suite runs two
	}
	args := []string{"check", "--scheme", "chip", "--role", "wallet", "--only", "R2.1-crash-every-point", "--checks", checks}
	for range 3 {
		s, err := reader.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		serveVirtual(t, s.Addr(), "")
		args = append(args, "--reader", s.Name())
	}
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != exitOK {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, exitOK, out.String(), errb.String())
	}
	replay := []string{"check", "--scheme", "chip@wallet", "--suite", "INTL", "--only", "R2.1-crash-every-point", "--checks", checks}
	replay = append(replay, args[len(args)-6:]...)
	out.Reset()
	if code := run(replay, &out, &errb); code != exitOK || !strings.Contains(out.String(), "chip@wallet  INTL   -            pass 1/1") {
		t.Fatalf("%s: exit %d, want %d and a chip@wallet/INTL result\nstdout:\n%s\nstderr:\n%s", strings.Join(replay, " "), code, exitOK, out.String(), errb.String())
	}
}

// TestReadmeCardCommands: the command lines of the README's card
// subsection name subcommands and flags the CLI has.
func TestReadmeCardCommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, "### The chip card in a PC/SC reader")
	if start < 0 {
		t.Fatal("README has no card subsection")
	}
	end := len(doc)
	if i := strings.Index(doc[start+1:], "\n#"); i >= 0 {
		end = start + 1 + i
	}
	blocks, err := docexamples.Parse("README.md", []byte(doc[start:end]))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range docexamples.Lang(blocks, "sh") {
		for _, line := range docexamples.Commands(b) {
			argv, err := splitCommand(strings.TrimSuffix(strings.TrimSpace(line), "&"))
			if err != nil {
				t.Errorf("%q: %v", line, err)
				continue
			}
			if len(argv) < 2 || !strings.HasSuffix(argv[0], "/dualoffline") {
				continue // apt-get, pcscd, go build
			}
			cmd, rest, err := newRoot(io.Discard, io.Discard).Find(argv[1:])
			if err != nil || !cmd.HasParent() {
				t.Errorf("%q: no such subcommand (%v)", line, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%q: %v", line, err)
			}
			n++
		}
	}
	if n < 4 {
		t.Errorf("found %d dualoffline command lines in the card subsection, want at least 4", n)
	}
}

// TestCheckReaderUsage: --reader refuses what it cannot run, before
// touching a reader.
func TestCheckReaderUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--reader", "r", "--impl", "x"}, "--reader and --impl"},
		{[]string{"check", "--reader", "r", "--scheme", "cert"}, "only a scheme whose wallet is a card (chip)"},
		{[]string{"check", "--reader", "r", "--role", "wallet"}, "a --reader for each of the 3 wallets"},
		{[]string{"check", "--reader", "r", "--role", "buyer"}, "unknown role"},
		{[]string{"card", "serve", "--scheme", "chain"}, "its wallet is not a card (card wallets: chip)"},
		{[]string{"card", "serve", "--mutant", "evidence-names-payee"}, "unknown card mutant"},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d naming %q", strings.Join(tc.args, " "), code, errb.String(), exitUsage, tc.want)
		}
	}
	if reader.HavePCSC {
		return
	}
	var out, errb bytes.Buffer
	if code := run([]string{"card", "readers"}, &out, &errb); code != exitUnusable || !strings.Contains(errb.String(), "-tags pcsc") {
		t.Errorf("card readers without PC/SC: exit %d, stderr %q; want exit %d naming the pcsc build tag", code, errb.String(), exitUnusable)
	}
}
