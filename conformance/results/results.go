// Package results holds the data a conformance run produces (Results and
// what it is made of: verdicts, counterexamples, game statistics, the
// mutant score and coverage) and their JSON form, without the suites that
// produce them: package conformance writes them, package reports and the
// CLI read them, and neither reader needs the properties, the models or the
// adapter to do so. The JSON schema is conformance/schema/results.schema.json.
package results

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// SchemaVersion identifies the JSON form of Results; it changes when a
// field changes meaning or disappears (adding a field does not change it,
// though a harness older than the field refuses the file as malformed:
// ReadResults reads strictly). The schema is
// conformance/schema/results.schema.json.
const SchemaVersion = "dualoffline-results/1"

// Verdict is the outcome of one property on one target.
type Verdict string

// Verdicts. Pass, ExpectedFail and Skip are expected results; Fail,
// UnexpectedPass and SeedDependent are not, and make a run
// exit non-zero.
const (
	// Pass: the property ran Runs generated cases and held on all.
	Pass Verdict = "pass"
	// Fail: a case violated the property; Counterexample shows it.
	Fail Verdict = "fail"
	// ExpectedFail: the target documents that it does not meet the
	// property (models.Info.Expected) and the check confirmed it: the
	// property failed with a counterexample whose first violation
	// matches the documented witness.
	ExpectedFail Verdict = "expected-fail"
	// UnexpectedPass: the target documents a violation the check could not
	// find, so its documentation is wrong.
	UnexpectedPass Verdict = "unexpected-pass"
	// Skip: the target does not implement what the check needs; Reason
	// says what. Never counted as a pass.
	Skip Verdict = "skip"
)

// SeedDependent is the verdict of a property whose verdict differs between
// the seeds of one sweep (conformance.CheckSeeds): the matrix would depend
// on which seed a certifier ran, so the property itself is unfinished. It
// is unexpected, like Fail.
const SeedDependent Verdict = "seed-dependent"

// Outcomes of a game (Game.Outcome).
const (
	OutcomeCertified  = "certified"
	OutcomeLeak       = "leak"
	OutcomeNoEvidence = "lack of evidence"
)

// Unexpected reports whether v is a result nobody documented.
func (v Verdict) Unexpected() bool { return v == Fail || v == UnexpectedPass || v == SeedDependent }

// Result is the verdict of one property on one target and suite.
type Result struct {
	Target      string     `json:"target"` // scheme or implementation name
	Suite       string     `json:"suite"`  // GM or INTL
	Requirement spec.ReqID `json:"requirement"`
	Sub         spec.SubID `json:"sub"`
	Property    string     `json:"property"` // name, unique within Sub
	Doc         string     `json:"doc"`      // what the property checks
	Verdict     Verdict    `json:"verdict"`
	// Runs is how many generated cases (or enumerated fault points) ran.
	Runs int `json:"runs"`
	// Seed is the base seed; Replay is a command that reruns this
	// property alone from it.
	Seed   uint64 `json:"seed"`
	Replay string `json:"replay"`
	// Reason explains a fail (the first violation), an expected-fail or
	// unexpected-pass (the documented reason) or a skip.
	Reason string `json:"reason,omitempty"`
	// Documented is the violation the target documents for this
	// property, with the cause this run observed; nil when the property
	// is not documented (or was skipped).
	Documented *Documented `json:"documented,omitempty"`
	// Counterexample is the shrunk failing case of a fail or
	// expected-fail.
	Counterexample *Counterexample `json:"counterexample,omitempty"`
	// Notes are what the property measured and stated on the way (an
	// exposure window, the parameters of a game), at most maxNotes lines.
	Notes []string `json:"notes,omitempty"`
	// Game is the statistics of an anonymity game (R3).
	Game       *Game   `json:"game,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// ID is the property's stable name, "R5.1-crash-every-point", as
// Property.ID gives it.
func (r Result) ID() string { return string(r.Sub) + "-" + r.Property }

// DocumentedStatus says how the observed cause of a documented
// property's result compares with the documented one, "" for a property
// its target does not document.
func (r Result) DocumentedStatus() string {
	d := r.Documented
	switch {
	case d == nil:
		return ""
	case d.Observed == "":
		return "the property held: the documented violation was not found"
	case r.Verdict == ExpectedFail:
		return "the witness matches the observed failure: this is the documented violation"
	case r.Counterexample == nil:
		return "the failure has no counterexample, so it confirms nothing documented"
	}
	return "the witness does not match the observed failure: another cause, not the documented violation"
}

// Key identifies a result's cell: target, suite and property.
func (r Result) Key() string {
	return fmt.Sprintf("%s/%s/%s/%s", r.Target, r.Suite, r.Sub, r.Property)
}

// Documented sets a documented violation beside what the run found: the
// documented reason and witness, and the observed cause (the first
// violation of a failure, empty when the property held). An
// expected-fail's Observed matched the witness; a fail's did not, or the
// failure had no counterexample.
type Documented struct {
	Reason   string  `json:"reason"`
	Witness  Witness `json:"witness"`
	Observed string  `json:"observed,omitempty"`
}

// Witness is a documented violation's witness as results record it: the
// regular expression (models.Witness) a failure's first violation must
// match to confirm the documented cause.
type Witness struct {
	Match string `json:"match"`
}

// Counterexample is a failing case: what was violated, the log of the
// minimal case (rapid's draws, the harness's notes) and the world trace of
// that case, which reports draw as a message sequence diagram.
//
// RunFrom and BrokeAt are Seq numbers of Trace events (Seq is 1-based,
// 0 means not known). Events before RunFrom are setup: what the world
// recorded before the property named the run it judges
// (conformance.T.Witness).
// BrokeAt is the last event recorded before the property reported the
// violation: the property broke on the state after it.
type Counterexample struct {
	Message string        `json:"message"`
	Log     []string      `json:"log,omitempty"`
	Plan    string        `json:"plan,omitempty"` // fault plan of the failing payment
	Trace   []world.Event `json:"trace,omitempty"`
	RunFrom int           `json:"run_from,omitempty"`
	BrokeAt int           `json:"broke_at,omitempty"`
}

// Game is the outcome of an anonymity game: for each distinguisher of the
// library, its success rate over Trials and the 99% confidence interval.
// Planned is N; a game that established a leak stopped early (Trials <
// Planned) under Rule, the sequential rule; Outcome is "certified",
// "leak" or "lack of evidence".
type Game struct {
	Trials         int             `json:"trials"`
	Epsilon        float64         `json:"epsilon"`
	Distinguishers []Distinguished `json:"distinguishers"`
	Planned        int             `json:"planned,omitempty"`
	Confidence     float64         `json:"confidence,omitempty"`
	Beta           float64         `json:"beta,omitempty"`
	Rule           string          `json:"rule,omitempty"`
	Outcome        string          `json:"outcome,omitempty"`
	// Traced counts trials in which the central bank's trace recovered
	// the actual payer (R3.4).
	Traced int `json:"traced,omitempty"`
}

// Distinguished is one distinguisher's score.
type Distinguished struct {
	Name    string  `json:"name"`
	Success float64 `json:"success"` // fraction of trials guessed right
	Low     float64 `json:"low"`     // 99% confidence interval
	High    float64 `json:"high"`
	// Leak names what the distinguisher keyed on when it won (a field,
	// a key, a length), empty when it did no better than chance.
	Leak string `json:"leak,omitempty"`
}

// Env records what a run ran with, for the report.
type Env struct {
	Module    string    `json:"module"`
	Version   string    `json:"version"`
	GoVersion string    `json:"go"`
	Seed      uint64    `json:"seed"`
	Checks    int       `json:"checks"`
	Steps     int       `json:"steps"`
	Suites    []string  `json:"suites"`
	Started   time.Time `json:"started"`
	// Limits and game parameters the run stated.
	Params map[string]string `json:"params,omitempty"`
	// Shard identifies one shard's part of a sharded run (shard.go); nil
	// for a whole run, and for the merge of a sharded one.
	Shard *ShardInfo `json:"shard,omitempty"`
}

// Results is the outcome of one Check.
type Results struct {
	Schema  string       `json:"schema"`
	Env     Env          `json:"env"`
	Results []Result     `json:"results"`
	Mutants *MutantScore `json:"mutants,omitempty"`
}

// MutantScore is how the suites fared against the mutant catalogue.
type MutantScore struct {
	Total     int            `json:"total"`
	Killed    int            `json:"killed"`
	Score     float64        `json:"score"`          // Killed / Total
	ByReq     map[string]int `json:"killed_by_req"`  // killed, per requirement named
	OfReq     map[string]int `json:"mutants_by_req"` // mutants, per requirement named
	Runs      []MutantRun    `json:"runs"`           // one per mutant
	Alarms    int            `json:"false_alarms"`   // unexpected verdicts on the reference models
	Suite     string         `json:"suite"`          // crypto suite the mutants ran under
	Checks    int            `json:"checks"`         // cases per property
	DurationS float64        `json:"duration_s"`
	// Coverage is, per sub-property, the mutants it killed and a target it
	// passes on (Coverage); set by whoever has the reference results.
	Coverage []SubCoverage `json:"coverage,omitempty"`
}

// MutantRun is one mutant's outcome.
type MutantRun struct {
	Mutant   string     `json:"mutant"`
	Scheme   string     `json:"scheme"`
	Breaks   spec.ReqID `json:"breaks"` // the requirement it is meant to break
	Doc      string     `json:"doc"`
	Killed   bool       `json:"killed"`              // a property of Breaks failed
	KilledBy []string   `json:"killed_by,omitempty"` // those properties
	Also     []string   `json:"also,omitempty"`      // failing properties of other requirements
}

// Unexpected returns the results that are neither passes nor documented.
func (rs *Results) Unexpected() []Result {
	var out []Result
	for _, r := range rs.Results {
		if r.Verdict.Unexpected() {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many results have each verdict.
func (rs *Results) Count() map[Verdict]int {
	m := map[Verdict]int{}
	for _, r := range rs.Results {
		m[r.Verdict]++
	}
	return m
}

// Sort orders results by target (in the order targets first appear),
// suite, sub-property and name.
func (rs *Results) Sort() {
	order := map[spec.SubID]int{}
	for i, id := range spec.SubIDs() {
		order[id] = i
	}
	rank := map[string]int{}
	for _, r := range rs.Results {
		if _, ok := rank[r.Target]; !ok {
			rank[r.Target] = len(rank)
		}
	}
	sort.SliceStable(rs.Results, func(i, j int) bool {
		a, b := rs.Results[i], rs.Results[j]
		if a.Target != b.Target {
			return rank[a.Target] < rank[b.Target]
		}
		if a.Suite != b.Suite {
			return a.Suite < b.Suite
		}
		if a.Sub != b.Sub {
			return order[a.Sub] < order[b.Sub]
		}
		return a.Property < b.Property
	})
}

// WriteJSON writes rs as indented JSON.
func (rs *Results) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(rs)
}

// Read decodes Results written by WriteJSON. It refuses another
// schema version and unknown fields with a *spec.Error of code malformed.
func Read(r io.Reader) (*Results, error) {
	d := json.NewDecoder(io.LimitReader(r, 256<<20))
	d.DisallowUnknownFields()
	var rs Results
	if err := d.Decode(&rs); err != nil {
		return nil, spec.Errorf(spec.CodeMalformed, "results: %v", err)
	}
	if rs.Schema != SchemaVersion {
		return nil, spec.Errorf(spec.CodeUnknownVersion, "results: schema %q, want %q", rs.Schema, SchemaVersion)
	}
	return &rs, nil
}

// ShardInfo identifies a shard's results file (Env.Shard): which part it
// is, and the options of the whole run that are not elsewhere in Env, so
// that conformance.MergeShards can refuse parts of different runs. A
// merged or unsharded run has none.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// Targets are every target of the whole run, in the run's order.
	Targets    []string `json:"targets"`
	Only       []string `json:"only,omitempty"`
	Timeout    string   `json:"timeout"`
	ShrinkTime string   `json:"shrink_time"`
	// Units is how many (target, suite, property) units this shard ran,
	// Total how many the whole run has; Cost is the shard's estimated cost
	// in milliseconds (conformance.ShardCost) and TotalCost the run's.
	Units     int `json:"units"`
	Total     int `json:"total"`
	Cost      int `json:"cost_ms"`
	TotalCost int `json:"total_cost_ms"`
	// Plan is a digest of the partition (every unit and its shard): parts
	// built from different property tables or cost tables, which a
	// version string built without VCS information ("(devel)") would
	// not tell apart, have different plans.
	Plan string `json:"plan"`
}
