package conformance

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// endPoints are the crash points after a payment's last message (issue
// 13): each party of a payment from a to b losing power at each write it
// could make finishing the session (world.FaultCrashEnd), where a device
// that defers writes to the session's end makes them and no step's crash
// point reaches. The bound is what the clean run of setup wrote outside
// its steps, so a reference that defers nothing adds no case.
func endPoints(setup func() models.Instance, a, b world.PartyID, amount int64) []world.Fault {
	if switchedOff[world.FaultCrashEnd] {
		return nil
	}
	in := setup()
	w := in.World()
	writes := func() int {
		n := 0
		for _, p := range []world.PartyID{a, b} {
			if d := w.Device(p); d != nil {
				n += d.Writes()
			}
		}
		return n
	}
	before := writes()
	p, err := in.Pay(a, b, amount, nil)
	if err != nil {
		return nil
	}
	outside := writes() - before
	for _, n := range p.Outcome.Writes {
		outside -= n
	}
	return world.EndPoints([]world.PartyID{a, b}, outside)
}
