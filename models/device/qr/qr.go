// Package qr draws a payment's bytes as a QR code and reads one back: the
// channel of a scheme whose payer shows its payment on a screen and whose
// payee scans it (models.QRPayer; the chain model's). Codes are byte mode
// at level M, the smallest version that holds the payload up to the
// scheme's largest; the same payload draws the same PNG; ScanImage reads a
// code with zbarimg exactly. It names no scheme.
package qr

import (
	"image"
	"image/png"
	"io"

	qrcode "github.com/yeqown/go-qrcode/v2"

	"github.com/dualoffline/dualoffline/spec"
)

// This file draws a payment QR code (spec/formats-schemes.md, "The QR
// code"): byte mode, level Level, the smallest version that holds the
// payload, at most the scheme's largest version (maxVersion ≤
// MaxVersion). The drawing is the payload's bytes and nothing else: no
// ECI, no text encoding, so a decoder that returns the code's bytes
// (zbarimg -Sbinary) returns the payload exactly. The
// encoder is github.com/yeqown/go-qrcode/v2 with byte mode forced (left to
// choose, it picks numeric, alphanumeric or Kanji mode from the payload
// read as UTF-8 text) and the version set; skip2/go-qrcode also reads back exactly but splits a
// payload into numeric, alphanumeric and byte segments and cannot be told
// not to.

// Level is the error-correction level every code is drawn at.
const Level = "M"

// MaxVersion is the largest version this package draws (the capacity
// table's extent).
const MaxVersion = 25

// byteCapacity[v] is the number of bytes a version-v QR code holds at
// level M in byte mode (ISO/IEC 18004:2015, table 7), v = 1..MaxVersion;
// TestCapacity checks it against two encoders.
var byteCapacity = [MaxVersion + 1]int{0,
	14, 26, 42, 62, 84, 106, 122, 152, 180, 213,
	251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
	711, 779, 857, 911, 997}

// QuietZone is the light border around a drawn code, in modules (the
// minimum ISO/IEC 18004 requires).
const QuietZone = 4

// Capacity returns the bytes a version-v code holds at level Level in
// byte mode (0 outside 1..MaxVersion).
func Capacity(v int) int {
	if v < 1 || v > MaxVersion {
		return 0
	}
	return byteCapacity[v]
}

// VersionFor returns the smallest QR version, at most maxVersion (clamped
// to 1..MaxVersion), whose code holds n payload bytes at level Level in
// byte mode. A payload over Capacity(maxVersion) bytes is malformed.
func VersionFor(n, maxVersion int) (int, error) {
	maxVersion = min(max(maxVersion, 1), MaxVersion)
	if n < 0 {
		return 0, spec.Errorf(spec.CodeMalformed, "a payload of %d bytes", n)
	}
	for v := 1; v <= maxVersion; v++ {
		if n <= byteCapacity[v] {
			return v, nil
		}
	}
	return 0, spec.Errorf(spec.CodeMalformed, "a %d-byte payload does not fit a version-%d QR code at level %s (at most %d bytes)", n, maxVersion, Level, byteCapacity[maxVersion])
}

// Code is a payload drawn as a QR code: Modules[y][x] is true for a dark
// module, Size×Size modules without the quiet zone, Size = 17 + 4·Version.
type Code struct {
	Version int
	Size    int
	Modules [][]bool
}

// Draw draws payload as a QR code in byte mode at level Level and the
// version VersionFor(len(payload), maxVersion) gives. Any bytes draw, a
// payment or not (the scanner carries whatever is shown; the payee
// decides); a payload that does not fit is refused with malformed before
// anything is drawn.
func Draw(payload []byte, maxVersion int) (*Code, error) {
	v, err := VersionFor(len(payload), maxVersion)
	if err != nil {
		return nil, err
	}
	q, err := qrcode.NewWith(payload,
		qrcode.WithEncodingMode(qrcode.EncModeByte),
		qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium),
		qrcode.WithVersion(v))
	if err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "QR encoder: %v", err)
	}
	var m matrixTaker
	if err := q.Save(&m); err != nil {
		return nil, spec.Errorf(spec.CodeInternal, "QR encoder: %v", err)
	}
	if n := 17 + 4*v; len(m.rows) != n {
		return nil, spec.Errorf(spec.CodeInternal, "QR encoder drew %d modules a side for version %d, want %d", len(m.rows), v, n)
	}
	return &Code{Version: v, Size: len(m.rows), Modules: m.rows}, nil
}

// matrixTaker is a qrcode.Writer that keeps the module matrix.
type matrixTaker struct{ rows [][]bool }

func (t *matrixTaker) Write(mat qrcode.Matrix) error {
	t.rows = make([][]bool, mat.Height())
	for y := range t.rows {
		t.rows[y] = make([]bool, mat.Width())
	}
	mat.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		t.rows[y][x] = v.IsSet()
	})
	return nil
}

func (t *matrixTaker) Close() error { return nil }

// Image renders the code scale pixels a module (at least 1), black on
// white, with a QuietZone-module border.
func (c *Code) Image(scale int) *image.Gray {
	scale = max(scale, 1)
	side := (c.Size + 2*QuietZone) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	for y, row := range c.Modules {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				off := img.PixOffset((x+QuietZone)*scale, (y+QuietZone)*scale+dy)
				clear(img.Pix[off : off+scale])
			}
		}
	}
	return img
}

// Scale is the pixels a module of a PNG that WritePNG writes.
const Scale = 4

// WritePNG writes the code as a PNG image, Scale pixels a module (a
// version-25 code is (117+8)·4 = 500 pixels a side). The same code writes
// the same bytes.
func (c *Code) WritePNG(w io.Writer) error {
	return png.Encode(w, c.Image(Scale))
}
