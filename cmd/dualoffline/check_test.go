package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/schema"
	"github.com/dualoffline/dualoffline/models/all"
)

func runCLI(args ...string) (string, int) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String() + errb.String(), code
}

// TestCheckUsageErrors: what the user asked for wrong exits 2 and runs
// nothing.
func TestCheckUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--scheme", "no-such-scheme"},
		{"check", "--suite", "RSA"},
		{"check", "--only", "R9.9"},
		{"check", "--checks", "0"},
		{"check", "--threshold", "0"},
		{"check", "--threshold", "50000"},
		{"check", "extra-argument"},
		{"check", "--seeds", "3..1"},
		{"check", "--seeds", "0..4"},
		{"check", "--seeds", "x"},
		{"check", "--seed", "2", "--seeds", "1..3"},
		{"check", "--seeds", "1..2", "--impl", "./no-such-vendor"},
	} {
		if out, code := runCLI(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
	}
}

// TestCheckJSON: a green check exits 0, prints the matrix and writes
// results that validate against the published schema.
func TestCheckJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.json")
	out, code := runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "3", "--json", path)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "chip") || !strings.Contains(out, "R6 compatibility with cash") {
		t.Errorf("no matrix in the output:\n%s", out)
	}
	rs := readResultsFile(t, path)
	if len(rs.Results) == 0 || rs.Results[0].Target != "chip" {
		t.Fatalf("results: %+v", rs.Results)
	}
}

// readResultsFile reads results check wrote with --json, validated
// against the published schema.
func readResultsFile(t *testing.T, path string) *conformance.Results {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateResults(data); err != nil {
		t.Fatal(err)
	}
	rs, err := conformance.ReadResults(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestCheckSeedsSweep: --seeds runs each seed and merges the verdicts;
// a stable property stays as it is (exit 0), with the seeds it held at,
// and the JSON lists the seeds.
func TestCheckSeedsSweep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.json")
	out, code := runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "3", "--seeds", "4..6", "--json", path, "-v")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "seeds 4..6") || !strings.Contains(out, "0 seed-dependent") || !strings.Contains(out, "at each of 3 seeds (4–6)") {
		t.Errorf("the sweep is not in the output:\n%s", out)
	}
	rs := readResultsFile(t, path)
	if got := rs.Env.Params["seeds"]; got != "4,5,6" {
		t.Errorf("env seeds %q, want 4,5,6", got)
	}
}

// TestCheckMutantExitsOne: a faulty model checked on the requirement it
// breaks is an unexpected verdict, exit 1, with a replay line.
func TestCheckMutantExitsOne(t *testing.T) {
	ms := all.Mutants()
	if len(ms) == 0 {
		t.Fatal("no mutants")
	}
	m := ms[0]
	out, code := runCLI("check", "--scheme", m.Scheme.Info().Name, "--suite", "GM", "--only", string(m.Breaks), "--checks", "20")
	if code != exitUnexpected {
		t.Fatalf("mutant %s on %s: exit %d, want %d\n%s", m.Scheme.Info().Name, m.Breaks, code, exitUnexpected, out)
	}
	if !strings.Contains(out, "replay: go run ./cmd/dualoffline check") {
		t.Errorf("no replay command in:\n%s", out)
	}
	if !strings.Contains(out, "◀ the property broke here") {
		t.Errorf("the counterexample's trace does not mark where the property broke:\n%s", out)
	}
}
