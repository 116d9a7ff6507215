package main

import (
	"bytes"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/internal/docexamples"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/device/qr"
)

// runIn runs the CLI with stdin and returns what it printed and its exit
// status.
func runIn(stdin io.Reader, args ...string) (string, int) {
	var out bytes.Buffer
	root := newRoot(&out, &out)
	root.SetIn(stdin)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return out.String() + err.Error(), exitUsage
		}
		return out.String() + err.Error(), exitUnexpected
	}
	return out.String(), exitOK
}

// simulate --qr-out draws the A→B payment as a PNG; zbarimg reads it back
// to the payload bytes, and a run of the same seed whose wallet-B scans
// the image (or the bytes zbarimg printed, on stdin) ends as the first
// did: wallet-B stores the payment. A run asking another amount refuses
// the same code. Without zbarimg only the drawing is checked.
func TestSimulateQR(t *testing.T) {
	pay := filepath.Join(t.TempDir(), "pay.png")
	drawn, code := runIn(nil, "simulate", "--scheme", "chain", "--qr-out", pay)
	if code != exitOK {
		t.Fatalf("--qr-out: exit %d\n%s", code, drawn)
	}
	f, err := os.Open(pay)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(f)
	f.Close()
	if err != nil {
		t.Fatalf("--qr-out wrote no PNG: %v", err)
	}
	if !strings.Contains(drawn, "the payment QR code") || !strings.Contains(drawn, "received 230 fen") {
		t.Fatalf("--qr-out trace lacks the drawing or the receipt:\n%s", drawn)
	}
	t.Logf("pay.png: %d×%d pixels", cfg.Width, cfg.Height)
	payload, err := qr.ScanImage(pay)
	if errors.Is(err, qr.ErrNoZbar) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.ParsePayment(payload); err != nil {
		t.Fatalf("zbarimg read %d bytes that are not a payment: %v", len(payload), err)
	}
	for _, tc := range []struct {
		name  string
		stdin io.Reader
		args  []string
		want  []string
	}{
		{"image", nil, []string{"--qr-in", pay}, []string{"exactly what wallet-A shows", "wallet-B: received 230 fen"}},
		{"stdin", bytes.NewReader(payload), []string{"--qr-in", "-"}, []string{"exactly what wallet-A shows", "wallet-B: received 230 fen"}},
		{"other-amount", nil, []string{"--qr-in", pay, "--amount", "231"}, []string{"not what wallet-A shows", "refuses QR from wallet-A: value-mismatch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, code := runIn(tc.stdin, append([]string{"simulate", "--scheme", "chain"}, tc.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("the trace lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// A scheme whose payment is no QR code is refused first, whatever the
// scan; a scan over the scheme's largest code, or of a file that is not
// there, is a usage error naming what is wrong.
func TestSimulateQRUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.png")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "--scheme", "chip", "--qr-out", filepath.Join(t.TempDir(), "x.png")}, "need a scheme whose payment is a QR code"},
		{[]string{"simulate", "--scheme", "cert", "--qr-in", missing}, "need a scheme whose payment is a QR code"},
		{[]string{"simulate", "--scheme", "chain", "--qr-in", "-"}, "more than 997 bytes"},
		{[]string{"simulate", "--scheme", "chain", "--qr-in", missing}, "no image file to scan"},
	} {
		stdin := bytes.NewReader(make([]byte, chain.MaxPaymentDER+1))
		if got, code := runIn(stdin, tc.args...); code != exitUsage || !strings.Contains(got, tc.want) {
			t.Errorf("%q: exit %d, want %d naming %q\n%s", tc.args, code, exitUsage, tc.want, got)
		}
	}
}

// A payment stopped before wallet-A shows its code draws nothing and says
// so: --qr-out must not succeed without writing its file.
func TestSimulateQRNotShown(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.png")
	got, code := runIn(bytes.NewReader(nil), "simulate", "--scheme", "chain", "--faults", "crash-at@1", "--qr-out", out)
	if code == 0 || !strings.Contains(got, "showed no payment QR code") {
		t.Errorf("exit %d, want an error naming the missing code:\n%s", code, got)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written, though no code was shown", out)
	}
}

// The command lines of the README's QR code subsection of "Hardware" name
// subcommands and flags the CLI has.
func TestReadmeQRCommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, "### QR code through a decoder")
	if start < 0 {
		t.Fatal("README has no QR subsection under Hardware")
	}
	end := len(doc)
	for _, next := range []string{"\n### ", "\n## "} {
		if i := strings.Index(doc[start+1:], next); i >= 0 {
			end = min(end, start+1+i)
		}
	}
	blocks, err := docexamples.Parse("README.md", []byte(doc[start:end]))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range docexamples.Lang(blocks, "sh") {
		var lines []string
		for _, line := range docexamples.Commands(b) {
			lines = append(lines, strings.Split(line, " | ")...) // each command of a pipeline
		}
		for _, line := range lines {
			argv, err := splitCommand(line)
			if err != nil {
				t.Errorf("%q: %v", line, err)
				continue
			}
			if len(argv) < 3 || argv[0] != "go" || argv[1] != "run" || argv[2] != "./cmd/dualoffline" {
				continue
			}
			root := newRoot(io.Discard, io.Discard)
			cmd, rest, err := root.Find(argv[3:])
			if err != nil || cmd == root {
				t.Errorf("%q: no such subcommand (%v)", line, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%q: %v", line, err)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no dualoffline command lines in the README's QR subsection")
	}
}
