package conformance_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/internal/cputime"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// BenchmarkCheckAll runs every property of every reference scheme under
// GM at a shallow depth through CheckAll, on GOMAXPROCS workers, as
// `dualoffline check` does: where BenchmarkCheck times one scheme's
// properties in turn, this one also times the schedule (idle cores at the
// end of the run). cpu-s/op is the process's CPU time, the figure that
// other processes' load moves least.
//
//	go test -run XXX -bench CheckAll -benchtime 1x ./conformance/
func BenchmarkCheckAll(b *testing.B) {
	gm, _ := suite.ByID(suite.GM)
	var cpu float64
	for b.Loop() {
		c0 := processCPU()
		rs, err := conformance.CheckAll(context.Background(), all.Schemes(), conformance.Options{Checks: 5, Suites: []suite.Suite{gm}, Seed: coldSeed()})
		cpu += processCPU() - c0
		if err != nil {
			b.Fatal(err)
		}
		if u := rs.Unexpected(); len(u) > 0 {
			b.Fatalf("%d unexpected verdicts, first %s: %s", len(u), u[0].Key(), u[0].Reason)
		}
	}
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
}

// coldSeed returns a seed no earlier iteration of this test binary ran:
// spec/suite keeps the signatures it made and verified, so a second run
// of one seed in a process would time memo lookups, not what a `check`
// process pays.
func coldSeed() uint64 { return 1_000 + benchRuns.Add(1) }

var benchRuns atomic.Uint64

// processCPU is the process's CPU time in seconds (0 where the platform
// does not report it).
func processCPU() float64 {
	d, _ := cputime.Process()
	return d.Seconds()
}
