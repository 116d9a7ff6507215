package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// shardArgs is a narrowed run (two targets, GM, four cheap properties,
// one killing the mutant) for the CLI's shard tests.
var shardArgs = []string{"check", "--scheme", "chain,chip~skip-revocation-check", "--suite", "GM", "--checks", "5",
	"--only", "R1.3-uncertified-payee-refused,R1.4-revoked-payee-refused,R2.2-insider-duplicate-input-refused,R4.3-insider-unbalanced-record-refused"}

// matrixOf is the verdict matrix a check or merge printed (its first
// lines, up to the first blank line).
func matrixOf(out string) string {
	m, _, _ := strings.Cut(out, "\n\n")
	return m
}

// timings blanks what differs between two runs of the same results: the
// times in JUnit XML.
var timings = regexp.MustCompile(`(time|timestamp)="[^"]*"`)

// TestMergeShardsCLI: check --shard 1/2 and 2/2 merged by "merge" and by
// "report --in … --in …" print the unsharded run's matrix and write its
// JUnit XML (up to timings); merge exits 1 for the unexpected verdicts as
// check does; a missing or duplicated shard exits 2 naming it.
func TestMergeShardsCLI(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	whole, code := runCLI(append(shardArgs, "--json", p("whole.json"), "--junit", p("whole.xml"))...)
	if code != exitUnexpected {
		t.Fatalf("whole run: exit %d, want %d (the mutant fails)\n%s", code, exitUnexpected, whole)
	}
	for _, i := range []string{"1", "2"} {
		out, code := runCLI(append(shardArgs, "--shard", i+"/2", "--json", p("shard-"+i+".json"))...)
		if code != exitOK && code != exitUnexpected {
			t.Fatalf("shard %s/2: exit %d\n%s", i, code, out)
		}
		if !strings.Contains(out, "shard "+i+"/2") {
			t.Errorf("shard %s/2 does not say which shard it ran:\n%s", i, out)
		}
	}
	merged, code := runCLI("merge", "--out", p("all.json"), "--junit", p("merged.xml"), "--report", p("merged.html"), p("shard-2.json"), p("shard-1.json"))
	if code != exitUnexpected {
		t.Fatalf("merge: exit %d, want %d\n%s", code, exitUnexpected, merged)
	}
	if diff := cmp.Diff(matrixOf(whole), matrixOf(merged)); diff != "" {
		t.Errorf("merged matrix differs from the whole run's (-want +got):\n%s", diff)
	}
	for _, xml := range []string{"merged.xml", "report.xml"} {
		if xml == "report.xml" {
			if out, code := runCLI("report", "--in", p("shard-1.json"), "--in", p("shard-2.json"), "--junit", p("report.xml")); code != exitOK {
				t.Fatalf("report --in --in: exit %d\n%s", code, out)
			}
		}
		want, _ := os.ReadFile(p("whole.xml"))
		got, err := os.ReadFile(p(xml))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(timings.ReplaceAllString(string(want), ""), timings.ReplaceAllString(string(got), "")); diff != "" {
			t.Errorf("%s differs from the whole run's JUnit (-want +got):\n%s", xml, diff)
		}
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"missing", []string{"merge", p("shard-1.json")}, "missing shard 2/2"},
		{"duplicated", []string{"merge", p("shard-1.json"), p("shard-2.json"), p("shard-1.json")}, "given twice"},
		{"report missing", []string{"report", "--in", p("shard-2.json"), "--junit", p("x.xml")}, "missing shard 1/2"},
		{"whole among shards", []string{"merge", p("shard-1.json"), p("whole.json")}, "whole.json"},
	} {
		out, code := runCLI(c.args...)
		if code != exitUsage || !strings.Contains(out, c.want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s", c.name, code, exitUsage, c.want, out)
		}
	}
}

// TestMergeBadInput: files that are not results, or shards whose identity
// is nonsense, exit 2 with a message and never crash.
func TestMergeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string { return writeTestFile(t, dir, name, content) }
	env := `"module":"m","version":"v","go":"go","seed":1,"checks":1,"steps":1,"suites":["GM"],"started":"2026-01-01T00:00:00Z"`
	shard := func(index, count, units, total int) string {
		return `{"schema":"dualoffline-results/1","env":{` + env + `,"shard":{"index":` + strconv.Itoa(index) + `,"count":` + strconv.Itoa(count) +
			`,"targets":["chip"],"timeout":"1s","shrink_time":"1s","units":` + strconv.Itoa(units) + `,"total":` + strconv.Itoa(total) + `,"cost_ms":0,"total_cost_ms":0,"plan":"p"}},"results":[]}`
	}
	for name, files := range map[string][]string{
		"garbage":           {write("garbage.json", "not json")},
		"empty":             {write("empty.json", "")},
		"other schema":      {write("schema.json", `{"schema":"dualoffline-results/9","env":{},"results":[]}`)},
		"index zero":        {write("zero.json", shard(0, 2, 0, 0))},
		"index past count":  {write("past.json", shard(3, 2, 0, 0))},
		"huge count":        {write("huge.json", shard(1, 1<<30, 0, 0))},
		"units lie":         {write("lie.json", shard(1, 1, 5, 5))},
		"total lie":         {write("total.json", shard(1, 1, 0, 7))},
		"no such file":      {filepath.Join(dir, "absent.json")},
		"results not array": {write("notarray.json", `{"schema":"dualoffline-results/1","env":{`+env+`},"results":7}`)},
	} {
		out, code := runCLI(append([]string{"merge", "--out", filepath.Join(dir, "out.json")}, files...)...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d:\n%s", name, code, exitUsage, out)
		}
	}
	if out, code := runCLI("merge"); code != exitUsage {
		t.Errorf("merge without files: exit %d, want %d:\n%s", code, exitUsage, out)
	}
}

// TestShardUsageErrors: a malformed --shard, or one with a flag it does
// not compose with, exits 2 saying why and runs nothing.
func TestShardUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--shard", "0/2"}, "--shard"},
		{[]string{"check", "--shard", "3/2"}, "--shard"},
		{[]string{"check", "--shard", "two"}, "--shard"},
		{[]string{"check", "--shard", "1/2", "--mutants"}, "--mutants"},
		{[]string{"check", "--shard", "1/2", "--vectors"}, "--vectors"},
		{[]string{"check", "--shard", "1/2", "--impl", "./wallet"}, "--impl"},
	} {
		out, code := runCLI(c.args...)
		if code != exitUsage || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want %d naming %s:\n%s", c.args, code, exitUsage, c.want, out)
		}
	}
}
