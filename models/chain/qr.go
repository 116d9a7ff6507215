package chain

import (
	"image"
	"image/png"
	"io"

	qrcode "github.com/yeqown/go-qrcode/v2"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// This file draws the payment QR code (spec/formats-schemes.md, "The QR
// code"): byte mode, level QRLevel, the smallest version that holds the
// payload, at most QRVersion. The drawing is the payload's bytes and
// nothing else: no ECI, no text encoding, so a decoder that returns the
// code's bytes (zbarimg -Sbinary) returns the payload exactly. The
// encoder is github.com/yeqown/go-qrcode/v2 with byte mode forced (left to
// choose, it picks numeric, alphanumeric or Kanji mode from the payload
// read as UTF-8 text) and the version set; skip2/go-qrcode also reads back exactly but splits a
// payload into numeric, alphanumeric and byte segments and cannot be told
// not to.

// qrByteCapacity[v] is the number of bytes a version-v QR code holds at
// level M in byte mode (ISO/IEC 18004:2015, table 7), v = 1..QRVersion;
// TestQRCapacity checks it against the encoder.
var qrByteCapacity = [QRVersion + 1]int{0,
	14, 26, 42, 62, 84, 106, 122, 152, 180, 213,
	251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
	711, 779, 857, 911, 997}

// QRQuietZone is the light border around a drawn code, in modules (the
// minimum ISO/IEC 18004 requires).
const QRQuietZone = 4

// QRVersionFor returns the smallest QR version whose code holds n payload
// bytes at level QRLevel in byte mode. A payload over MaxPaymentDER bytes
// (it fits no version up to QRVersion) is malformed.
func QRVersionFor(n int) (int, error) {
	if n < 0 {
		return 0, spec.Errorf(spec.CodeMalformed, "a payload of %d bytes", n)
	}
	for v := 1; v <= QRVersion; v++ {
		if n <= qrByteCapacity[v] {
			return v, nil
		}
	}
	return 0, spec.Errorf(spec.CodeMalformed, "a %d-byte payload does not fit a version-%d QR code at level %s (at most %d bytes)", n, QRVersion, QRLevel, MaxPaymentDER)
}

// QRCode is a payload drawn as a QR code: Modules[y][x] is true for a dark
// module, Size×Size modules without the quiet zone, Size = 17 + 4·Version.
type QRCode struct {
	Version int
	Size    int
	Modules [][]bool
}

// DrawQR draws payload as a QR code in byte mode at level QRLevel and the
// version QRVersionFor gives. Any bytes draw, a payment or not (the
// scanner carries whatever is shown; the payee decides); a payload that
// does not fit is refused with malformed before anything is drawn.
func DrawQR(payload []byte) (*QRCode, error) {
	v, err := QRVersionFor(len(payload))
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
	return &QRCode{Version: v, Size: len(m.rows), Modules: m.rows}, nil
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
// white, with a QRQuietZone-module border.
func (c *QRCode) Image(scale int) *image.Gray {
	scale = max(scale, 1)
	side := (c.Size + 2*QRQuietZone) * scale
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
				off := img.PixOffset((x+QRQuietZone)*scale, (y+QRQuietZone)*scale+dy)
				clear(img.Pix[off : off+scale])
			}
		}
	}
	return img
}

// QRScale is the pixels a module of a PNG that WritePNG writes.
const QRScale = 4

// WritePNG writes the code as a PNG image, QRScale pixels a module (a
// version-25 code is (117+8)·4 = 500 pixels a side). The same code writes
// the same bytes.
func (c *QRCode) WritePNG(w io.Writer) error {
	return png.Encode(w, c.Image(QRScale))
}

// Camera is what stands between the payment QR code a payer's wallet
// displays and the payee's wallet that scans it: it gets the payload the
// wallet displays and returns the bytes the scanner reads (a drawn and
// decoded image, a file scanned earlier). An error means nothing was read:
// the payee receives nothing.
type Camera func(displayed []byte) (scanned []byte, err error)

// SetCamera puts cam between payer's wallet and every wallet that scans
// its payment QR codes, until SetCamera(payer, nil). The payer's wallet
// itself is unchanged: it commits its spend and displays its code as
// always.
func (in *Instance) SetCamera(payer world.PartyID, cam Camera) error {
	d, err := in.Device(payer)
	if err != nil {
		return err
	}
	if c, ok := d.(cameraDevice); ok {
		d = c.Device
	}
	if cam != nil {
		d = cameraDevice{Device: d, cam: cam, trace: in.w.Trace(), id: payer}
	}
	in.Devices[payer] = d
	return nil
}

// cameraDevice is a payer's wallet seen through a Camera.
type cameraDevice struct {
	Device
	cam   Camera
	trace *world.Trace
	id    world.PartyID
}

func (d cameraDevice) Payer(m world.Message) ([]world.Message, error) {
	out, err := d.Device.Payer(m)
	kept := out[:0]
	for _, msg := range out {
		if msg.Type == MsgQR {
			scanned, cerr := d.cam(msg.Payload)
			if cerr != nil {
				d.trace.Note(d.id, "the payment QR code is not read: %v", cerr)
				continue
			}
			msg.Payload = scanned
		}
		kept = append(kept, msg)
	}
	return kept, err
}
