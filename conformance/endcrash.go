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
	if switchedOff.has(world.FaultCrashEnd) {
		return nil
	}
	in := setup()
	w := in.World()
	parties := []world.PartyID{a, b}
	before := map[world.PartyID]int{}
	for _, p := range parties {
		if d := w.Device(p); d != nil {
			before[p] = d.Writes()
		}
	}
	p, err := in.Pay(a, b, amount, nil)
	if err != nil {
		return nil
	}
	// What each party wrote outside the steps it received: the step
	// counts are per recipient, so each party's own are subtracted.
	var out []world.Fault
	for _, q := range parties {
		d := w.Device(q)
		if d == nil {
			continue
		}
		outside := d.Writes() - before[q]
		for i, n := range p.Outcome.Writes {
			if i < len(p.Outcome.Recipients) && p.Outcome.Recipients[i] == q {
				outside -= n
			}
		}
		out = append(out, world.EndPoints([]world.PartyID{q}, outside)...)
	}
	return out
}
