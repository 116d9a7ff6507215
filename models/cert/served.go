package cert

import "github.com/dualoffline/dualoffline/models/device"

// ServedDevice is the cert wallet a process serves (device.Server): the
// SIM of Host. Both variants share it; keygen names the variant.
func (Scheme) ServedDevice() device.Served {
	return device.Served{Device: Name, Open: device.OpenWith(NewHost), Ops: wire}
}
