package reports

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// DefaultMaxEvents is how many rows a sequence diagram draws unless
// Options say otherwise: of the run under test, those up to and just
// after the break; of the setup, the last ones.
const DefaultMaxEvents = 200

// Options tune a report. The zero value is a report of the results alone.
type Options struct {
	// Title heads the report; default "dualoffline conformance report".
	Title string
	// MaxEvents caps the rows each diagram of a counterexample draws (see
	// DefaultMaxEvents); 0 means DefaultMaxEvents.
	MaxEvents int
	// Vectors are vector results to show by flag, if a vector run was
	// made; VectorsVersion names the vector set.
	Vectors        []VectorRun
	VectorsVersion string
	// GoTest is the summary of a `go test -json` stream of the suites
	// (see ReadGoTest), if one was given.
	GoTest *GoTestRun
}

// VectorRun is the outcome of one vector file set against one target,
// counted by flag. It mirrors the vectors package's report without
// depending on it.
type VectorRun struct {
	Target   string
	Suite    string
	File     string
	PerFlag  []FlagCount // in the order given
	Failures []VectorFailure
}

// FlagCount tallies the cases carrying one flag.
type FlagCount struct {
	Flag                         string
	Pass, Mismatch, Skip, Errors int
}

// VectorFailure is one case that mismatched or errored.
type VectorFailure struct {
	TcID, File, Status, Detail string
	Flags                      []string
}

// WriteHTML writes rs as one self-contained HTML report.
func WriteHTML(w io.Writer, rs *results.Results, opts Options) error {
	if rs == nil {
		return fmt.Errorf("reports: no results")
	}
	return pageTemplate.Execute(w, buildPage(rs, opts))
}

// The view model: every string in it is cleaned; every number formatted.

type page struct {
	Title      string
	Env        envView
	Reqs       []reqHead
	Rows       []rowView
	Cells      []cellView
	Counts     []countView
	Total      int
	Unexpected []link
	Status     string
	StatusCls  string
	Mutants    *mutantView
	Vectors    []vectorView
	VecVersion string
	GoTest     *goTestView
}

type reqHead struct{ ID, Name, Stated string }

type rowView struct {
	Target, Suite string
	Cells         []cellRef // one per requirement column
}

type cellRef struct {
	Present bool
	Anchor  string
	Class   string
	Text    string
	Sub     string // e.g. "3 skip"
}

type link struct{ Anchor, Text, Class string }

type countView struct {
	Verdict string
	Class   string
	N       int
}

type cellView struct {
	Anchor, Target, Suite, Req, ReqName, Verdict, Class, Counts string
	Results                                                     []resultView
}

type resultView struct {
	Anchor, Sub, SubTitle, Property, Doc, Verdict, Class string
	Runs                                                 int
	Seed, Replay, Reason, Duration                       string
	Notes                                                []string
	Documented                                           *documentedView
	Cx                                                   *cxView
	Game                                                 *gameView
}

// documentedView sets a target's documented violation of a property
// beside what the run observed.
type documentedView struct {
	Reason, Witness, Observed, Status, Class string
}

type cxView struct {
	Message string
	Plan    string
	Log     []string
	// Documented is the cause the target documents (an expected-fail's
	// Reason), shown beside Message, the cause observed.
	Documented string
	// Witness is the documented violation's witness (a regular
	// expression over the first violation), and Status says whether it
	// matched this counterexample (Result.Documented).
	Witness, Status, StatusClass string
	Diffs                        []diffView
	Diagram                      *diagram // the run under test, up to and around the break
	Setup                        *diagram // what the world recorded before the run, collapsed
	// SetupKinds counts the setup events by kind.
	SetupKinds string
	Events     []eventLine // the whole trace as text
}

// diffView is a cmp.Diff an assertion printed: the line that introduced
// it and its lines, each classed del, add or ctx.
type diffView struct {
	Title string
	Lines []diffLine
}

type diffLine struct{ Class, Text string }

// eventLine is one event of the trace as text; Class marks the first of
// the run under test (run) and the break (broke).
type eventLine struct{ Class, Text string }

type gameView struct {
	Trials  int
	Epsilon string
	Traced  int
	// The test the game ran (results.Game): N, confidence, beta, the
	// sequential rule and the outcome; empty for a result without them.
	Planned                         int
	Confidence, Beta, Rule, Outcome string
	Bound                           string // the interval every distinguisher must lie within
	Rows                            []distView
	Verdict                         string
	Class                           string
}

type distView struct {
	Name, Success, Advantage, Interval, Worst, Leak, Class, Within string
}

type mutantView struct {
	Total, Killed, Alarms, Checks int
	Score, Suite, Duration        string
	ByReq                         []mutReq
	Runs                          []mutRun
	Coverage                      []covRow // per sub-property (coverage.go)
}

type mutReq struct {
	ID, Name     string
	Killed, Of   int
	Class, Ratio string
}

type mutRun struct {
	Mutant, Scheme, Breaks, Doc, Class, Status, KilledBy, Also string
}

type envView struct {
	Module, Version, GoVersion, Seed, Checks, Steps, Suites, Started string
	Params                                                           [][2]string
}

type vectorView struct {
	Target, Suite, File string
	Flags               []flagView
	Failures            []vecFailView
}

type flagView struct {
	Flag                         string
	Pass, Mismatch, Skip, Errors int
	Class                        string
}

type vecFailView struct{ TcID, File, Status, Detail, Flags string }

func verdictClass(v results.Verdict) string {
	switch v {
	case results.Pass:
		return "v-pass"
	case results.Fail, results.SeedDependent:
		return "v-fail"
	case results.ExpectedFail:
		return "v-xfail"
	case results.UnexpectedPass:
		return "v-upass"
	case results.Skip:
		return "v-skip"
	}
	return "v-other"
}

func verdictText(v results.Verdict) string {
	switch v {
	case results.Fail:
		return "FAIL"
	case results.UnexpectedPass:
		return "UNEXPECTED-PASS"
	case results.SeedDependent:
		return "SEED-DEPENDENT"
	}
	return clean(string(v))
}

func buildPage(rs *results.Results, opts Options) *page {
	p := &page{Title: clean(opts.Title)}
	if p.Title == "" {
		p.Title = "dualoffline conformance report"
	}
	maxEv := opts.MaxEvents
	if maxEv <= 0 {
		maxEv = DefaultMaxEvents
	}
	p.Env = buildEnv(rs.Env)

	// Columns: the catalogue's requirements, then any others the results
	// name (an implementation's own), sorted.
	cat := spec.Catalogue()
	known := map[spec.ReqID]bool{}
	for _, r := range cat {
		known[r.ID] = true
		p.Reqs = append(p.Reqs, reqHead{ID: string(r.ID), Name: r.Name, Stated: r.Stated})
	}
	var extra []string
	seenExtra := map[string]bool{}
	for _, r := range rs.Results {
		if !known[r.Requirement] && !seenExtra[string(r.Requirement)] {
			seenExtra[string(r.Requirement)] = true
			extra = append(extra, string(r.Requirement))
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		p.Reqs = append(p.Reqs, reqHead{ID: clean(id), Name: "(not in the catalogue)"})
	}
	col := map[string]int{}
	for i, r := range cat {
		col[string(r.ID)] = i
	}
	for i, id := range extra {
		col[id] = len(cat) + i
	}

	cells := matrix(rs, extra)
	type rowKey struct{ target, suite string }
	rowIdx := map[rowKey]int{}
	for ci, c := range cells {
		k := rowKey{c.Target, c.Suite}
		ri, ok := rowIdx[k]
		if !ok {
			ri = len(p.Rows)
			rowIdx[k] = ri
			p.Rows = append(p.Rows, rowView{Target: clean(c.Target), Suite: clean(c.Suite), Cells: make([]cellRef, len(p.Reqs))})
		}
		anchor := "cell-" + strconv.Itoa(ci+1)
		n := len(c.Results)
		ref := cellRef{Present: true, Anchor: anchor, Class: verdictClass(c.Verdict)}
		switch c.Verdict {
		case results.Skip:
			ref.Text = fmt.Sprintf("skip %d/%d", n, n)
		default:
			ref.Text = fmt.Sprintf("%s %d/%d", verdictText(c.Verdict), c.Counts[c.Verdict], n)
			if k := c.Counts[results.Skip]; k > 0 {
				ref.Sub = fmt.Sprintf("%d skip", k)
			}
		}
		p.Rows[ri].Cells[col[string(c.Requirement)]] = ref
		cv := cellView{
			Anchor: anchor, Target: clean(c.Target), Suite: clean(c.Suite), Req: clean(string(c.Requirement)),
			Verdict: verdictText(c.Verdict), Class: verdictClass(c.Verdict), Counts: countText(c.Counts),
		}
		if r, ok := spec.LookupRequirement(c.Requirement); ok {
			cv.ReqName = r.Name
		}
		for ri, r := range c.Results {
			rv := buildResult(r, maxEv)
			rv.Anchor = fmt.Sprintf("%s-%d", anchor, ri+1)
			if r.Verdict.Unexpected() {
				p.Unexpected = append(p.Unexpected, link{Anchor: rv.Anchor, Class: rv.Class,
					Text: fmt.Sprintf("%s %s/%s %s-%s", verdictText(r.Verdict), clean(r.Target), clean(r.Suite), clean(string(r.Sub)), clean(r.Property))})
			}
			cv.Results = append(cv.Results, rv)
		}
		p.Cells = append(p.Cells, cv)
	}

	counts := rs.Count()
	for _, v := range []results.Verdict{results.Pass, results.ExpectedFail, results.Skip, results.Fail, results.UnexpectedPass, results.SeedDependent} {
		p.Counts = append(p.Counts, countView{Verdict: verdictText(v), Class: verdictClass(v), N: counts[v]})
	}
	p.Total = len(rs.Results)
	survivors := 0
	if m := rs.Mutants; m != nil {
		p.Mutants = buildMutants(m)
		survivors = m.Total - m.Killed
	}
	switch {
	case len(p.Unexpected) > 0 || survivors > 0:
		p.Status = fmt.Sprintf("%d unexpected verdicts, %d surviving mutants", len(p.Unexpected), survivors)
		p.StatusCls = "v-fail"
	default:
		p.Status = "every verdict as expected"
		p.StatusCls = "v-pass"
	}
	p.VecVersion = clean(opts.VectorsVersion)
	for _, v := range opts.Vectors {
		p.Vectors = append(p.Vectors, buildVectors(v))
	}
	if opts.GoTest != nil {
		p.GoTest = buildGoTest(opts.GoTest)
	}
	return p
}

// matrix is Results.Matrix plus cells for requirements outside the
// catalogue, which Matrix leaves out, so that no result goes unshown.
func matrix(rs *results.Results, extra []string) []results.Cell {
	cells := rs.Matrix()
	if len(extra) == 0 {
		return cells
	}
	type key struct{ target, suite, req string }
	group := map[key][]results.Result{}
	var order []key
	for _, r := range rs.Results {
		k := key{r.Target, r.Suite, string(r.Requirement)}
		if _, ok := spec.LookupRequirement(r.Requirement); ok {
			continue
		}
		if _, ok := group[k]; !ok {
			order = append(order, k)
		}
		group[k] = append(group[k], r)
	}
	for _, k := range order {
		c := results.Cell{Target: k.target, Suite: k.suite, Requirement: spec.ReqID(k.req), Results: group[k], Counts: map[results.Verdict]int{}}
		for _, r := range group[k] {
			c.Counts[r.Verdict]++
		}
		c.Verdict = results.Summarise(group[k])
		cells = append(cells, c)
	}
	return cells
}

func countText(m map[results.Verdict]int) string {
	var parts []string
	for _, v := range []results.Verdict{results.Pass, results.ExpectedFail, results.Skip, results.Fail, results.UnexpectedPass, results.SeedDependent} {
		if m[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[v], v))
		}
	}
	return strings.Join(parts, ", ")
}

func buildResult(r results.Result, maxEv int) resultView {
	rv := resultView{
		Sub: clean(string(r.Sub)), Property: clean(r.Property), Doc: clean(r.Doc),
		Verdict: verdictText(r.Verdict), Class: verdictClass(r.Verdict), Runs: r.Runs,
		Seed: strconv.FormatUint(r.Seed, 10), Replay: clean(r.Replay), Reason: clean(r.Reason),
		Duration: formatMS(r.DurationMS), Notes: cleanAll(r.Notes),
	}
	if s, ok := spec.LookupSub(r.Sub); ok {
		rv.SubTitle = s.Title
	}
	if d := r.Documented; d != nil {
		rv.Documented = &documentedView{Reason: clean(d.Reason), Witness: clean(d.Witness.Match), Observed: clean(d.Observed),
			Status: r.DocumentedStatus(), Class: verdictClass(r.Verdict)}
	}
	if cx := r.Counterexample; cx != nil {
		rv.Cx = buildCx(r, cx, maxEv)
		if rv.Cx.Documented != "" || strings.Contains(cx.Message, r.Reason) {
			rv.Reason = "" // the cause block shows it
		}
		if rv.Cx.Status != "" {
			rv.Documented = nil // the counterexample's cause block shows it beside the diagram
		}
	}
	if g := r.Game; g != nil {
		rv.Game = buildGame(g)
	}
	return rv
}

// buildCx leads with what matters: the cause (documented beside
// observed, for an expected-fail), the run under test drawn up to the
// break with the assertion's diffs beside it, and the setup collapsed.
func buildCx(r results.Result, cx *results.Counterexample, maxEv int) *cxView {
	cv := &cxView{Message: clean(cx.Message), Plan: clean(cx.Plan), Log: cleanAll(cx.Log), Diffs: parseDiffs(cx.Message)}
	if d := r.Documented; d != nil {
		cv.Documented, cv.Witness = clean(d.Reason), clean(d.Witness.Match)
		cv.Status, cv.StatusClass = r.DocumentedStatus(), verdictClass(r.Verdict)
	} else if r.Verdict == results.ExpectedFail {
		cv.Documented = clean(r.Reason)
	}
	cv.Diagram = drawFocus(cx, maxEv, assertion(cx.Message))
	run, broke := cx.Focus()
	if run > 0 {
		cv.Setup = drawTrace(cx.Trace[:run], maxEv)
		cv.SetupKinds = kindCounts(cx.Trace[:run])
	}
	for i, e := range cx.Trace {
		l := eventLine{Text: clean(e.Text())}
		switch {
		case i == broke:
			l.Class, l.Text = "broke", l.Text+"   ◀ the property broke here"
		case i == run && run > 0:
			l.Class = "run"
		}
		cv.Events = append(cv.Events, l)
	}
	return cv
}

// assertion is the first line of a violation, without rapid's preamble.
func assertion(msg string) string {
	msg = strings.TrimPrefix(msg, "[rapid] ")
	if i := strings.Index(msg, "tests: "); i >= 0 && strings.HasPrefix(msg, "failed after ") {
		msg = msg[i+len("tests: "):]
	}
	first, _, _ := strings.Cut(msg, "\n")
	return strings.TrimSuffix(strings.TrimSpace(first), ":")
}

// kindCounts counts events by kind, in the order kinds first appear.
func kindCounts(evs []world.Event) string {
	count := map[world.Kind]int{}
	var kinds []world.Kind
	for _, e := range evs {
		if count[e.Kind] == 0 {
			kinds = append(kinds, e.Kind)
		}
		count[e.Kind]++
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s ×%d", kindClass(k), count[k])
	}
	return strings.Join(parts, ", ")
}

// parseDiffs finds the cmp.Diff blocks in a violation message: a line
// that mentions "(-want +got)" followed by lines that start with "-",
// "+" or a space (cmp.Diff's format; it may use U+00A0 for the space).
func parseDiffs(msg string) []diffView {
	lines := strings.Split(msg, "\n")
	var out []diffView
	for i := 0; i < len(lines); i++ {
		if !strings.Contains(lines[i], "(-want +got)") {
			continue
		}
		dv := diffView{Title: short(oneLine(lines[i]), 240)}
		j := i + 1
		for ; j < len(lines); j++ {
			l := lines[j]
			var class string
			switch {
			case strings.HasPrefix(l, "-"):
				class = "del"
			case strings.HasPrefix(l, "+"):
				class = "add"
			case strings.HasPrefix(l, " "), strings.HasPrefix(l, "\t"), strings.HasPrefix(l, "\u00a0"):
				class = "ctx"
			}
			if class == "" {
				break
			}
			dv.Lines = append(dv.Lines, diffLine{Class: class, Text: clean(l)})
		}
		if len(dv.Lines) > 0 {
			out = append(out, dv)
		}
		i = j - 1
	}
	return out
}

func formatMS(ms float64) string {
	if ms >= 1000 {
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
}

func f3(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// buildGame states each distinguisher's advantage |success − ½| against
// the bound ε: the game holds when every 99% interval lies within ½ ± ε.
func buildGame(g *results.Game) *gameView {
	gv := &gameView{Trials: g.Trials, Epsilon: f3(g.Epsilon), Traced: g.Traced,
		Bound:   fmt.Sprintf("[%s, %s]", f3(0.5-g.Epsilon), f3(0.5+g.Epsilon)),
		Planned: g.Planned, Rule: clean(g.Rule), Outcome: clean(g.Outcome)}
	if g.Confidence > 0 {
		gv.Confidence = strconv.FormatFloat(100*g.Confidence, 'f', -1, 64) + "%"
		gv.Beta = strconv.FormatFloat(g.Beta, 'f', -1, 64)
	}
	ok := true
	for _, d := range g.Distinguishers {
		worst := math.Max(math.Abs(d.Low-0.5), math.Abs(d.High-0.5))
		within := d.Low >= 0.5-g.Epsilon && d.High <= 0.5+g.Epsilon
		dv := distView{Name: clean(d.Name), Success: f3(d.Success), Advantage: f3(math.Abs(d.Success - 0.5)),
			Interval: fmt.Sprintf("[%s, %s]", f3(d.Low), f3(d.High)), Worst: f3(worst), Leak: clean(d.Leak)}
		switch {
		case within:
			dv.Within, dv.Class = "within bound", "v-pass"
		case d.Low > 0.5+g.Epsilon || d.High < 0.5-g.Epsilon:
			dv.Within, dv.Class = "outside bound", "v-fail"
			ok = false
		default:
			dv.Within, dv.Class = "undecided", "v-skip"
			ok = false
		}
		gv.Rows = append(gv.Rows, dv)
	}
	gv.Verdict, gv.Class = "every distinguisher within ½ ± ε", "v-pass"
	if !ok {
		gv.Verdict, gv.Class = "not every distinguisher within ½ ± ε", "v-fail"
	}
	return gv
}

func buildMutants(m *results.MutantScore) *mutantView {
	mv := &mutantView{Total: m.Total, Killed: m.Killed, Alarms: m.Alarms, Checks: m.Checks,
		Score: strconv.FormatFloat(100*m.Score, 'f', 1, 64) + "%", Suite: clean(m.Suite),
		Duration: strconv.FormatFloat(m.DurationS, 'f', 1, 64) + " s"}
	ids := map[string]bool{}
	for k := range m.OfReq {
		ids[k] = true
	}
	for k := range m.ByReq {
		ids[k] = true
	}
	var order []string
	for _, r := range spec.Catalogue() {
		order = append(order, string(r.ID))
		delete(ids, string(r.ID))
	}
	var rest []string
	for k := range ids {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, id := range append(order, rest...) {
		mr := mutReq{ID: clean(id), Killed: m.ByReq[id], Of: m.OfReq[id]}
		if r, ok := spec.LookupRequirement(spec.ReqID(id)); ok {
			mr.Name = r.Name
		}
		switch {
		case mr.Of == 0:
			mr.Class, mr.Ratio = "v-skip", "no mutants"
		case mr.Killed >= mr.Of:
			mr.Class, mr.Ratio = "v-pass", fmt.Sprintf("%d/%d", mr.Killed, mr.Of)
		default:
			mr.Class, mr.Ratio = "v-fail", fmt.Sprintf("%d/%d", mr.Killed, mr.Of)
		}
		mv.ByReq = append(mv.ByReq, mr)
	}
	for _, r := range m.Runs {
		mr := mutRun{Mutant: clean(r.Mutant), Scheme: clean(r.Scheme), Breaks: clean(string(r.Breaks)), Doc: clean(r.Doc),
			KilledBy: clean(strings.Join(r.KilledBy, ", ")), Also: clean(strings.Join(r.Also, ", "))}
		if r.Killed {
			mr.Class, mr.Status = "v-pass", "killed"
		} else {
			mr.Class, mr.Status = "v-fail", "SURVIVED"
		}
		mv.Runs = append(mv.Runs, mr)
	}
	mv.Coverage = buildCoverage(m.Coverage)
	return mv
}

func buildEnv(e results.Env) envView {
	ev := envView{Module: clean(e.Module), Version: clean(e.Version), GoVersion: clean(e.GoVersion),
		Seed: strconv.FormatUint(e.Seed, 10), Checks: strconv.Itoa(e.Checks), Steps: strconv.Itoa(e.Steps),
		Suites: clean(strings.Join(e.Suites, ", "))}
	if !e.Started.IsZero() {
		ev.Started = e.Started.UTC().Format(time.RFC3339)
	}
	keys := make([]string, 0, len(e.Params))
	for k := range e.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ev.Params = append(ev.Params, [2]string{clean(k), clean(e.Params[k])})
	}
	return ev
}

func buildVectors(v VectorRun) vectorView {
	vv := vectorView{Target: clean(v.Target), Suite: clean(v.Suite), File: clean(v.File)}
	for _, f := range v.PerFlag {
		fv := flagView{Flag: clean(f.Flag), Pass: f.Pass, Mismatch: f.Mismatch, Skip: f.Skip, Errors: f.Errors, Class: "v-pass"}
		if f.Mismatch+f.Errors > 0 {
			fv.Class = "v-fail"
		} else if f.Pass == 0 {
			fv.Class = "v-skip"
		}
		vv.Flags = append(vv.Flags, fv)
	}
	for _, f := range v.Failures {
		vv.Failures = append(vv.Failures, vecFailView{TcID: clean(f.TcID), File: clean(f.File), Status: clean(f.Status),
			Detail: clean(f.Detail), Flags: clean(strings.Join(f.Flags, ", "))})
	}
	return vv
}

var pageTemplate = template.Must(template.Must(template.New("report").Parse(pageHTML)).Parse(mscHTML))
