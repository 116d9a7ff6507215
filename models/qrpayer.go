package models

import "github.com/dualoffline/dualoffline/models/world"

// Camera is what stands between the payment QR code a payer's wallet
// displays and the payee's wallet that scans it: it gets the payload the
// wallet displays and returns the bytes the scanner reads (a drawn and
// decoded image, a file scanned earlier). An error means nothing was read:
// the payee receives nothing.
type Camera func(displayed []byte) (scanned []byte, err error)

// QRPayer is the capability of an Instance whose payment travels as one
// QR code the payee's wallet scans (the chain model's): models/device/qr
// draws and reads the code, and `dualoffline simulate --qr-out/--qr-in`
// puts a drawing and a scan between payer and payee.
type QRPayer interface {
	// SetCamera puts cam between payer's wallet and every wallet that
	// scans its payment codes, until SetCamera(payer, nil); the payer's
	// wallet is unchanged.
	SetCamera(payer world.PartyID, cam Camera) error
	// MaxQRVersion is the largest QR version a payment code takes (level
	// and mode as models/device/qr draws them).
	MaxQRVersion() int
}
