package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// VectorCase is the result of one vector case, for WriteVectorsJUnit. It
// mirrors the vectors package's case result without depending on it.
type VectorCase struct {
	TcID, File, Requirement string
	Flags                   []string
	Status                  string // pass, mismatch, skip or error
	Expected, Got           string // outcomes as text ("valid", "invalid/code")
	Err                     string // why the case errored or was skipped
}

// VectorsRun is a vector run as WriteVectorsJUnit writes it.
type VectorsRun struct {
	Name       string    // the testsuites name; default "dualoffline vectors"
	Started    time.Time // zero omits the timestamp
	Duration   time.Duration
	Properties [][2]string // environment: implementation, command, version…
	Cases      []VectorCase
}

// WriteVectorsJUnit writes a vector run as JUnit XML: one testsuite per
// vector file (in the order of first appearance), one testcase per tcId.
// A mismatch or an error is a failure giving the expected and the actual
// outcome, a skip is skipped.
func WriteVectorsJUnit(w io.Writer, run VectorsRun) error {
	doc := junitSuites{Name: clean(run.Name), Time: seconds(run.Duration.Seconds())}
	if doc.Name == "" {
		doc.Name = "dualoffline vectors"
	}
	if !run.Started.IsZero() {
		doc.Timestamp = run.Started.UTC().Format("2006-01-02T15:04:05")
	}
	for _, p := range run.Properties {
		doc.Properties = append(doc.Properties, junitProperty{clean(p[0]), clean(p[1])})
	}
	index := map[string]int{}
	for _, c := range run.Cases {
		i, ok := index[c.File]
		if !ok {
			i = len(doc.Suites)
			index[c.File] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: clean(c.File), Time: "0", Timestamp: doc.Timestamp})
		}
		s := &doc.Suites[i]
		jc := junitCase{Name: clean(c.TcID), Classname: clean("vectors." + strings.TrimSuffix(c.File, ".json")), Time: "0"}
		if len(c.Flags) > 0 || c.Requirement != "" {
			jc.SystemOut = clean(fmt.Sprintf("requirement %s; flags %s", c.Requirement, strings.Join(c.Flags, ", ")))
		}
		s.Tests++
		switch c.Status {
		case "pass":
		case "skip":
			s.Skipped++
			jc.Skipped = &junitMessage{Message: clean(c.Err)}
		case "error":
			s.Errors++
			jc.Failure = &junitMessage{Message: firstLine(clean("error: " + c.Err)), Type: "error",
				Body: clean(fmt.Sprintf("expected: %s\nactual: error: %s\n", c.Expected, c.Err))}
		default:
			s.Failures++
			got := c.Got
			if got == "" {
				got = c.Err
			}
			jc.Failure = &junitMessage{Message: clean(fmt.Sprintf("expected %s, got %s", c.Expected, got)), Type: clean(c.Status),
				Body: clean(fmt.Sprintf("expected: %s\nactual: %s\nrequirement: %s\nflags: %s\n", c.Expected, got, c.Requirement, strings.Join(c.Flags, ", ")))}
		}
		s.Cases = append(s.Cases, jc)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures + s.Errors
		doc.Skipped += s.Skipped
	}
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
