package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/remote"
)

var (
	vendorOnce sync.Once
	vendorBin  string
	vendorErr  error
)

// exampleVendor builds examples/vendor once per test binary. Without a go
// command the tests that need it skip; a build that fails fails them.
func exampleVendor(t testing.TB) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build examples/vendor with: %v", err)
	}
	vendorOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dualoffline-vendor-")
		if err != nil {
			vendorErr = err
			return
		}
		vendorBin = filepath.Join(dir, "vendor")
		out, err := exec.Command(goBin, "build", "-o", vendorBin, "../../examples/vendor").CombinedOutput()
		if err != nil {
			vendorErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if vendorErr != nil {
		t.Fatalf("cannot build examples/vendor: %v", vendorErr)
	}
	return vendorBin
}

// cleanups are the directories TestMain removes after the tests: those
// of runs shared by several tests, which no one test's TempDir outlives.
var cleanups []string

func TestMain(m *testing.M) {
	code := m.Run()
	if vendorBin != "" {
		os.RemoveAll(filepath.Dir(vendorBin))
	}
	for _, d := range cleanups {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func runVectors(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"vectors", "verify"}, args...), &out, &errb)
	return out.String() + errb.String(), code
}

// shortFilter is the filter a vectors verify test whose point is a
// mechanism (vendor error names, unimplemented, disabled, unusable), not
// the whole vector set, runs under -short: filter, with a log line naming
// what is left out; the full suite runs every case. The whole set runs
// under -short in TestVectorsVerifyExampleVendor.
func shortFilter(t *testing.T, filter ...string) []string {
	t.Helper()
	if !testing.Short() {
		return nil
	}
	t.Logf("-short: only the cases of %s; the full suite runs every case", strings.Join(filter, " "))
	return filter
}

func TestVectorsVerifyExampleVendor(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	dir := t.TempDir()
	report, junit := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")
	out, code := runVectors(t, "--impl", bin, "--json", report, "--junit", junit)
	if code != exitOK {
		t.Fatalf("example vendor: exit %d\n%s", code, out)
	}
	// The whole set's JUnit (under -short too): one testsuite per vector
	// file, one testcase per case, none failed.
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct{} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readString(t, junit)), &doc); err != nil {
		t.Fatal(err)
	}
	files, _ := vectors.Files()
	cases, n := 0, 0
	for _, f := range files {
		cases += len(f.Tests())
	}
	for _, s := range doc.Suites {
		n += len(s.Cases)
	}
	if len(doc.Suites) != len(files) || n != cases || doc.Tests != cases || doc.Failures != 0 {
		t.Errorf("JUnit: %d testsuites for %d files, %d testcases (tests=%d) for %d cases, %d failures", len(doc.Suites), len(files), n, doc.Tests, cases, doc.Failures)
	}
	if !strings.Contains(out, " 0 mismatch, 0 error, 0 skip") || !strings.Contains(out, "dualoffline-example-vendor") {
		t.Errorf("summary:\n%s", out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r vectorsReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Implementation.Name != "dualoffline-example-vendor" || r.Report.Total.Pass == 0 || !strings.Contains(r.Stderr, "vendor: start 1") {
		t.Errorf("--json report: %+v", r.Implementation)
	}
}

// brokenRun is the one run of the vectors (every one; under -short the
// spec cases) through the vendor that accepts bad signatures, with
// --report and --junit: the tests that judge its output
// (TestVectorsVerifyBrokenVendor, the summary;
// TestVectorsVerifyReportJUnit, the files) share it.
type brokenRun struct {
	out         string
	code        int
	html, junit string
	filter      []string // -short: --scheme spec; the full suite every case
}

var (
	brokenOnce sync.Once
	broken     brokenRun
)

func brokenVendorRun(t *testing.T) brokenRun {
	t.Helper()
	bin := exampleVendor(t)
	brokenOnce.Do(func() {
		// -short: the spec cases, the bad signatures among them; the
		// whole set runs under -short in TestVectorsVerifyExampleVendor.
		if testing.Short() {
			broken.filter = []string{"--scheme", "spec"}
		}
		dir, err := os.MkdirTemp("", "dualoffline-broken-")
		if err != nil {
			broken.out, broken.code = err.Error(), -1
			return
		}
		// TestMain removes the files after the tests.
		broken.html, broken.junit = filepath.Join(dir, "v.html"), filepath.Join(dir, "v.xml")
		cleanups = append(cleanups, dir)
		var out, errb bytes.Buffer
		broken.code = run(append([]string{"vectors", "verify", "--impl", bin + " -broken", "--report", broken.html, "--junit", broken.junit}, broken.filter...), &out, &errb)
		broken.out = out.String() + errb.String()
	})
	if broken.code == -1 {
		t.Fatal(broken.out)
	}
	if broken.filter != nil {
		t.Logf("-short: only the cases of %s; the full suite runs every case", strings.Join(broken.filter, " "))
	}
	return broken
}

// TestVectorsVerifyBrokenVendor: a copy of the vendor that accepts bad
// signatures is caught, and the report names the cases.
func TestVectorsVerifyBrokenVendor(t *testing.T) {
	t.Parallel()
	r := brokenVendorRun(t)
	out, code := r.out, r.code
	if code != exitUnexpected {
		t.Fatalf("broken vendor: exit %d, want %d\n%s", code, exitUnexpected, out)
	}
	if !strings.Contains(out, "MISMATCH spec-GM-coin-") || !strings.Contains(out, "want invalid/bad-signature, got valid") {
		t.Errorf("mismatches not named:\n%s", out)
	}
	// Each mismatch shows the vector's comment and what the
	// implementation logged for that case.
	if !regexp.MustCompile(`MISMATCH (spec-GM-coin-\S+) .*\n  vector: .+\n  stderr of the implementation for this case:\n  \| vendor: (spec-GM-coin-\S+): signature check skipped`).MatchString(out) {
		t.Errorf("mismatch lines lack the vector's comment or the case's stderr:\n%s", out)
	}
}

func TestVectorsVerifyVendorErrors(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	sub := shortFilter(t, "--scheme", "spec", "--kind", "coin")
	out, code := runVectors(t, append([]string{"--impl", bin + " -vendor-errors"}, sub...)...)
	if code != exitUnexpected || !strings.Contains(out, "EXV_SIG_INVALID") {
		t.Errorf("unmapped vendor names: exit %d\n%.2000s", code, out)
	}
	out, code = runVectors(t, append([]string{"--impl", bin + " -vendor-errors", "--config", "../../examples/vendor/vendor.json"}, sub...)...)
	if code != exitOK {
		t.Errorf("with vendor.json: exit %d\n%s", code, out)
	}
}

func TestVectorsVerifyUnimplemented(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	// -short: two qr cases, unimplemented, and a coin case, verified.
	sub := shortFilter(t, "--id", "chain-GM-qr-valid,chain-INTL-qr-empty,spec-GM-coin-valid-1")
	out, code := runVectors(t, append([]string{"--impl", bin + " -unimplemented qr"}, sub...)...)
	if code != exitUnexpected || !strings.Contains(out, "answered unimplemented") {
		t.Errorf("unimplemented without --allow-unimplemented: exit %d\n%s", code, out)
	}
	out, code = runVectors(t, append([]string{"--impl", bin + " -unimplemented qr", "--allow-unimplemented"}, sub...)...)
	if code != exitOK {
		t.Errorf("--allow-unimplemented: exit %d\n%s", code, out)
	}
}

func TestVectorsVerifyDisabled(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vendor.json")
	os.WriteFile(cfg, []byte(`{"disabled": [{"tcId": "chain-*", "reason": "no QR reader on this terminal"}]}`), 0o644)
	// The broken mode only touches bad signatures; with qr unimplemented
	// and disabled the run is green: disabled skips never fail it.
	// -short: a qr case, unimplemented and disabled, and a coin case,
	// verified (a run that verifies nothing fails).
	sub := shortFilter(t, "--id", "chain-GM-qr-valid,chain-INTL-qr-empty,spec-GM-coin-valid-1")
	out, code := runVectors(t, append([]string{"--impl", bin + " -unimplemented qr", "--config", cfg}, sub...)...)
	if code != exitOK || !strings.Contains(out, "no QR reader on this terminal") || !strings.Contains(out, "disabled") {
		t.Errorf("disabled cases: exit %d\n%s", code, out)
	}
	os.WriteFile(cfg, []byte(`{"disabled": [{"tcId": "no-such-case", "reason": "stale"}]}`), 0o644)
	if out, code := runVectors(t, "--impl", bin, "--config", cfg); code != exitUsage {
		t.Errorf("stale disabled case: exit %d\n%s", code, out)
	}
	os.WriteFile(cfg, []byte(`{"disabled": [{"tcId": "chain-GM-qr-valid", "reason": ""}]}`), 0o644)
	if out, code := runVectors(t, "--impl", bin, "--config", cfg); code != exitUsage || !strings.Contains(out, "without a reason") {
		t.Errorf("empty reason: exit %d\n%s", code, out)
	}
	os.WriteFile(cfg, []byte(`{"errors": {"E": "not-a-code"}}`), 0o644)
	if out, code := runVectors(t, "--impl", bin, "--config", cfg); code != exitUsage {
		t.Errorf("non-canonical target: exit %d\n%s", code, out)
	}
}

func TestVectorsVerifyUnusable(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	// -short: the spec cases, whose coin cases come early.
	sub := shortFilter(t, "--scheme", "spec")
	out, code := runVectors(t, append([]string{"--impl", bin + " -crash-on coin"}, sub...)...)
	if code != exitUnusable || !strings.Contains(out, "consecutive failures") {
		t.Errorf("crashing vendor: exit %d\n%s", code, out)
	}
	out, code = runVectors(t, "--impl", filepath.Join(t.TempDir(), "missing"))
	if code != exitUnusable {
		t.Errorf("missing command: exit %d\n%s", code, out)
	}
	out, code = runVectors(t, "--impl", "sh -c 'echo licence file missing >&2; exit 4'")
	if code != exitUnusable || !strings.Contains(out, "licence file missing") {
		t.Errorf("exits before hello: exit %d\n%s", code, out)
	}
	out, code = runVectors(t, "--impl", "sleep 30", "--timeout", "200ms")
	if code != exitUnusable || !strings.Contains(out, "timeout") {
		t.Errorf("silent implementation: exit %d\n%s", code, out)
	}
}

func TestVectorsVerifyUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--impl", ""},
		{"--impl", `"unterminated`},
		{"--impl", "x", "--timeout", "0s"},
		{"--impl", "x", "--config", "/no/such/file.json"},
	} {
		if out, code := runVectors(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	for in, want := range map[string][]string{
		`a b  c`:             {"a", "b", "c"},
		`"a b" 'c d' e\ f`:   {"a b", "c d", "e f"},
		`x ""`:               {"x", ""},
		`'it''s' "\"q\""`:    {"its", `"q"`},
		`  /bin/vendor -v  `: {"/bin/vendor", "-v"},
	} {
		got, err := splitCommand(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`"a`, `'a`, `a\`} {
		if _, err := splitCommand(bad); err == nil {
			t.Errorf("splitCommand(%q) accepted", bad)
		}
	}
}

func TestVectorsGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "v")
	var out, errb bytes.Buffer
	if code := run([]string{"vectors", "generate", "--dir", dir}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*_test.json"))
	if len(names) == 0 {
		t.Fatal("no vector files written")
	}
	// Byte-identity with the committed files is vectors' own test
	// (TestRegenerateByteIdentical); here: the command wrote parseable files.
	for _, n := range names {
		b, _ := os.ReadFile(n)
		if _, err := vectors.ParseFile(filepath.Base(n), b); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func runLint(args ...string) (string, int) {
	var out, errb bytes.Buffer
	code := run(append([]string{"vectors", "lint"}, args...), &out, &errb)
	return out.String() + errb.String(), code
}

func TestVectorsLint(t *testing.T) {
	if out, code := runLint(); code != exitOK || !strings.Contains(out, "clean") {
		t.Fatalf("embedded vectors: exit %d\n%s", code, out)
	}

	// A vendor's copy with a doctored file: a repeated tcId, a flag the
	// notes do not describe, uppercase hex in an input.
	files, err := vectors.Files()
	if err != nil {
		t.Fatal(err)
	}
	var f *vectors.File
	for _, x := range files {
		if x.Scheme == "spec" && x.Kind == "coin" {
			f = x
		}
	}
	if f == nil {
		t.Fatal("no spec coin file")
	}
	orig, err := fs.ReadFile(vectors.FS, f.Name)
	if err != nil {
		t.Fatal(err)
	}
	tests := f.Tests()
	first, second, third := tests[0].TcID, tests[1].TcID, tests[2].TcID
	doc := string(orig)
	doc = strings.Replace(doc, `"tcId": "`+second+`"`, `"tcId": "`+first+`"`, 1)
	doc = replaceInTest(t, doc, third, `"flags": [`, `"flags": ["Bogus", `)
	doc = replaceInTest(t, doc, third, `"input": {`, `"input": {"extra": "ABCD", `)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, f.Name), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runLint("--dir", dir)
	if code != exitUnexpected {
		t.Fatalf("doctored file: exit %d, want %d\n%s", code, exitUnexpected, out)
	}
	for _, want := range []string{
		f.Name + ": " + first + ": duplicate tcId",
		f.Name + ": " + third + ": flag Bogus is not described in the notes",
		f.Name + ": " + third + `: input.extra: "ABCD" is not even-length lowercase hex`,
		f.Name + ": vector file does not match the schema",
		"lint problems in " + dir,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The same file twice under its name and another: every tcId repeats.
	dir2 := t.TempDir()
	os.WriteFile(filepath.Join(dir2, f.Name), orig, 0o644)
	os.WriteFile(filepath.Join(dir2, "copy_"+f.Name), orig, 0o644)
	if out, code := runLint("--dir", dir2); code != exitUnexpected || !strings.Contains(out, "duplicate tcId, also in copy_"+f.Name) {
		t.Errorf("copied file: exit %d\n%.2000s", code, out)
	}
	// A clean regenerated set lints clean; an empty directory does not.
	if out, code := runLint("--dir", t.TempDir()); code != exitUnexpected || !strings.Contains(out, "no vector files") {
		t.Errorf("empty directory: exit %d\n%s", code, out)
	}

	for _, args := range [][]string{
		{"--dir", ""},
		{"--dir", filepath.Join(dir, "missing")},
		{"--dir", filepath.Join(dir, f.Name)},
		{"extra-arg"},
		{"--bogus"},
	} {
		if out, code := runLint(args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
	}
}

// replaceInTest replaces the first old after the test named id.
func replaceInTest(t *testing.T, doc, id, old, new string) string {
	t.Helper()
	i := strings.Index(doc, `"tcId": "`+id+`"`)
	if i < 0 {
		t.Fatalf("no test %s", id)
	}
	j := strings.Index(doc[i:], old)
	if j < 0 {
		t.Fatalf("test %s: no %q", id, old)
	}
	return doc[:i+j] + new + doc[i+j+len(old):]
}

// BenchmarkVectorsExampleVendor: every published vector through the
// adapter into the example vendor, whose reference verifier does the real
// crypto (BenchmarkAdapterVerify in vectors/remote measures the
// adapter alone).
func BenchmarkVectorsExampleVendor(b *testing.B) {
	bin := exampleVendor(b)
	p, err := adapter.Start(context.Background(), adapter.Config{Command: []string{bin}})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	v := remote.NewVerifier(p, nil)
	n := 0
	for b.Loop() {
		r, err := vectors.Run(context.Background(), v, vectors.Filter{})
		if err != nil || !r.OK() {
			b.Fatalf("%v %+v", err, r.Total)
		}
		n += r.Total.Total()
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "cases/s")
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestVectorsVerifyReportJUnit: --report shows the results by flag and
// the environment; --junit has one testsuite per vector file and one
// testcase per tcId, a mismatch failing with expected and actual.
func TestVectorsVerifyReportJUnit(t *testing.T) {
	t.Parallel()
	r := brokenVendorRun(t)
	out, code, html, junit := r.out, r.code, r.html, r.junit
	if code != exitUnexpected {
		t.Fatalf("broken vendor: exit %d\n%s", code, out)
	}
	h := readString(t, html)
	for _, s := range []string{"dualoffline-example-vendor", "spec_GM_coin_test.json", "HighS", "generator version"} {
		if !strings.Contains(h, s) {
			t.Errorf("HTML report lacks %q", s)
		}
	}
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readString(t, junit)), &doc); err != nil {
		t.Fatal(err)
	}
	files, _ := vectors.Files()
	if r.filter != nil { // -short: the spec files
		files = slices.DeleteFunc(files, func(f *vectors.File) bool { return f.Scheme != "spec" })
	}
	ids, failed := map[string]bool{}, 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if ids[c.Name] {
				t.Errorf("tcId %s twice", c.Name)
			}
			ids[c.Name] = true
			if c.Failure != nil && strings.Contains(c.Failure.Message, "expected invalid/bad-signature, got valid") {
				failed++
			}
		}
	}
	if len(doc.Suites) != len(files) || len(ids) != doc.Tests || failed == 0 {
		t.Errorf("%d testsuites for %d files, %d cases of %d, %d mismatches", len(doc.Suites), len(files), len(ids), doc.Tests, failed)
	}
}

// The crash fault of static runs: the example vendor keeps nothing across
// cases in memory, so killing it every 40 cases changes no verdict.
func TestVectorsVerifyCrashEvery(t *testing.T) {
	t.Parallel()
	bin := exampleVendor(t)
	// -short: chip's GM cases (89, two kills); the full suite both suites'.
	sub := shortFilter(t, "--suite", "GM")
	out, code := runVectors(t, append([]string{"--impl", bin, "--crash-every", "40", "--scheme", "chip"}, sub...)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "killed and restarted") || !strings.Contains(out, " 0 mismatch, 0 error, 0 skip") {
		t.Errorf("summary:\n%s", out)
	}
}
