package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dualoffline/dualoffline/conformance"
)

func render(t testing.TB, rs *conformance.Results, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, rs, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func parse(t testing.TB, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, c string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

func find(root *html.Node, f func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && f(n) {
			out = append(out, n)
		}
	})
	return out
}

func byID(root *html.Node, id string) *html.Node {
	ns := find(root, func(n *html.Node) bool { return attr(n, "id") == id })
	if len(ns) == 0 {
		return nil
	}
	return ns[0]
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// TestMatrix: one cell per target × suite × requirement that has results,
// each with its summary verdict's class and a link to an existing anchor.
func TestMatrix(t *testing.T) {
	rs := sample()
	doc := parse(t, render(t, rs, Options{}))
	cells := rs.Matrix()
	tds := find(doc, func(n *html.Node) bool { return n.Data == "td" && hasClass(n, "cell") })
	if len(tds) != len(cells) {
		t.Fatalf("%d matrix cells, want %d", len(tds), len(cells))
	}
	rows := find(doc, func(n *html.Node) bool {
		return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" && hasClass(n.Parent.Parent, "matrix")
	})
	if len(rows) != 4 {
		t.Errorf("%d matrix rows, want 4 (2 targets × 2 suites)", len(rows))
	}
	for i, c := range cells {
		td := tds[i]
		if !hasClass(td, verdictClass(c.Verdict)) {
			t.Errorf("cell %d %s/%s/%s: class %q, want %s", i, c.Target, c.Suite, c.Requirement, attr(td, "class"), verdictClass(c.Verdict))
		}
		a := find(td, func(n *html.Node) bool { return n.Data == "a" })
		if len(a) != 1 {
			t.Fatalf("cell %d: %d links", i, len(a))
		}
		href := attr(a[0], "href")
		target := byID(doc, strings.TrimPrefix(href, "#"))
		if !strings.HasPrefix(href, "#") || target == nil {
			t.Fatalf("cell %d links to %q, which does not exist", i, href)
		}
		h := text(target)
		for _, want := range []string{c.Target, c.Suite, string(c.Requirement)} {
			if !strings.Contains(h, want) {
				t.Errorf("detail %s does not name %q", href, want)
			}
		}
		for _, r := range c.Results {
			if !strings.Contains(h, r.Replay) || !strings.Contains(h, r.Property) {
				t.Errorf("detail %s lacks %s or its replay command", href, r.Property)
			}
		}
	}
	// Every internal link resolves.
	for _, a := range find(doc, func(n *html.Node) bool { return n.Data == "a" }) {
		href := attr(a, "href")
		if !strings.HasPrefix(href, "#") || byID(doc, href[1:]) == nil {
			t.Errorf("dangling link %q", href)
		}
	}
	// The verdict classes of the sample are all there.
	page := string(render(t, rs, Options{}))
	for _, want := range []string{"v-pass", "v-xfail", "v-skip", "v-fail", "v-upass", "UNEXPECTED-PASS", "Unexpected results", "weak-sig", "SURVIVED"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestCounterexampleDiagram: a counterexample is drawn as an inline SVG
// with a lane per party and marks for rejects, faults, crashes and
// restarts; a long trace is cut to the last MaxEvents and says so.
func TestCounterexampleDiagram(t *testing.T) {
	rs := sample()
	doc := parse(t, render(t, rs, Options{}))
	svgs := find(doc, func(n *html.Node) bool { return n.Data == "svg" })
	var cx int
	for _, r := range rs.Results {
		if r.Counterexample != nil {
			cx++
		}
	}
	if len(svgs) != cx {
		t.Fatalf("%d diagrams, want %d", len(svgs), cx)
	}
	svg := svgs[0]
	lanes := find(svg, func(n *html.Node) bool { return n.Data == "text" && hasClass(n, "head") })
	if len(lanes) != 3 {
		t.Errorf("%d lanes, want 3", len(lanes))
	}
	for _, class := range []string{"ev-send", "ev-deliver", "ev-reject", "ev-fault", "ev-crash", "ev-restart", "ev-state", "ev-note", "ev-online"} {
		if len(find(svg, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, class) })) == 0 {
			t.Errorf("no %s event drawn", class)
		}
	}
	for _, class := range []string{"cross", "crash", "bolt", "restart", "head"} {
		if len(find(svg, func(n *html.Node) bool { return hasClass(n, class) })) == 0 {
			t.Errorf("no %s mark", class)
		}
	}
	// Cap.
	rs.Results[0].Counterexample = &conformance.Counterexample{Message: "long", Trace: trace(450)}
	doc = parse(t, render(t, rs, Options{MaxEvents: 100}))
	svg = find(doc, func(n *html.Node) bool { return n.Data == "svg" })[0]
	evs := find(svg, func(n *html.Node) bool { return n.Data == "g" && strings.HasPrefix(attr(n, "class"), "ev-") })
	if len(evs) != 100 {
		t.Errorf("%d events drawn, want 100", len(evs))
	}
	cap := text(find(doc, func(n *html.Node) bool { return n.Data == "figcaption" })[0])
	if !strings.Contains(cap, "The last 100 of 450") || !strings.Contains(cap, "first 350 are omitted") {
		t.Errorf("caption does not state the cap: %q", cap)
	}
	if !strings.Contains(text(svg), "#450") || strings.Contains(text(svg), "#350\u00a0") {
		t.Errorf("the last events are not the ones drawn")
	}
}

// TestGameAndEnv: R3's advantage with its bound, and the environment.
func TestGameAndEnv(t *testing.T) {
	page := string(render(t, sample(), Options{VectorsVersion: "vectors-2026.1"}))
	for _, want := range []string{"bound ε = 0.100", "[0.400, 0.600]", "outside bound", "within bound", "message length",
		"github.com/dualoffline/dualoffline", "v0.0.0-test", "go1.26", "2026-11-25T13:00:00Z", "vectors-2026.1", "game.epsilon",
		"2 of 3 mutants killed", "66.7%",
		"500 trials of N = 3963", "confidence 99%, β = 0.001", "stop on a leak at trials [20 40]", "<th>outcome</th><td>leak</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Params in key order.
	if i, j := strings.Index(page, ">alpha<"), strings.Index(page, ">timeout<"); i < 0 || j < 0 || i > j {
		t.Errorf("params not sorted")
	}
}

// TestDeterministic: the same input gives the same bytes.
func TestDeterministic(t *testing.T) {
	opts := Options{Vectors: []VectorRun{{Target: "chip", Suite: "GM", File: "chip_GM_apdu_test.json", PerFlag: []FlagCount{{Flag: "BadSig", Pass: 3}, {Flag: "Truncated", Mismatch: 1}},
		Failures: []VectorFailure{{TcID: "7", File: "chip_GM_apdu_test.json", Status: "mismatch", Detail: "accepted", Flags: []string{"Truncated"}}}}}}
	a := render(t, sample(), opts)
	for i := 0; i < 5; i++ {
		if b := render(t, sample(), opts); !bytes.Equal(a, b) {
			t.Fatal("two renderings of the same results differ")
		}
	}
	var j1, j2 bytes.Buffer
	if err := WriteJUnit(&j1, sample()); err != nil {
		t.Fatal(err)
	}
	if err := WriteJUnit(&j2, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(j1.Bytes(), j2.Bytes()) {
		t.Fatal("two JUnit renderings differ")
	}
}

// TestSelfContained: nothing is loaded from outside the file and no
// script runs; the CSP admits only the inline stylesheet by its hash.
func TestSelfContained(t *testing.T) {
	page := render(t, sample(), Options{})
	doc := parse(t, page)
	metas := find(doc, func(n *html.Node) bool {
		return n.Data == "meta" && strings.EqualFold(attr(n, "http-equiv"), "Content-Security-Policy")
	})
	if len(metas) != 1 || !strings.Contains(attr(metas[0], "content"), "default-src 'none'") || !strings.Contains(attr(metas[0], "content"), cspHash) {
		t.Fatalf("CSP meta: %v", metas)
	}
	styles := find(doc, func(n *html.Node) bool { return n.Data == "style" })
	if len(styles) != 1 || text(styles[0]) != pageCSS {
		t.Fatal("the stylesheet is not the one the CSP hash admits")
	}
	if !strings.Contains(pageCSS, "@media print") {
		t.Error("no print stylesheet")
	}
	for _, n := range find(doc, func(*html.Node) bool { return true }) {
		switch n.Data {
		case "script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignobject", "foreignObject":
			t.Errorf("element <%s> in a self-contained report", n.Data)
		}
		for _, a := range n.Attr {
			if a.Key == "src" || a.Key == "style" || strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
	}
}

// TestJUnit: a testsuite per target and suite, a testcase per property;
// failures carry reason and replay, skips are skipped, expected-fails pass
// with a note.
func TestJUnit(t *testing.T) {
	rs := sample()
	var b bytes.Buffer
	if err := WriteJUnit(&b, rs); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if len(doc.Suites) != 5 { // 2 targets × 2 suites + mutants
		t.Fatalf("%d testsuites", len(doc.Suites))
	}
	if doc.Suites[0].Name != "chip/GM" || doc.Suites[4].Name != "mutants" {
		t.Errorf("suites %q … %q", doc.Suites[0].Name, doc.Suites[4].Name)
	}
	counts := rs.Count()
	if doc.Tests != len(rs.Results)+3 || doc.Failures != counts[conformance.Fail]+counts[conformance.UnexpectedPass]+1 || doc.Skipped != counts[conformance.Skip] {
		t.Errorf("tests %d failures %d skipped %d", doc.Tests, doc.Failures, doc.Skipped)
	}
	var sawFail, sawX, sawSkip bool
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			switch {
			case c.Failure != nil && c.Failure.Type == "fail":
				sawFail = strings.Contains(c.Failure.Body, "replay: dualoffline check") && strings.Contains(c.Failure.Body, "money lost")
			case c.Skipped != nil:
				sawSkip = c.Skipped.Message == "target has no secure element"
			case strings.HasPrefix(c.SystemOut, "expected-fail"):
				sawX = strings.Contains(c.SystemOut, "replay:")
			}
		}
	}
	if !sawFail || !sawX || !sawSkip {
		t.Errorf("fail %v expected-fail %v skip %v\n%s", sawFail, sawX, sawSkip, b.String())
	}
}

// TestReadGoTest: a go test -json stream becomes a section of the report.
func TestReadGoTest(t *testing.T) {
	stream := `{"Action":"start","Package":"example/a"}
{"Action":"run","Package":"example/a","Test":"TestOK"}
{"Action":"output","Package":"example/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"example/a","Test":"TestOK","Elapsed":0.01}
{"Action":"run","Package":"example/a","Test":"TestBad"}
{"Action":"output","Package":"example/a","Test":"TestBad","Output":"    bad_test.go:9: <script>alert(1)</script>\n"}
{"Action":"fail","Package":"example/a","Test":"TestBad","Elapsed":0.02}
{"Action":"run","Package":"example/a","Test":"TestSkip"}
{"Action":"skip","Package":"example/a","Test":"TestSkip","Elapsed":0}
{"Action":"fail","Package":"example/a","Elapsed":0.5}
not json: a build line
`
	g, err := ReadGoTest(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Packages) != 2 || len(g.Packages[0].Tests) != 3 || g.Packages[0].Action != "fail" {
		t.Fatalf("%+v", g)
	}
	if g.Packages[0].Tests[1].Output == "" || g.Packages[0].Tests[0].Output != "" {
		t.Errorf("outputs: %+v", g.Packages[0].Tests)
	}
	page := render(t, sample(), Options{GoTest: g})
	doc := parse(t, page)
	sec := byID(doc, "gotest")
	if sec == nil || !strings.Contains(text(sec), "3 tests: 1 pass, 1 fail, 1 skip") || !strings.Contains(text(sec), "<script>alert(1)</script>") {
		t.Fatalf("go test section: %q", text(sec))
	}
	if len(find(doc, func(n *html.Node) bool { return n.Data == "script" })) != 0 {
		t.Error("test output became a script")
	}
	if _, err := ReadGoTest(strings.NewReader("hello\n")); err == nil {
		t.Error("a stream without events was accepted")
	}
}

// BenchmarkWriteHTML writes the report of a large run (500 results, 100
// of them with a 300-event trace); the acceptance budget for the full
// default run is 2 s.
//
//	go test -run XXX -bench WriteHTML ./reports/
func BenchmarkWriteHTML(b *testing.B) {
	rs := large(500)
	var n int
	for b.Loop() {
		var w countWriter
		if err := WriteHTML(&w, rs, Options{}); err != nil {
			b.Fatal(err)
		}
		n = int(w)
	}
	b.ReportMetric(float64(n)/1e6, "MB/report")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func ExampleWriteHTML() {
	var b bytes.Buffer
	_ = WriteHTML(&b, sample(), Options{Title: "example"})
	fmt.Println(strings.Contains(b.String(), "<title>example</title>"))
	// Output: true
}
