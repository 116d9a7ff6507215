package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/reports"
	"github.com/dualoffline/dualoffline/spec"
)

// TestAnyResultsFileIsReportedOrRefused: whatever results files a user
// hands to report and merge (fields out of range, unknown verdicts and
// requirements, shards that do not fit, games and mutant scores of any
// shape), reading, merging and every report either work or refuse with
// a typed error; none panics.
func TestAnyResultsFileIsReportedOrRefused(t *testing.T) {
	str := rapid.SampledFrom([]string{"", "R1", "R3", "R1.1", "R3.1", "R9", "R3.1-which-payer-game", "x", "GM", "INTL", "cert", "pass", "fail", "expected-fail", "unexpected-pass", "skip", "leak", "certified", "R", "R1.", ".1", "R10.99"})
	num := rapid.IntRange(-3, 5)
	fl := rapid.SampledFrom([]float64{-1, 0, 0.5, 1, 2, 1e308, -1e308})
	rapid.Check(t, func(t *rapid.T) {
		gen := func(t *rapid.T) *results.Results {
			rs := &results.Results{Schema: results.SchemaVersion}
			rs.Env.Seed = uint64(num.Draw(t, "seed") & 3)
			rs.Env.Checks = num.Draw(t, "checks")
			rs.Env.Steps = num.Draw(t, "steps")
			rs.Env.Suites = rapid.SliceOfN(str, 0, 3).Draw(t, "suites")
			rs.Env.Started = time.Unix(0, 0)
			if rapid.Bool().Draw(t, "shard") {
				rs.Env.Shard = &results.ShardInfo{Index: num.Draw(t, "i"), Count: num.Draw(t, "n"), Targets: rapid.SliceOfN(str, 0, 3).Draw(t, "tg"), Only: rapid.SliceOfN(str, 0, 2).Draw(t, "only"), Units: num.Draw(t, "u"), Total: num.Draw(t, "tot"), Cost: num.Draw(t, "c"), TotalCost: num.Draw(t, "tc"), Plan: str.Draw(t, "plan")}
			}
			n := rapid.IntRange(0, 6).Draw(t, "nres")
			for i := 0; i < n; i++ {
				r := results.Result{Target: str.Draw(t, "target"), Suite: str.Draw(t, "suite"), Requirement: spec.ReqID(str.Draw(t, "req")), Sub: spec.SubID(str.Draw(t, "sub")), Property: str.Draw(t, "prop"), Verdict: results.Verdict(str.Draw(t, "verdict")), Runs: num.Draw(t, "runs"), Replay: str.Draw(t, "replay"), Reason: str.Draw(t, "reason"), DurationMS: fl.Draw(t, "dur")}
				if rapid.Bool().Draw(t, "doc") {
					r.Documented = &results.Documented{Reason: str.Draw(t, "dr")}
				}
				if rapid.Bool().Draw(t, "cx") {
					r.Counterexample = &results.Counterexample{Message: str.Draw(t, "m"), RunFrom: num.Draw(t, "rf"), BrokeAt: num.Draw(t, "ba"), Log: rapid.SliceOfN(str, 0, 2).Draw(t, "log")}
				}
				if rapid.Bool().Draw(t, "game") {
					g := &results.Game{Trials: num.Draw(t, "tr"), Epsilon: fl.Draw(t, "eps"), Planned: num.Draw(t, "pl"), Confidence: fl.Draw(t, "conf"), Beta: fl.Draw(t, "beta"), Outcome: str.Draw(t, "out"), Traced: num.Draw(t, "traced")}
					k := rapid.IntRange(0, 3).Draw(t, "nd")
					for j := 0; j < k; j++ {
						g.Distinguishers = append(g.Distinguishers, results.Distinguished{Name: str.Draw(t, "dn"), Success: fl.Draw(t, "s"), Low: fl.Draw(t, "lo"), High: fl.Draw(t, "hi"), Leak: str.Draw(t, "lk")})
					}
					r.Game = g
				}
				rs.Results = append(rs.Results, r)
			}
			if rapid.Bool().Draw(t, "mutants") {
				m := &results.MutantScore{Total: num.Draw(t, "mt"), Killed: num.Draw(t, "mk"), Score: fl.Draw(t, "ms"), Suite: str.Draw(t, "msu"), Checks: num.Draw(t, "mc"), ByReq: map[string]int{str.Draw(t, "bk"): num.Draw(t, "bv")}, OfReq: map[string]int{str.Draw(t, "ok"): num.Draw(t, "ov")}}
				k := rapid.IntRange(0, 3).Draw(t, "nm")
				for j := 0; j < k; j++ {
					m.Runs = append(m.Runs, results.MutantRun{Mutant: str.Draw(t, "mn"), Scheme: str.Draw(t, "msc"), Breaks: spec.ReqID(str.Draw(t, "mb")), Killed: rapid.Bool().Draw(t, "mkd"), KilledBy: rapid.SliceOfN(str, 0, 2).Draw(t, "kb")})
				}
				rs.Mutants = m
			}
			return rs
		}
		var parts []*conformance.Results
		for i := rapid.IntRange(1, 3).Draw(t, "np"); i > 0; i-- {
			b, err := json.Marshal(gen(t))
			if err != nil {
				t.Fatal(err)
			}
			rs, err := conformance.ReadResults(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("a results file written from the type is refused: %v", err)
			}
			parts = append(parts, rs)
		}
		_ = conformance.MergeSeeds(parts)
		m, err := conformance.MergeShards(parts)
		if err != nil {
			var me *conformance.MergeError
			if !errors.As(err, &me) {
				t.Fatalf("merge refused with an untyped error %T: %v", err, err)
			}
			return
		}
		writeMatrix(io.Discard, m, true)
		writeMatrix(io.Discard, m, false)
		_ = reports.WriteHTML(io.Discard, m, reports.Options{})
		_ = reports.WriteJUnit(io.Discard, m)
		_ = m.WriteJSON(io.Discard)
		_ = conformance.Balance(parts)
	})
}
