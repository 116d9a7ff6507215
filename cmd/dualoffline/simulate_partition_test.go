package main

import (
	"bytes"
	"strings"
	"testing"
)

// A split of the master nodes shows in simulate's trace: wallet-B's
// payment awaits during the split, where without it the payment is
// final at B's first reconciliation, and becomes final after the heal.
func TestSimulatePartition(t *testing.T) {
	sim := func(faults string) string {
		var out, errb bytes.Buffer
		args := []string{"simulate", "--scheme", "chain"}
		if faults != "" {
			args = append(args, "--faults", faults)
		}
		if code := run(args, &out, &errb); code != exitOK {
			t.Fatalf("simulate %s: exit %d, stderr %q", faults, code, errb.String())
		}
		return out.String()
	}
	clean, split := sim(""), sim("partition@1=0,1|2,3")
	first := func(s, prefix string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, prefix) {
				return l
			}
		}
		return ""
	}
	const reconciled = "wallet-B: reconciled"
	if got := first(clean, reconciled); !strings.Contains(got, "awaiting 0") {
		t.Errorf("without a split, B's first reconciliation: %q, want the payment final (awaiting 0)", got)
	}
	if got := first(split, reconciled); !strings.Contains(got, "awaiting 230") {
		t.Errorf("with the split, B's first reconciliation: %q, want the payment awaiting (awaiting 230)", got)
	}
	for _, want := range []string{"⚡ partition", "nodes 0,1|2,3", "partition healed", "payment", "is final"} {
		if !strings.Contains(split, want) {
			t.Errorf("the split's trace lacks %q", want)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"simulate", "--faults", "partition@1=0,x"}, &out, &errb); code != exitUsage {
		t.Errorf("a bad partition: exit %d, want %d", code, exitUsage)
	}
}

// A drop naming a master node shows in simulate's trace as what that
// node receives: the block lost in transit, the node up, and the same
// block received when the nodes send it again; the payment is final at
// wallet-B's first reconciliation, as without the loss.
func TestSimulateGossipLoss(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"simulate", "--scheme", "chain", "--faults", "drop@1:1=ABC-NODE"}, &out, &errb); code != exitOK {
		t.Fatalf("simulate: exit %d, stderr %q", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{
		"⚡ drop AGREE", "the block the nodes gossip to ABC-NODE after the next 1 is lost; this message is delivered",
		"AGREE (40 B", // the session's message itself is delivered
		"ABC-NODE: block 6 31ce4776 lost in transit to it (it stays up)",
		"ABC-NODE: receives block 6 31ce4776, sent again after it did not arrive",
		"wallet-B: reconciled (spendable 230, awaiting 0",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the trace of drop@1:1=ABC-NODE lacks %q:\n%s", want, s)
		}
	}
}
