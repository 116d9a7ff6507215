package main

import (
	"regexp"
	"strconv"
	"testing"
)

// TestBenchReconcile: a small reconciliation finds every injected double
// spend and flags nothing else, and says so.
func TestBenchReconcile(t *testing.T) {
	records := "2000"
	if testing.Short() {
		records = "500" // -short: 4 double spends injected, not 13
	}
	out, code := runCLI("bench", "reconcile", "--records", records, "--double-spend", "0.01", "--seed", "2")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	m := regexp.MustCompile(`double spends: (\d+) injected, (\d+) found, 0 missed, 0 false; 0 invalid uploads, 0 orphan spends`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no clean double-spend line in:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 || m[1] != m[2] {
		t.Fatalf("injected %s, found %s", m[1], m[2])
	}
	for _, want := range []string{`records/s`, `raw parallel verification: \d+/s; ratio [\d.]+%`, `\d+\.\d B/coin`, `M lookups/s`, `peak memory: heap \d+ MB`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestBenchReconcileUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "reconcile", "--records", "0"},
		{"bench", "reconcile", "--suite", "RSA"},
		{"bench", "reconcile", "--double-spend", "1.5"},
	} {
		if out, code := runCLI(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
	}
}
