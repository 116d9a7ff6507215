package qr

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	qrcode "github.com/yeqown/go-qrcode/v2"
	"rsc.io/qr"

	"github.com/dualoffline/dualoffline/spec"
)

// qrPattern is n bytes no decoder can take for text: every byte value,
// repeating.
func qrPattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(0x80 + 37*i)
	}
	return p
}

// The capacity table is ISO/IEC 18004's: at every version up to MaxVersion
// the go-qrcode encoder takes exactly that many bytes in byte mode at
// level M and not one more, and rsc.io/qr, another encoder, needs that
// version for them.
func TestCapacity(t *testing.T) {
	for v := 1; v <= MaxVersion; v++ {
		n := byteCapacity[v]
		opts := func(v int) []qrcode.EncodeOption {
			return []qrcode.EncodeOption{qrcode.WithEncodingMode(qrcode.EncModeByte),
				qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium), qrcode.WithVersion(v)}
		}
		if _, err := qrcode.NewWith(qrPattern(n), opts(v)...); err != nil {
			t.Errorf("version %d: %d bytes do not encode: %v", v, n, err)
		}
		if _, err := qrcode.NewWith(qrPattern(n+1), opts(v)...); err == nil {
			t.Errorf("version %d: %d bytes encode, the table says %d at most", v, n+1, n)
		}
		c, err := qr.Encode(string(qrPattern(n)), qr.M)
		if err != nil {
			t.Fatal(err)
		}
		if got := (c.Size - 17) / 4; got != v {
			t.Errorf("rsc.io/qr puts %d bytes in version %d, the table in %d", n, got, v)
		}
		if got, err := VersionFor(n, MaxVersion); got != v || err != nil {
			t.Errorf("VersionFor(%d) = %d, %v; want %d", n, got, err, v)
		}
	}
	if Capacity(0) != 0 || Capacity(MaxVersion+1) != 0 {
		t.Error("Capacity outside 1..MaxVersion is not 0")
	}
}

// A payload larger than the largest version holds is refused with
// malformed before anything is drawn; one that fits draws at the version
// VersionFor names, and the same payload draws the same PNG.
func TestDraw(t *testing.T) {
	for _, n := range []int{Capacity(MaxVersion) + 1, 4096} {
		if c, err := Draw(qrPattern(n), MaxVersion); spec.CodeOf(err) != spec.CodeMalformed || c != nil {
			t.Errorf("Draw(%d bytes) = %v, %v; want malformed", n, c, err)
		}
	}
	c, err := Draw(qrPattern(Capacity(MaxVersion)), MaxVersion)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != MaxVersion || c.Size != 17+4*MaxVersion {
		t.Errorf("%d bytes drew version %d (%d modules), want %d", Capacity(MaxVersion), c.Version, c.Size, MaxVersion)
	}
	var a, b bytes.Buffer
	if err := c.WritePNG(&a); err != nil {
		t.Fatal(err)
	}
	c2, _ := Draw(qrPattern(Capacity(MaxVersion)), MaxVersion)
	if err := c2.WritePNG(&b); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same payload drew different PNGs (%v)", err)
	}
}

// A smaller largest version refuses what only a larger one holds, and
// draws what it holds at the smallest version.
func TestDrawWithinMaxVersion(t *testing.T) {
	if _, err := Draw(qrPattern(Capacity(10)+1), 10); spec.CodeOf(err) != spec.CodeMalformed {
		t.Errorf("Draw(%d bytes, 10) = %v; want malformed", Capacity(10)+1, err)
	}
	c, err := Draw(qrPattern(Capacity(9)+1), 10)
	if err != nil || c.Version != 10 {
		t.Fatalf("Draw(%d bytes, 10) = %v, %v; want version 10", Capacity(9)+1, c, err)
	}
}

// TestScanImage: a drawn code reads back as its exact bytes through
// zbarimg (skipped, naming the missing tool, where zbar-tools is not
// installed), and an image with no code is malformed.
func TestScanImage(t *testing.T) {
	payload := qrPattern(300)
	c, err := Draw(payload, MaxVersion)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := c.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "-code.png") // a name zbarimg must not take for an option
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(payload, zbarimg(t, path)); diff != "" {
		t.Errorf("zbarimg read other bytes (-want +got):\n%s", diff)
	}
	blank := filepath.Join(t.TempDir(), "blank.png")
	var white bytes.Buffer
	if err := png.Encode(&white, image.NewGray(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blank, white.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ScanImage(blank); spec.CodeOf(err) != spec.CodeMalformed {
		t.Errorf("ScanImage of an image without a code = %v; want malformed", err)
	}
}

// zbarimg decodes the QR code in the image at path with zbarimg, or
// skips the test naming the missing piece.
func zbarimg(t *testing.T, path string) []byte {
	t.Helper()
	out, err := ScanImage(path)
	if errors.Is(err, ErrNoZbar) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}
