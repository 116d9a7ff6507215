package world

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// FaultKind names a fault the injector can apply.
type FaultKind string

// Channel faults apply to the message delivered at a step; device faults
// to its recipient. DESIGN.md §3 lists them.
//
// Reorder and delay act on a lock-step exchange too, where one message is
// in flight at a time: a sender that hears nothing times out and
// retransmits, so the receiver gets the retransmission at once and the
// held original later. A reorder releases it right after the sender's
// next message to the same recipient (that message overtakes it; with no
// such message it goes on when nothing else is in flight); a delay
// releases it when nothing else is in flight, after every message then in
// flight and every message they caused (the whole rest of the exchange
// overtakes it). With another
// message already in flight there is no retransmission: a reorder swaps
// the two, a delay holds the message behind that traffic.
const (
	FaultDrop      FaultKind = "drop"      // the message is lost; naming a node (=PARTY), the Arg-th block gossiped to it instead (LossyNetwork)
	FaultDuplicate FaultKind = "duplicate" // delivered twice
	FaultReorder   FaultKind = "reorder"   // swapped with the next message in flight; with none, retransmitted and the original overtaken by the sender's next message
	FaultDelay     FaultKind = "delay"     // the clock moves Arg ms; held until the exchange is over (retransmitted first if nothing else is in flight)
	FaultBitFlip   FaultKind = "bit-flip"  // bit Arg (mod length) of the payload flips
	FaultTruncate  FaultKind = "truncate"  // the payload is cut to Arg (mod length) bytes
	FaultExtend    FaultKind = "extend"    // byte Arg is appended to the payload
	FaultField     FaultKind = "field"     // field Arg (mod field count) is replaced by that field of another valid message (random bytes if none)
	FaultFieldFlip FaultKind = "field-bit" // bit Arg/FieldFlipFields (mod its length) of field Arg%FieldFlipFields (mod field count) flips
	FaultReplay    FaultKind = "replay"    // a message from an earlier session (Arg selects) is injected first
	FaultRedirect  FaultKind = "redirect"  // the message goes to Party instead (a bystander's device refuses or handles it)
	FaultRelay     FaultKind = "relay"     // through an attacker hop, Arg ms later; Arg%3: 0 unchanged, 1 overtaken, 2 altered; to Party instead, if set
	// Device faults.
	FaultCrashBefore FaultKind = "crash-before" // the recipient loses power before handling
	FaultCrashAt     FaultKind = "crash-at"     // ... at its Arg-th write while handling (counted from 0)
	FaultCrashAfter  FaultKind = "crash-after"  // ... after handling, before its replies leave
	FaultSkew        FaultKind = "skew"         // the recipient's clock is offset by Arg ms (signed) from this step to the session's end
	FaultRollback    FaultKind = "rollback"     // a device store is restored from a snapshot
	FaultClone       FaultKind = "clone"        // a device store is copied to a new device
)

// ChannelFaults are the faults a Plan may schedule on a step, in a stable
// order (generators draw from it).
var ChannelFaults = []FaultKind{
	FaultDrop, FaultDuplicate, FaultReorder, FaultDelay, FaultBitFlip, FaultTruncate,
	FaultExtend, FaultField, FaultReplay, FaultRedirect, FaultRelay,
	FaultCrashBefore, FaultCrashAt, FaultCrashAfter, FaultFieldFlip, FaultSkew,
}

// FieldFlipFields is how many fields a FaultFieldFlip can name: its Arg
// packs the field (Arg % 16) and the bit (Arg / 16).
const FieldFlipFields = 16

// Benign reports whether k only loses, repeats, reorders or delays
// messages (the honest-channel profile) or crashes a device, as opposed to
// forging content or destination. A relay is not benign: its attacker hop
// may alter what it forwards.
func (k FaultKind) Benign() bool {
	switch k {
	case FaultDrop, FaultDuplicate, FaultReorder, FaultDelay,
		FaultCrashBefore, FaultCrashAt, FaultCrashAfter:
		return true
	}
	return false
}

// Fault is one scheduled fault.
type Fault struct {
	Step  int       `json:"step"` // 1-based delivery step of the session
	Kind  FaultKind `json:"kind"`
	Arg   int       `json:"arg,omitempty"`   // for skew: the offset in ms, negative for a clock behind
	Party PartyID   `json:"party,omitempty"` // for redirect, and a relay to a device far from the sender
	// Groups are a partition's groups of node indexes (partition.go).
	Groups [][]int `json:"groups,omitempty"`
}

// Relay modes, chosen by a relay fault's Arg modulo 3.
const (
	RelayLate      = 0 // forwarded unchanged, Arg ms later
	RelayOvertaken = 1 // held until the next message in flight has been delivered
	RelayAltered   = 2 // bit Arg/3 of one field (Arg/3 % 16) flipped on the way
)

func (f Fault) detail() string {
	switch f.Kind {
	case FaultRedirect:
		return "to " + string(f.Party)
	case FaultSkew:
		return "clock offset " + skewString(f.Arg)
	case FaultRelay:
		d := fmt.Sprintf("arg %d: %s", f.Arg, [...]string{"forwarded late", "held behind the next message", "altered"}[f.Arg%3])
		if f.Party != "" {
			d += "; to " + string(f.Party) + ", far from the sender"
		}
		return d
	case FaultPartition:
		return "nodes " + groupsString(f.Groups)
	case FaultDrop:
		if f.Party != "" {
			if f.Arg == 0 {
				return fmt.Sprintf("the next block the nodes gossip to %s is lost; this message is delivered", f.Party)
			}
			return fmt.Sprintf("the block the nodes gossip to %s after the next %d is lost; this message is delivered", f.Party, f.Arg)
		}
		return ""
	case FaultDuplicate, FaultReorder, FaultCrashBefore, FaultCrashAfter, FaultHeal:
		return ""
	}
	return fmt.Sprintf("arg %d", f.Arg)
}

// String prints the fault in the form ParsePlan reads.
func (f Fault) String() string {
	s := fmt.Sprintf("%s@%d", f.Kind, f.Step)
	if f.Kind == FaultSkew {
		return s + "=" + skewString(f.Arg)
	}
	if f.Kind == FaultPartition {
		return s + "=" + groupsString(f.Groups)
	}
	if f.Arg != 0 {
		s += fmt.Sprintf(":%d", f.Arg)
	}
	if f.Party != "" {
		s += "=" + string(f.Party)
	}
	return s
}

// String prints the plan in the form ParsePlan reads.
func (p Plan) String() string {
	parts := make([]string, len(p))
	for i, f := range p {
		parts[i] = f.String()
	}
	return strings.Join(parts, ",")
}

// Plan is the faults of one session. Faults on the same step apply in
// plan order.
type Plan []Fault

func (p Plan) byStep() map[int][]Fault {
	m := map[int][]Fault{}
	idx := make([]int, len(p))
	for i := range p {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]].Step < p[idx[b]].Step })
	for _, i := range idx {
		m[p[i].Step] = append(m[p[i].Step], p[i])
	}
	return m
}

// CrashPoints enumerates every crash a session can suffer, given the
// Outcome of its fault-free run: before, at each write of, and after the
// handling of every step. The list is exhaustive, not sampled.
func CrashPoints(clean Outcome) []Fault {
	var out []Fault
	for i := 0; i < clean.Steps; i++ {
		step := i + 1
		out = append(out, Fault{Step: step, Kind: FaultCrashBefore})
		writes := 0
		if i < len(clean.Writes) {
			writes = clean.Writes[i]
		}
		for k := 0; k < writes; k++ {
			out = append(out, Fault{Step: step, Kind: FaultCrashAt, Arg: k})
		}
		out = append(out, Fault{Step: step, Kind: FaultCrashAfter})
	}
	return out
}

// LossPoints enumerates dropping each step's message of a clean run.
func LossPoints(clean Outcome) []Fault {
	out := make([]Fault, 0, clean.Steps)
	for step := 1; step <= clean.Steps; step++ {
		out = append(out, Fault{Step: step, Kind: FaultDrop})
	}
	return out
}

// skewString prints a skew of ms milliseconds with its sign, as ParsePlan
// reads it: "+48h0m0s", "-1m30s", "+0s".
func skewString(ms int) string {
	d := time.Duration(ms) * time.Millisecond
	if d < 0 {
		return d.String()
	}
	return "+" + d.String()
}
