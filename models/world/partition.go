package world

import (
	"fmt"
	"strconv"
	"strings"
)

// Network faults act on the network of bank nodes behind the devices (a
// chain's master nodes; banks, where a scheme has more than one), not on
// a message. A split outlives the session that starts it: the nodes stay
// apart until a heal fault or the harness heals them (Heal).
const (
	FaultPartition FaultKind = "partition" // the nodes split into Groups (by node index); a node in no group is isolated
	FaultHeal      FaultKind = "heal"      // every node can reach every other again
)

// NetworkFaults are the network faults a Plan may schedule. They are not
// in ChannelFaults: a generator that draws a message fault never draws a
// split of the nodes by accident.
var NetworkFaults = []FaultKind{FaultPartition, FaultHeal}

// Network is a scheme's network of bank nodes as the world splits and
// heals it. Partition refuses, with a *spec.Error and no change, groups
// that name a node that does not exist or a node twice.
type Network interface {
	Partition(groups ...[]int) error
	Heal()
}

// LossyNetwork is a Network whose nodes exchange messages of their own
// (a chain's gossip of blocks), one of which a drop fault can lose: a drop
// that names one of its nodes (drop@STEP[:ARG]=NODE) is a network fault,
// not the loss of the step's message, which is delivered. From that step
// on, the ARG-th block (counted from 0) the other nodes send that node is
// lost in transit; the node stays up, keeps what it holds in memory, and
// the blocks sent after the lost one still reach it. Lose refuses, with a
// *spec.Error and no change, a node it does not have.
type LossyNetwork interface {
	Network
	Lose(node PartyID, nth int) error
}

// SetNetwork names the network that partition and heal faults act on; a
// scheme with a node network calls it when it builds an instance. Without
// one, those faults are traced as having nothing to act on.
func (w *World) SetNetwork(n Network) { w.network = n }

// Heal joins the world's network again; a no-op without one.
func (w *World) Heal() {
	if w.network != nil {
		w.network.Heal()
	}
}

// networkFault applies a partition or heal fault, or a drop that names a
// node (LossyNetwork), and returns what the fault line adds about its
// effect.
func (w *World) networkFault(f Fault) string {
	if f.Kind == FaultDrop {
		ln, ok := w.network.(LossyNetwork)
		if !ok {
			return "; unimplemented: the scheme has no network of nodes whose messages it can lose"
		}
		if err := ln.Lose(f.Party, f.Arg); err != nil {
			return "; refused: " + err.Error()
		}
		return ""
	}
	if w.network == nil {
		return "; unimplemented: the scheme has no network of nodes to split"
	}
	if f.Kind == FaultHeal {
		w.network.Heal()
		return ""
	}
	if err := w.network.Partition(f.Groups...); err != nil {
		return "; refused: " + err.Error()
	}
	return ""
}

// groupsString prints groups as ParsePlan reads them: "0,1|2,3".
func groupsString(groups [][]int) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		ns := make([]string, len(g))
		for j, n := range g {
			ns[j] = strconv.Itoa(n)
		}
		parts[i] = strings.Join(ns, ",")
	}
	return strings.Join(parts, "|")
}

// parseGroups reads "0,1|2,3": groups of node indexes separated by |. A
// group may be empty ("0,1,2|" isolates nothing more than "0,1,2").
func parseGroups(s string) ([][]int, error) {
	var out [][]int
	for _, part := range strings.Split(s, "|") {
		g := []int{}
		for _, n := range strings.Split(part, ",") {
			if n == "" && part == "" {
				continue
			}
			i, err := strconv.Atoi(n)
			if err != nil || i < 0 || i > 1<<10 {
				return nil, fmt.Errorf("node %q is not a node index", n)
			}
			g = append(g, i)
		}
		out = append(out, g)
	}
	return out, nil
}
