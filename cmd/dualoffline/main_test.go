package main

import (
	"bytes"
	"strings"
	"testing"

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
