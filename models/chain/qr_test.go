package chain

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/device/qr"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestQRProfile: a payment's largest code is models/device/qr's at
// QRVersion, and MaxPaymentDER is exactly what it holds at QRLevel.
func TestQRProfile(t *testing.T) {
	if QRLevel != qr.Level || QRVersion > qr.MaxVersion {
		t.Fatalf("QRLevel %s, QRVersion %d: models/device/qr draws level %s up to version %d", QRLevel, QRVersion, qr.Level, qr.MaxVersion)
	}
	if n := qr.Capacity(QRVersion); n != MaxPaymentDER {
		t.Errorf("a version-%d code holds %d bytes, MaxPaymentDER is %d", QRVersion, n, MaxPaymentDER)
	}
}

// zbarimg decodes the QR code in the image at path with zbarimg, or
// skips the test naming the missing piece.
func zbarimg(t *testing.T, path string) []byte {
	t.Helper()
	out, err := qr.ScanImage(path)
	if errors.Is(err, qr.ErrNoZbar) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// qrVector is the part of a vector of kind qr this test reads.
type qrVector struct {
	TcID   string `json:"tcId"`
	Result string `json:"result"`
	Error  string `json:"error"`
	Input  struct {
		Payment, Root, Payee, Nonce string
		Amount, At                  json.Number
	} `json:"input"`
}

func readQRVectors(t *testing.T, id suite.ID) []qrVector {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "vectors", "chain_"+string(id)+"_qr_test.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		TestGroups []struct{ Tests []qrVector } `json:"testGroups"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	var out []qrVector
	for _, g := range f.TestGroups {
		out = append(out, g.Tests...)
	}
	if len(out) == 0 {
		t.Fatalf("no vectors of kind qr for %s", id)
	}
	return out
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every chain vector of kind qr, drawn and decoded by zbarimg, reads back
// as the exact payload bytes, and the payee fed the scanned bytes decides
// as the vector says. The one over the bound is refused before drawing.
// Under -short each suite's first case of each QR version and result
// (the symbol sizes and verdicts the vectors hold, the one over the
// bound among them) goes through zbarimg, one process each; the full run
// takes every case.
func TestQRVectorsThroughZbar(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip(qr.ErrNoZbar)
	}
	dir := t.TempDir()
	for _, s := range suite.All() {
		type kind struct {
			version int
			result  string
		}
		seen := map[kind]bool{}
		vs := readQRVectors(t, s.ID())
		for _, v := range vs {
			if testing.Short() {
				version, _ := qr.VersionFor(len(v.Input.Payment)/2, QRVersion)
				k := kind{version, v.Result}
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			t.Run(v.TcID, func(t *testing.T) {
				payload := unhex(t, v.Input.Payment)
				c, err := qr.Draw(payload, QRVersion)
				if len(payload) > MaxPaymentDER {
					if spec.CodeOf(err) != spec.CodeMalformed || c != nil {
						t.Fatalf("a %d-byte payload: qr.Draw = %v; want malformed before drawing", len(payload), err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := qr.VersionFor(len(payload), QRVersion); c.Version != want {
					t.Errorf("drawn at version %d, want %d", c.Version, want)
				}
				path := filepath.Join(dir, v.TcID+".png")
				var buf bytes.Buffer
				if err := c.WritePNG(&buf); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				scanned := zbarimg(t, path)
				if diff := cmp.Diff(payload, scanned); diff != "" {
					t.Fatalf("zbarimg read other bytes (-want +got):\n%s", diff)
				}
				amount, _ := strconv.ParseInt(v.Input.Amount.String(), 10, 64)
				at, _ := strconv.ParseInt(v.Input.At.String(), 10, 64)
				req := ScanRequest{Suite: s, Payee: Address(unhex(t, v.Input.Payee)), Root: unhex(t, v.Input.Root),
					Amount: amount, Nonce: [NonceSize]byte(unhex(t, v.Input.Nonce)), At: time.Unix(at, 0).UTC()}
				got := spec.CodeOf(Scan(req, scanned))
				want := spec.Code(v.Error)
				if v.Result == "valid" {
					want = ""
				}
				if got != want {
					t.Errorf("the payee fed the scan refuses with %q, the vector says %q", got, want)
				}
			})
		}
		if testing.Short() {
			t.Logf("-short: %s: %d of %d qr cases, the first of each QR version and result; the full run takes every case", s.ID(), len(seen), len(vs))
		}
	}
}

// A camera stands between the payer's display and the payee's scanner:
// what it reads is what the payee decides on. Read faithfully, the
// payment goes through; one byte misread, the payee refuses it; nothing
// read, the payee has nothing. The payer has spent either way.
func TestCamera(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cam      Camera
		received bool
		code     spec.Code
	}{
		{"faithful", func(b []byte) ([]byte, error) { return b, nil }, true, ""},
		{"misread", func(b []byte) ([]byte, error) {
			b = bytes.Clone(b)
			b[len(b)-1] ^= 1
			return b, nil
		}, false, spec.CodeBadSignature},
		{"unread", func([]byte) ([]byte, error) { return nil, errors.New("glare") }, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newInstance(t, 1)
			modeltest.MustFund(t, in, "wallet-A", 1000)
			var shown []byte
			if err := in.SetCamera("wallet-A", func(b []byte) ([]byte, error) { shown = b; return tc.cam(b) }); err != nil {
				t.Fatal(err)
			}
			p, err := in.Pay("wallet-A", "wallet-B", 230, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParsePayment(shown); err != nil {
				t.Fatalf("the camera was not shown the payment: %v", err)
			}
			var code spec.Code
			if len(p.Outcome.Rejections) > 0 {
				code = spec.CodeOf(p.Outcome.Rejections[0].Err)
			}
			if !p.Paid || p.Received != tc.received || code != tc.code {
				t.Fatalf("paid %v, received %v, refused %q; want paid, received %v, refused %q", p.Paid, p.Received, code, tc.received, tc.code)
			}
			if err := in.SetCamera("wallet-A", nil); err != nil {
				t.Fatal(err)
			}
			if p, _ := in.Pay("wallet-A", "wallet-C", 100, nil); !p.Received {
				t.Fatalf("with the camera removed: %+v", p.Outcome.Rejections)
			}
		})
	}
}
