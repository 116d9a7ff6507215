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
