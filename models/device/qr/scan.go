package qr

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/spec"
)

// ZbarArgs are the zbarimg arguments (Debian's zbar-tools, 0.23.92 in
// bookworm) under which it prints a QR code's bytes exactly: -Sbinary
// keeps it from converting the bytes to UTF-8 from the encoding it guesses
// (ISO 8859-1 or Shift JIS: without it a payload byte 0xE9 reads as
// C3 A9 even with --raw), --raw drops the "QR-Code:" prefix and the
// newline, --oneshot stops at the first code, --nodbus keeps it from
// dialling the system bus.
// -Sdisable -Sqrcode.enable make it read QR codes only (a bar code's
// digits are no payment).
var ZbarArgs = []string{"--nodbus", "--raw", "-q", "--oneshot", "-Sbinary", "-Sdisable", "-Sqrcode.enable"}

// scanTimeout bounds one zbarimg run: a decoder that hangs on an image is
// an error, not a hung harness.
const scanTimeout = 30 * time.Second

// ErrNoZbar is returned by ScanImage when zbarimg is not installed.
var ErrNoZbar = errors.New("zbarimg not found: install Debian's zbar-tools")

// ScanImage decodes the QR code in the image file at path with zbarimg
// and returns its bytes: the payload a payee's scanner reads. A path
// that is no regular file, or an image with no QR code, is a malformed
// error; a decoder that fails or runs past scanTimeout an internal one.
func ScanImage(path string) ([]byte, error) {
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return nil, spec.Errorf(spec.CodeMalformed, "%s: no image file to scan", path)
	}
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		return nil, ErrNoZbar
	}
	arg := path
	if strings.HasPrefix(arg, "-") {
		arg = "./" + arg // a file, not an option
	}
	ctx, cancel := context.WithTimeout(context.Background(), scanTimeout)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append(append([]string(nil), ZbarArgs...), arg)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 4 {
			return nil, spec.Errorf(spec.CodeMalformed, "zbarimg found no QR code in %s", path)
		}
		return nil, spec.Errorf(spec.CodeInternal, "zbarimg %s: %v: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
