package chain

import "github.com/dualoffline/dualoffline/models/device"

// ServedDevice is the chain wallet a process serves (device.Server): the
// wallet of Host. No external wallet plays the literal variant: its
// payment format is not the chain wallet's, and the protocol has none
// for it.
func (sc Scheme) ServedDevice() device.Served {
	if sc.Literal {
		return device.Served{Device: Name}
	}
	return device.Served{Device: Name, Open: device.OpenWith(NewHost), Ops: wire}
}
