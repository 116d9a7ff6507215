package world

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParsePlan reads a fault plan from its text form, a comma-separated list
// of KIND@STEP[:ARG][=PARTY], for example "drop@2,crash-at@3:1,
// redirect@1=wallet-C", except skew, which is skew@STEP=±DURATION (a Go
// duration: "skew@2=+49h", "skew@1=-90m"), and partition, which is
// partition@STEP=GROUPS, groups of node indexes ("partition@1=0,1|2,3";
// heal@STEP joins them again). A drop naming a node of the network,
// drop@STEP[:ARG]=NODE, loses a block of the nodes' gossip
// (LossyNetwork), not the step's message. It is what Fault.String prints,
// so a plan from a failure report pastes back into a replay command.
func ParsePlan(s string) (Plan, error) {
	var p Plan
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, item := range planItems(s) {
		var f Fault
		kind, rest, ok := strings.Cut(item, "@")
		if !ok {
			return nil, fmt.Errorf("fault %q: want KIND@STEP[:ARG][=PARTY]", item)
		}
		f.Kind = FaultKind(kind)
		if !slices.Contains(ChannelFaults, f.Kind) && !slices.Contains(NetworkFaults, f.Kind) {
			return nil, fmt.Errorf("fault %q: unknown kind %q (known: %v %v)", item, kind, ChannelFaults, NetworkFaults)
		}
		if r, party, ok := strings.Cut(rest, "="); ok {
			rest, f.Party = r, PartyID(party)
		}
		if f.Kind == FaultSkew {
			d, err := time.ParseDuration(string(f.Party))
			if f.Party == "" || strings.Contains(rest, ":") || err != nil || d%time.Millisecond != 0 || d > 1<<40*time.Millisecond || d < -(1<<40)*time.Millisecond {
				return nil, fmt.Errorf("fault %q: want skew@STEP=±DURATION, a whole number of milliseconds within ±%v", item, (1<<40)*time.Millisecond)
			}
			f.Party, f.Arg = "", int(d/time.Millisecond)
		}
		if f.Kind == FaultPartition {
			g, err := parseGroups(string(f.Party))
			if f.Party == "" || strings.Contains(rest, ":") || err != nil {
				return nil, fmt.Errorf("fault %q: want partition@STEP=NODES|NODES..., node indexes like 0,1|2,3", item)
			}
			f.Party, f.Groups = "", g
		}
		stepS, argS, hasArg := strings.Cut(rest, ":")
		step, err := strconv.Atoi(stepS)
		if err != nil || step < 1 || step > 1<<20 {
			return nil, fmt.Errorf("fault %q: step %q is not a positive integer", item, stepS)
		}
		f.Step = step
		if hasArg {
			if f.Arg, err = strconv.Atoi(argS); err != nil || f.Arg < 0 || f.Arg > 1<<30 {
				return nil, fmt.Errorf("fault %q: argument %q is not a non-negative integer", item, argS)
			}
		}
		p = append(p, f)
	}
	return p, nil
}

// planItems splits a plan at its commas, except the commas inside a
// partition's groups ("partition@1=0,1|2,3"): a piece without "@" after a
// partition continues it.
func planItems(s string) []string {
	var out []string
	for _, piece := range strings.Split(s, ",") {
		piece = strings.TrimSpace(piece)
		if n := len(out); n > 0 && !strings.Contains(piece, "@") && strings.HasPrefix(out[n-1], string(FaultPartition)+"@") {
			out[n-1] += "," + piece
			continue
		}
		out = append(out, piece)
	}
	return out
}
