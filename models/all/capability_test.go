package all

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// TestQRPayerIsTheQRChannel: a scheme whose payments travel over the QR
// channel (Info().Channel) is the one whose instance takes a camera
// (models.QRPayer), and no other: simulate lists the first and gates on
// the second, so the two must name the same schemes.
func TestQRPayerIsTheQRChannel(t *testing.T) {
	for _, sch := range Schemes() {
		in, err := sch.New(world.New(1), models.Config{})
		if err != nil {
			t.Fatalf("%s: %v", sch.Info().Name, err)
		}
		_, payer := in.(models.QRPayer)
		if qr := sch.Info().Channel == world.QR; qr != payer {
			t.Errorf("%s: channel %q, implements models.QRPayer: %v", sch.Info().Name, sch.Info().Channel, payer)
		}
	}
}
