package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/internal/cryptofloor"
	"github.com/dualoffline/dualoffline/internal/memo"
	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestCheckProfile: --profile prints, after the matrix, the operations
// the run counted under the suite it ran, their floor and the ratio; a
// run without it prints no profile.
func TestCheckProfile(t *testing.T) {
	// A seed no other test of the process runs, and memos emptied (for
	// -count=2): spec/suite would answer another run's signatures as saved.
	suite.ForgetSignatures()
	out, code := runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "3", "--seed", "20261207", "--profile")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	i, j := strings.Index(out, "R6 compatibility with cash"), strings.Index(out, "profile: wall time against the crypto floor")
	if i < 0 || j < i {
		t.Fatalf("no profile after the matrix:\n%s", out)
	}
	prof := out[j:]
	row := regexp.MustCompile(`(?m)^\s*GM\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)\s+[\d.]+s`).FindStringSubmatch(prof)
	if row == nil {
		t.Fatalf("no GM row in:\n%s", prof)
	}
	if verify, _ := strconv.Atoi(row[2]); verify == 0 {
		t.Errorf("a chip payment run counted no verification:\n%s", prof)
	}
	if hashed, _ := strconv.Atoi(row[3]); hashed == 0 {
		t.Errorf("no bytes hashed counted:\n%s", prof)
	}
	if strings.Contains(prof, "INTL") {
		t.Errorf("a GM-only run priced INTL operations:\n%s", prof)
	}
	if !regexp.MustCompile(`ratio \d+\.\d\d×`).MatchString(prof) {
		t.Errorf("no ratio in:\n%s", prof)
	}
	out, _ = runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "1")
	if strings.Contains(out, "profile:") {
		t.Errorf("profile printed without --profile:\n%s", out)
	}
}

// TestProfileArithmetic: the floor is operations × unit costs, spread
// over the workers for the wall-time ratio.
func TestProfileArithmetic(t *testing.T) {
	costs := cryptofloor.Costs{Sign: 20 * time.Microsecond, Verify: 50 * time.Microsecond}
	ops := opcount.Ops{Sign: 1000, Verify: 2000}
	floor := costs.Floor(ops)
	if floor != 120*time.Millisecond {
		t.Fatalf("floor %v, want 120ms", floor)
	}
	p := floorProfile{Wall: 90 * time.Millisecond, CPU: 150 * time.Millisecond, Workers: 2, Floor: floor,
		Suites: []suiteFloor{{ID: suite.GM, Ops: ops, Costs: costs, Floor: floor, Saved: opcount.Ops{Sign: 100, Verify: 40}}}}
	if r := p.WallRatio(); r < 1.499 || r > 1.501 {
		t.Errorf("wall ratio %.3f, want 1.5 (90ms on 2 workers against 120ms)", r)
	}
	if r := p.CPURatio(); r < 1.249 || r > 1.251 {
		t.Errorf("CPU ratio %.3f, want 1.25", r)
	}
	if d := p.Saved(); d != 4*time.Millisecond {
		t.Errorf("saved %v, want 4ms (100 signatures and 40 verifications spared)", d)
	}
	var b strings.Builder
	printProfile(&b, p)
	for _, want := range []string{"1000", "2000", "ratio 1.50×", "ratio 1.25×", "0.06s on 2 workers"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("profile lacks %q:\n%s", want, b.String())
		}
	}
	if !regexp.MustCompile(`saved\s+100\s+40\s+0\s+0\s+0\s+0\.00s`).MatchString(b.String()) || !strings.Contains(b.String(), "sharing saved 140 operations") {
		t.Errorf("profile does not say what sharing saved:\n%s", b.String())
	}
	b.Reset()
	printProfile(&b, floorProfile{Wall: time.Second, Workers: 1})
	if !strings.Contains(b.String(), "no public-key operation") {
		t.Errorf("an empty floor printed a ratio:\n%s", b.String())
	}
}

// TestProfileRange: the CPU ratio's range is the run's CPU against the
// floor at the measured rounds' upper and lower quartiles, printed with
// the number of rounds pooled; a profile without rounds prints none.
func TestProfileRange(t *testing.T) {
	p := floorProfile{Wall: time.Second, CPU: 130 * time.Millisecond, Workers: 1, Floor: 100 * time.Millisecond,
		Low: 90 * time.Millisecond, High: 104 * time.Millisecond,
		Suites: []suiteFloor{{ID: suite.GM, Ops: opcount.Ops{Sign: 1}, Floor: 100 * time.Millisecond, Rounds: 10}}}
	lo, hi := p.CPURange()
	if lo < 1.2499 || lo > 1.2501 || hi < 1.4443 || hi > 1.4445 {
		t.Errorf("range %.4f–%.4f, want 1.25–1.44 (130ms against 104ms and 90ms)", lo, hi)
	}
	var b strings.Builder
	printProfile(&b, p)
	if !strings.Contains(b.String(), "mean of 10 rounds before and after the run; at their quartiles the CPU ratio is 1.25–1.44×") {
		t.Errorf("profile lacks the ratio's range:\n%s", b.String())
	}
	b.Reset()
	p.Low, p.High = 0, 0
	printProfile(&b, p)
	if strings.Contains(b.String(), "quartiles") {
		t.Errorf("a range printed without measured rounds:\n%s", b.String())
	}
}

// TestProfileCaches: the profile prints, per cache, the lookups made
// between the two readings, and leaves out caches nothing looked up.
func TestProfileCaches(t *testing.T) {
	before := []memo.Stats{{Name: "a", Hits: 5, Misses: 1}, {Name: "b", Hits: 2, Misses: 2}}
	after := []memo.Stats{{Name: "a", Hits: 9, Misses: 2, Resets: 1}, {Name: "b", Hits: 2, Misses: 2}, {Name: "c", Hits: 1}}
	got := cacheUse(before, after)
	want := []memo.Stats{{Name: "a", Hits: 4, Misses: 1, Resets: 1}, {Name: "c", Hits: 1}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cache use (-want +got):\n%s", d)
	}
	var b strings.Builder
	printProfile(&b, floorProfile{Wall: time.Second, Workers: 1, Floor: time.Second, Caches: got})
	if !strings.Contains(b.String(), "cache a: 4 hits, 1 misses, emptied 1 times") {
		t.Errorf("profile lacks the cache line:\n%s", b.String())
	}
}

// TestCheckCPUProfile: --cpuprofile writes a pprof CPU profile (gzipped
// protocol buffer) of the run; a path that cannot be created is a usage
// error before anything runs.
func TestCheckCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	out, code := runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "1", "--cpuprofile", path)
	if strings.Contains(out, "cpu profiling already in use") {
		t.Skip("the test binary is itself being profiled (go test -cpuprofile): a process holds one CPU profile at a time")
	}
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Errorf("%s is not a gzipped profile (%d bytes, starts % x)", path, len(b), b[:min(len(b), 4)])
	}
	bad := filepath.Join(t.TempDir(), "no-such-dir", "cpu.prof")
	out, code = runCLI("check", "--scheme", "chip", "--suite", "GM", "--only", "R6.5", "--checks", "1", "--cpuprofile", bad)
	if code != exitUsage || strings.Contains(out, "R6 compatibility with cash") {
		t.Errorf("unwritable --cpuprofile: exit %d (want %d, nothing run):\n%s", code, exitUsage, out)
	}
}
