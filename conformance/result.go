package conformance

import (
	"io"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models/world"
)

// The results of a run are package results' types, so that reports and
// other readers decode and render them without the suites; these names
// keep them where conformance's callers look.
type (
	Verdict        = results.Verdict
	Result         = results.Result
	Documented     = results.Documented
	Counterexample = results.Counterexample
	Game           = results.Game
	Distinguished  = results.Distinguished
	Env            = results.Env
	Results        = results.Results
	MutantScore    = results.MutantScore
	MutantRun      = results.MutantRun
	ShardInfo      = results.ShardInfo
	SubCoverage    = results.SubCoverage
	Cell           = results.Cell
	Witness        = results.Witness
)

// SchemaVersion identifies the JSON form of Results (results.SchemaVersion).
const SchemaVersion = results.SchemaVersion

// Verdicts (results.Verdict).
const (
	Pass           = results.Pass
	Fail           = results.Fail
	ExpectedFail   = results.ExpectedFail
	UnexpectedPass = results.UnexpectedPass
	Skip           = results.Skip
	SeedDependent  = results.SeedDependent
)

// Outcomes of a game (Game.Outcome).
const (
	OutcomeCertified  = results.OutcomeCertified
	OutcomeLeak       = results.OutcomeLeak
	OutcomeNoEvidence = results.OutcomeNoEvidence
)

// Gaps of a SubCoverage.
const (
	GapNoKill = results.GapNoKill
	GapNoPass = results.GapNoPass
)

// Summarise derives a cell verdict from property verdicts (results.Summarise).
func Summarise(rs []Result) Verdict { return results.Summarise(rs) }

// Bookkeeping reports whether e is a device's bookkeeping rather than a
// step of the protocol (results.Bookkeeping).
func Bookkeeping(e world.Event) bool { return results.Bookkeeping(e) }

// ReadResults decodes Results written by WriteJSON (results.Read).
func ReadResults(r io.Reader) (*Results, error) { return results.Read(r) }

// Coverage is results.Coverage: per sub-property, the mutants that killed
// it and the reference targets it passes on.
func Coverage(references []Result, score *MutantScore) []SubCoverage {
	return results.Coverage(references, score)
}

// CoverageGaps returns the entries of cov with a gap (results.CoverageGaps).
func CoverageGaps(cov []SubCoverage) []SubCoverage { return results.CoverageGaps(cov) }
