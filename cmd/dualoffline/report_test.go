package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportRebuild: report --in rebuilds byte for byte the HTML (and
// JUnit) that check --report wrote for the same results.
func TestReportRebuild(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	out, code := runCLI("check", "--scheme", "chain", "--suite", "GM", "--only", "R6", "--checks", "5",
		"--json", p("results.json"), "--report", p("check.html"), "--junit", p("check.xml"))
	if code != exitOK {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	out, code = runCLI("report", "--in", p("results.json"), "--out", p("report.html"), "--junit", p("report.xml"), "--json", p("again.json"))
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s", code, out)
	}
	for _, pair := range [][2]string{{"check.html", "report.html"}, {"check.xml", "report.xml"}, {"results.json", "again.json"}} {
		a, err := os.ReadFile(p(pair[0]))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p(pair[1]))
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s (%d bytes) and %s (%d bytes) differ", pair[0], len(a), pair[1], len(b))
		}
	}
	html, _ := os.ReadFile(p("report.html"))
	for _, want := range []string{`<table class="matrix">`, "chain", "R6 compatibility with cash", "<svg", "Content-Security-Policy"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	xml, _ := os.ReadFile(p("report.xml"))
	if !bytes.Contains(xml, []byte(`<testsuite name="chain/GM"`)) {
		t.Errorf("JUnit lacks the chain/GM testsuite:\n%.500s", xml)
	}
}

// TestReportBadInput: what is not a results file, or a command line that
// asks for nothing, exits 2 with a message and writes nothing.
func TestReportBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string { return writeTestFile(t, dir, name, content) }
	good := write("empty-results.json", `{"schema":"dualoffline-results/1","env":{"module":"m","version":"v","go":"go1.26","seed":1,"checks":1,"steps":1,"suites":null,"started":"2026-01-01T00:00:00Z"},"results":[]}`)
	out := filepath.Join(dir, "out.html")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--out", out}, "--in"},
		{[]string{"report", "--in", good}, "nothing to write"},
		{[]string{"report", "--in", filepath.Join(dir, "missing.json"), "--out", out}, "no such file"},
		{[]string{"report", "--in", write("text.json", "hello"), "--out", out}, "not a dualoffline results file"},
		{[]string{"report", "--in", write("other.json", `{"schema":"other/1","env":{},"results":[]}`), "--out", out}, "schema"},
		{[]string{"report", "--in", write("unknown.json", `{"schema":"dualoffline-results/1","extra":1}`), "--out", out}, "unknown field"},
		{[]string{"report", "--in", write("vectors.json", `{"algorithm":"SM2","testGroups":[]}`), "--out", out}, "not a dualoffline results file"},
		{[]string{"report", "--in", good, "--out", out, "--gotest", write("gotest.json", "not a stream")}, "--gotest"},
		{[]string{"report", "--in", good, "--out", filepath.Join(dir, "no", "such", "dir", "r.html")}, "--report"},
		{[]string{"report", "extra"}, "unknown command"},
	} {
		msg, code := runCLI(tc.args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, exitUsage, msg)
		}
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%v: message %q does not mention %q", tc.args, msg, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused report wrote its output")
	}
	// The empty but valid file makes a report.
	if msg, code := runCLI("report", "--in", good, "--out", out); code != exitOK {
		t.Errorf("valid empty results: exit %d\n%s", code, msg)
	}
}

// writeTestFile writes content to dir/name and returns the path.
func writeTestFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
