package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

func TestCatalogueCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"catalogue"}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	for _, id := range spec.SubIDs() {
		if !strings.Contains(out.String(), string(id)+" ") {
			t.Errorf("catalogue output lacks %s", id)
		}
	}
}

func TestUsageErrorExitCode(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"no-such-command"}, &out, &errb); code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if code := run([]string{"catalogue", "extra"}, &out, &errb); code != exitUsage {
		t.Fatalf("extra argument: exit %d, want %d", code, exitUsage)
	}
}

func TestSimulate(t *testing.T) {
	runOut := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		return out.String() + errb.String(), code
	}
	a, code := runOut("simulate", "--seed", "3", "--faults", "crash-before@2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, a)
	}
	b, _ := runOut("simulate", "--seed", "3", "--faults", "crash-before@2")
	if a != b {
		t.Fatal("the same seed and faults printed different runs")
	}
	for _, want := range []string{"INITIATE", "TRANSFER", "[crash] wallet-B", "by mail", "conserved: true", "--faults crash-before@2"} {
		if !strings.Contains(a, want) {
			t.Errorf("simulate output lacks %q", want)
		}
	}
	j, code := runOut("simulate", "--json", "--suite", "INTL")
	if code != exitOK || !strings.HasPrefix(j, "{") || !strings.Contains(j, `"kind": "deliver"`) {
		t.Fatalf("--json: exit %d, %.200s", code, j)
	}
	for _, bad := range [][]string{
		{"simulate", "--scheme", "nope"},
		{"simulate", "--faults", "melt@1"},
		{"simulate", "--suite", "RSA"},
		{"simulate", "--amount", "0"},
		{"simulate", "--seed", "x"},
	} {
		if _, code := runOut(bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// TestSimulateFaultsAct runs the README's fault examples and checks that
// what the receiving side sees in session 1 (the messages delivered to
// it, their bytes and times, its refusals) differs from the clean run's.
func TestSimulateFaultsAct(t *testing.T) {
	// timed: whether the time of delivery counts. Only a late relay's
	// effect is its timing; for every other fault the receiver must see a
	// different message, sender, recipient or verdict, since a clock the
	// fault moved would make every later event differ anyway.
	view := func(timed bool, args ...string) []string {
		var out, errb bytes.Buffer
		if code := run(append([]string{"simulate", "--json", "--seed", "1"}, args...), &out, &errb); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		var tr struct {
			Events []world.Event `json:"events"`
		}
		if err := json.Unmarshal(out.Bytes(), &tr); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var got []string
		for _, e := range tr.Events {
			if e.Session == 1 && (e.Kind == world.KindDeliver || e.Kind == world.KindReject) {
				line := fmt.Sprintf("%s %s→%s %s %s %s", e.Kind, e.From, e.To, e.Type, e.Hash, e.Code)
				if timed {
					line = fmt.Sprintf("%d %s", e.TimeMS, line)
				}
				got = append(got, line)
			}
		}
		return got
	}
	for _, tc := range [][]string{
		{"--scheme", "chip", "--faults", "relay@2:3000"},
		{"--scheme", "chip", "--faults", "relay@2:2"},
		{"--scheme", "chip", "--faults", "relay@1:3000=wallet-C"},
		{"--scheme", "cert", "--faults", "reorder@2"},
		{"--scheme", "chip", "--faults", "delay@1:3000"},
		{"--scheme", "chip", "--faults", "redirect@2=wallet-C"},
		{"--scheme", "cert", "--faults", "skew@2=-18000h"},
	} {
		timed := tc[3] == "relay@2:3000"
		clean := view(timed, tc[:2]...)
		if got := view(timed, tc...); cmp.Equal(clean, got) {
			t.Errorf("simulate %v: the receiving side saw what it sees in the clean run:\n%s", tc, strings.Join(got, "\n"))
		}
	}
}
