package world

import "fmt"

// FaultCrashEnd cuts the power of device Party at its Arg-th write
// (counted from 0) after the session's last message, while it finishes
// the session: the writes a device defers to the end of a session fall
// outside every step, so no other crash fault reaches them. It has no
// step (Step 0): the session's loop never applies it; Finish does.
const FaultCrashEnd FaultKind = "crash-end"

// EndPoints enumerates a power cut of each party at each of the first n
// writes it could make finishing a session: n is an upper bound of those
// writes measured on a clean run (a cut past the last write it makes
// does not fire).
func EndPoints(parties []PartyID, n int) []Fault {
	var out []Fault
	for _, p := range parties {
		for k := 0; k < n; k++ {
			out = append(out, Fault{Kind: FaultCrashEnd, Arg: k, Party: p})
		}
	}
	return out
}

// Finish runs f, device dev finishing a session run under plan, and
// applies plan's crash-end faults for dev. It reports whether dev lost
// power inside f; the caller then restarts the device's model, as a
// session does after a crash.
func (w *World) Finish(plan Plan, dev PartyID, f func() error) (crashed bool, err error) {
	d := w.devices[dev]
	for _, fl := range plan {
		if fl.Kind == FaultCrashEnd && fl.Party == dev && d != nil {
			w.trace.add(Event{Kind: KindFault, From: dev, Fault: string(fl.Kind), Detail: fmt.Sprintf("armed: power lost at write %d of finishing the session, if it makes one", fl.Arg)})
			d.ArmCrash(fl.Arg)
			defer d.ArmCrash(-1)
			break
		}
	}
	return w.Guard(dev, f)
}
