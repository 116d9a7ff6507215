//go:build !pcsc

package reader

import "errors"

// ErrNoPCSC is what the PC/SC functions return in a build without the
// pcsc tag.
var ErrNoPCSC = errors.New("this dualoffline was built without PC/SC: rebuild with `go build -tags pcsc` (cgo and libpcsclite-dev); a vpcd socket reader (vpcd:HOST:PORT) works without it")

// HavePCSC reports whether the build includes PC/SC.
const HavePCSC = false

// ConnectPCSC needs the pcsc build tag.
func ConnectPCSC(name string) (Conn, error) { return nil, ErrNoPCSC }

// ListReaders needs the pcsc build tag.
func ListReaders() ([]string, error) { return nil, ErrNoPCSC }
