package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// GoTestRun summarises a `go test -json` stream (test2json events): the
// final action of every package and test, and the output of the ones
// that failed.
type GoTestRun struct {
	Packages []GoTestPackage
}

// GoTestPackage is one package of the stream, its tests in the order they
// started.
type GoTestPackage struct {
	Name    string
	Action  string // pass, fail, skip, or "" when the stream ended early
	Elapsed float64
	Output  string // package-level output when it failed
	Tests   []GoTest
}

// GoTest is one test or subtest.
type GoTest struct {
	Name    string
	Action  string // pass, fail, skip, or "" when it never finished
	Elapsed float64
	Output  string // its output, kept for failures and skips
}

// maxTestOutput caps the output kept per test.
const maxTestOutput = 16 << 10

type testEvent struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// ReadGoTest reads a `go test -json` stream. Lines that are not JSON
// (build output) are kept as package output of the package "(build)".
func ReadGoTest(r io.Reader) (*GoTestRun, error) {
	run := &GoTestRun{}
	pkgs := map[string]int{} // index in run.Packages
	tests := map[string]map[string]int{}
	outputs := map[string]map[string]*strings.Builder{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	events := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e testEvent
		if line[0] != '{' || json.Unmarshal(line, &e) != nil {
			e = testEvent{Action: "output", Package: "(build)", Output: string(line) + "\n"}
		} else {
			events++
		}
		if _, ok := pkgs[e.Package]; !ok {
			pkgs[e.Package] = len(run.Packages)
			run.Packages = append(run.Packages, GoTestPackage{Name: e.Package})
			tests[e.Package] = map[string]int{}
			outputs[e.Package] = map[string]*strings.Builder{}
		}
		p := &run.Packages[pkgs[e.Package]]
		var t *GoTest
		if e.Test != "" {
			i, ok := tests[e.Package][e.Test]
			if !ok {
				p.Tests = append(p.Tests, GoTest{Name: e.Test})
				i = len(p.Tests) - 1
				tests[e.Package][e.Test] = i
			}
			t = &p.Tests[i]
		}
		switch e.Action {
		case "output":
			b := outputs[e.Package][e.Test]
			if b == nil {
				b = &strings.Builder{}
				outputs[e.Package][e.Test] = b
			}
			if b.Len() < maxTestOutput {
				b.WriteString(e.Output)
			}
		case "pass", "fail", "skip":
			if t != nil {
				t.Action, t.Elapsed = e.Action, e.Elapsed
			} else {
				p.Action, p.Elapsed = e.Action, e.Elapsed
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("go test stream: %w", err)
	}
	if events == 0 {
		return nil, fmt.Errorf("go test stream: no test2json events (run go test -json)")
	}
	for i := range run.Packages {
		p := &run.Packages[i]
		outs := outputs[p.Name]
		if p.Action != "pass" {
			if b := outs[""]; b != nil {
				p.Output = cut(b.String(), maxTestOutput)
			}
		}
		for j := range p.Tests {
			t := &p.Tests[j]
			if t.Action != "pass" {
				if b := outs[t.Name]; b != nil {
					t.Output = cut(b.String(), maxTestOutput)
				}
			}
		}
	}
	return run, nil
}

type goTestView struct {
	Packages              []goPkgView
	Pass, Fail, Skip, Run int
}

type goPkgView struct {
	Name, Action, Class, Elapsed, Output string
	Pass, Fail, Skip                     int
	Tests                                []goTestRow // the ones that did not pass
}

type goTestRow struct{ Name, Action, Class, Elapsed, Output string }

func actionClass(a string) string {
	switch a {
	case "pass":
		return "v-pass"
	case "skip":
		return "v-skip"
	}
	return "v-fail"
}

func buildGoTest(g *GoTestRun) *goTestView {
	v := &goTestView{}
	for _, p := range g.Packages {
		pv := goPkgView{Name: clean(p.Name), Action: clean(orUnfinished(p.Action)), Class: actionClass(p.Action),
			Elapsed: strconv.FormatFloat(p.Elapsed, 'f', 2, 64) + " s", Output: clean(p.Output)}
		for _, t := range p.Tests {
			switch t.Action {
			case "pass":
				pv.Pass++
			case "skip":
				pv.Skip++
			default:
				pv.Fail++
			}
			if t.Action != "pass" {
				pv.Tests = append(pv.Tests, goTestRow{Name: clean(t.Name), Action: clean(orUnfinished(t.Action)), Class: actionClass(t.Action),
					Elapsed: strconv.FormatFloat(t.Elapsed, 'f', 2, 64) + " s", Output: clean(t.Output)})
			}
		}
		v.Pass += pv.Pass
		v.Fail += pv.Fail
		v.Skip += pv.Skip
		v.Packages = append(v.Packages, pv)
	}
	v.Run = v.Pass + v.Fail + v.Skip
	sort.SliceStable(v.Packages, func(i, j int) bool { return v.Packages[i].Name < v.Packages[j].Name })
	return v
}

func orUnfinished(a string) string {
	if a == "" {
		return "unfinished"
	}
	return a
}
