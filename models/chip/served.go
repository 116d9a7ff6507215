package chip

import "github.com/dualoffline/dualoffline/models/device"

// ServedDevice is the chip wallet a process serves (device.Server): the
// card of Host.
func (Scheme) ServedDevice() device.Served {
	return device.Served{Device: Name, Open: device.OpenWith(NewHost), Ops: wire}
}

// Name is the scheme's name (models.Info.Name). The chip wallet is the
// one that is a card: the CLI's card commands and readers name the
// scheme with it.
const Name = "chip"
