package conformance_test

import (
	"context"
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
		suite.ForgetSignatures() // a fresh process's start; see coldStart
		rs, err := conformance.CheckAll(context.Background(), all.Schemes(), conformance.Options{Checks: 5, Suites: []suite.Suite{gm}})
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

// coldStart: the benchmarks run one seed on every iteration and empty
// spec/suite's signature memos first (suite.ForgetSignatures), so each
// iteration signs and verifies as a fresh `check` process does, sharing
// only within the run; a kept signature of the previous iteration would
// time a memo lookup.

// processCPU is the process's CPU time in seconds (0 where the platform
// does not report it).
func processCPU() float64 {
	d, _ := cputime.Process()
	return d.Seconds()
}
