package chain

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ZbarArgs are the zbarimg arguments (Debian's zbar-tools, 0.23.92 in
// bookworm) under which it prints a QR code's bytes exactly: -Sbinary
// keeps it from converting the bytes to UTF-8 from the encoding it guesses
// (ISO 8859-1 or Shift JIS: without it a payload byte 0xE9 reads as
// C3 A9 even with --raw), --raw drops the "QR-Code:" prefix and the
// newline, --oneshot stops at the first code, --nodbus keeps it from
// dialling the system bus.
var ZbarArgs = []string{"--nodbus", "--raw", "-q", "--oneshot", "-Sbinary"}

// ErrNoZbar is returned by ScanImage when zbarimg is not installed.
var ErrNoZbar = errors.New("zbarimg not found: install Debian's zbar-tools")

// ScanImage decodes the QR code in the image file at path with zbarimg
// and returns its bytes: the payload a payee's scanner reads.
func ScanImage(path string) ([]byte, error) {
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		return nil, ErrNoZbar
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, append(append([]string(nil), ZbarArgs...), path)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 4 {
			return nil, fmt.Errorf("zbarimg found no QR code in %s", path)
		}
		return nil, fmt.Errorf("zbarimg %s: %v: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
