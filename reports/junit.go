package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dualoffline/dualoffline/conformance/results"
)

// The JUnit XML form, as Jenkins, GitLab and GitHub reporters read it.
type junitSuites struct {
	XMLName    xml.Name        `xml:"testsuites"`
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Suites     []junitSuite    `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase     `xml:"testcase"`
	Props     []junitProperty `xml:"properties>property,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes rs as JUnit XML: one testsuite per target and crypto
// suite, one testcase per property. A fail or unexpected-pass is a
// failure carrying the reason, the counterexample and the replay command;
// a skip is skipped; an expected-fail passes with a system-out note. A
// mutant score becomes one more testsuite, "mutants", a surviving mutant
// failing.
func WriteJUnit(w io.Writer, rs *results.Results) error {
	if rs == nil {
		return fmt.Errorf("reports: no results")
	}
	doc := junitSuites{Name: "dualoffline"}
	if !rs.Env.Started.IsZero() {
		doc.Timestamp = rs.Env.Started.UTC().Format("2006-01-02T15:04:05")
	}
	env := buildEnv(rs.Env)
	doc.Properties = []junitProperty{
		{"module", env.Module}, {"version", env.Version}, {"go", env.GoVersion},
		{"seed", env.Seed}, {"checks", env.Checks}, {"steps", env.Steps}, {"suites", env.Suites},
	}
	for _, p := range env.Params {
		doc.Properties = append(doc.Properties, junitProperty{p[0], p[1]})
	}
	type key struct{ target, suite string }
	index := map[key]int{}
	secs := map[int]float64{}
	var total float64
	for _, r := range rs.Results {
		k := key{r.Target, r.Suite}
		i, ok := index[k]
		if !ok {
			i = len(doc.Suites)
			index[k] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: clean(r.Target + "/" + r.Suite), Timestamp: doc.Timestamp})
		}
		s := &doc.Suites[i]
		c := junitCase{
			Name:      clean(r.ID()),
			Classname: clean("dualoffline." + r.Target + "." + r.Suite + "." + string(r.Requirement)),
			Time:      seconds(r.DurationMS / 1000),
		}
		secs[i] += r.DurationMS / 1000
		total += r.DurationMS / 1000
		s.Tests++
		switch r.Verdict {
		case results.Fail, results.UnexpectedPass, results.SeedDependent:
			s.Failures++
			c.Failure = &junitMessage{Message: firstLine(clean(r.Reason)), Type: string(r.Verdict), Body: failureBody(r)}
		case results.Skip:
			s.Skipped++
			c.Skipped = &junitMessage{Message: clean(r.Reason)}
		case results.ExpectedFail:
			c.SystemOut = clean(fmt.Sprintf("expected-fail (documented): %s\nreplay: %s", r.Reason, r.Replay))
		case results.Pass:
		default:
			s.Failures++
			c.Failure = &junitMessage{Message: clean("unknown verdict " + string(r.Verdict)), Type: "unknown"}
		}
		s.Cases = append(s.Cases, c)
	}
	for i := range doc.Suites {
		doc.Suites[i].Time = seconds(secs[i])
	}
	if m := rs.Mutants; m != nil {
		s := junitSuite{Name: "mutants", Time: seconds(m.DurationS), Timestamp: doc.Timestamp,
			Props: []junitProperty{{"suite", clean(m.Suite)}, {"checks", strconv.Itoa(m.Checks)},
				{"score", strconv.FormatFloat(m.Score, 'f', 4, 64)}, {"false_alarms", strconv.Itoa(m.Alarms)}}}
		for _, run := range m.Runs {
			c := junitCase{Name: clean(run.Mutant), Classname: clean("dualoffline.mutants." + string(run.Breaks)), Time: "0"}
			s.Tests++
			if run.Killed {
				c.SystemOut = clean(fmt.Sprintf("killed by %s\n%s", strings.Join(run.KilledBy, ", "), run.Doc))
			} else {
				s.Failures++
				c.Failure = &junitMessage{Message: clean("mutant survived: " + run.Doc), Type: "survived",
					Body: clean(fmt.Sprintf("scheme %s breaks %s but no property of %s failed\nalso failed: %s", run.Scheme, run.Breaks, run.Breaks, strings.Join(run.Also, ", ")))}
			}
			s.Cases = append(s.Cases, c)
		}
		total += m.DurationS
		doc.Suites = append(doc.Suites, s)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	e := xml.NewEncoder(w)
	e.Indent("", "  ")
	if err := e.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func failureBody(r results.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s/%s %s-%s: %s\n", strings.ToUpper(string(r.Verdict)), r.Target, r.Suite, r.Sub, r.Property, r.Doc)
	if r.Reason != "" {
		fmt.Fprintf(&b, "reason: %s\n", r.Reason)
	}
	if cx := r.Counterexample; cx != nil {
		fmt.Fprintf(&b, "counterexample: %s\n", cx.Message)
		if cx.Plan != "" {
			fmt.Fprintf(&b, "fault plan: %s\n", cx.Plan)
		}
		for _, l := range cx.Log {
			fmt.Fprintf(&b, "| %s\n", l)
		}
		from := max(0, len(cx.Trace)-30)
		for _, e := range cx.Trace[from:] {
			fmt.Fprintf(&b, "  %s\n", e.Text())
		}
	}
	fmt.Fprintf(&b, "seed: %d\nreplay: %s\n", r.Seed, r.Replay)
	return clean(b.String())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
