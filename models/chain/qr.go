package chain

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// The payment QR code is drawn and read by models/device/qr at version
// QRVersion at most, level QRLevel (qr.Level); MaxPaymentDER is its
// capacity (TestQRProfile).

var _ models.QRPayer = (*Instance)(nil)

// Camera is models.Camera: what stands between the payment QR code a
// payer's wallet displays and the payee's wallet that scans it.
type Camera = models.Camera

// MaxQRVersion (models.QRPayer) is QRVersion.
func (in *Instance) MaxQRVersion() int { return QRVersion }

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
