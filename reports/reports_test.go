package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models/world"
)

func render(t testing.TB, rs *results.Results, opts Options) []byte {
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
	rs.Results[0].Counterexample = &results.Counterexample{Message: "long", Trace: trace(450)}
	doc = parse(t, render(t, rs, Options{MaxEvents: 100}))
	svg = find(doc, func(n *html.Node) bool { return n.Data == "svg" })[0]
	evs := find(svg, func(n *html.Node) bool { return n.Data == "g" && strings.HasPrefix(attr(n, "class"), "ev-") })
	if len(evs) != 100 {
		t.Errorf("%d events drawn, want 100", len(evs))
	}
	cap := text(find(doc, func(n *html.Node) bool { return n.Data == "figcaption" })[0])
	if !strings.Contains(cap, "#351–#450") || !strings.Contains(cap, "the first 350 of its 450 rows are not drawn") {
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
	if doc.Tests != len(rs.Results)+3 || doc.Failures != counts[results.Fail]+counts[results.UnexpectedPass]+1 || doc.Skipped != counts[results.Skip] {
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

// focusCx is a counterexample whose world recorded 60 events of setup
// (devices, certifications, persists, funding) before the failing
// payment: session 1 with a fault, a crash and three store writes in a
// row, then reconciliation. The property broke after the first
// reconciliation (#77); two events follow it.
func focusCx() *results.Counterexample {
	var tr []world.Event
	add := func(e world.Event) {
		e.Seq, e.TimeMS = len(tr)+1, int64(len(tr)*10)
		tr = append(tr, e)
	}
	setup := []world.Kind{world.KindDevice, world.KindNote, world.KindPersist, world.KindState, world.KindOnline, world.KindLink}
	for i := 0; i < 60; i++ {
		e := world.Event{Kind: setup[i%len(setup)], From: world.PartyID([]string{"wallet-A", "wallet-B", "PBOC"}[i%3]), Detail: fmt.Sprintf("setup step %d", i+1)}
		if e.Kind == world.KindOnline {
			e.To, e.Type, e.Detail = "PBOC", "CERTIFY", ""
		}
		add(e)
	}
	pay := []world.Event{
		{Kind: world.KindSend, From: "wallet-B", To: "wallet-A", Type: "HELLO"},
		{Kind: world.KindDeliver, From: "wallet-B", To: "wallet-A", Type: "HELLO"},
		{Kind: world.KindSend, From: "wallet-A", To: "wallet-B", Type: "TX"},
		{Kind: world.KindDeliver, From: "wallet-A", To: "wallet-B", Type: "TX"},
		{Kind: world.KindPersist, From: "wallet-B", Detail: "coin/1"},
		{Kind: world.KindPersist, From: "wallet-B", Detail: "log/1"},
		{Kind: world.KindPersist, From: "wallet-B", Detail: "state"},
		{Kind: world.KindSend, From: "wallet-B", To: "wallet-A", Type: "DEDUCT"},
		{Kind: world.KindFault, From: "wallet-B", To: "wallet-A", Type: "DEDUCT", Fault: "crash-after"},
		{Kind: world.KindDeliver, From: "wallet-B", To: "wallet-A", Type: "DEDUCT"},
		{Kind: world.KindCrash, From: "wallet-A"},
		{Kind: world.KindRestart, From: "wallet-A"},
	}
	for _, e := range pay {
		e.Session = 1
		add(e)
	}
	for _, e := range []world.Event{
		{Kind: world.KindLink, From: "wallet-A", Detail: "online"},
		{Kind: world.KindOnline, From: "wallet-A", To: "PBOC", Type: "RECONCILE"},
		{Kind: world.KindState, From: "wallet-A", Detail: "reconciled (offline balance 770)"}, // #75
		{Kind: world.KindLink, From: "wallet-A", Detail: "offline"},
		{Kind: world.KindLink, From: "wallet-B", Detail: "online"}, // #77: the break
		{Kind: world.KindOnline, From: "wallet-B", To: "PBOC", Type: "RECONCILE"},
		{Kind: world.KindState, From: "wallet-B", Detail: "reconciled (offline balance 0)"},
	} {
		add(e)
	}
	msg := "[rapid] failed after 3 tests: after crash-after@5: worths moved (-want +got):\n" +
		"  map[world.PartyID]int64{\n" +
		"- \t\"wallet-A\": -230,\n" +
		"+ \t\"wallet-A\": 0,\n" +
		"  }\n" +
		"To reproduce, specify -run=\"x\" -rapid.seed=1"
	return &results.Counterexample{Message: msg, Plan: "crash-after@5", Trace: tr, RunFrom: 61, BrokeAt: 77}
}

// TestCounterexampleFocus: the report leads with the failing run. The 60
// setup events are collapsed in a <details> of their own, after the run;
// the run's messages are all drawn, bookkeeping in a row folded, the row
// after which the property broke is marked and followed by a row saying
// so, what came after is dimmed, and the assertion's (-want +got) diff
// sits beside the diagram.
func TestCounterexampleFocus(t *testing.T) {
	rs := sample()
	cx := focusCx()
	r := &rs.Results[0]
	r.Verdict, r.Reason, r.Counterexample = results.Fail, "after crash-after@5: worths moved", cx
	doc := parse(t, render(t, rs, Options{}))
	block := byID(doc, "cell-1-1")
	if block == nil {
		t.Fatal("no block for the first result")
	}
	isEvent := func(n *html.Node) bool { return n.Data == "g" && strings.HasPrefix(attr(n, "class"), "ev-") }
	seqs := func(svg *html.Node) map[string]bool { // the gutter labels
		m := map[string]bool{}
		for _, n := range find(svg, func(n *html.Node) bool { return n.Data == "text" && hasClass(n, "seq") }) {
			m[text(n)] = true
		}
		return m
	}

	// The run under test, first, not collapsed.
	figs := find(block, func(n *html.Node) bool { return n.Data == "figure" && hasClass(n, "run") })
	if len(figs) != 1 {
		t.Fatalf("%d diagrams of the run, want 1", len(figs))
	}
	for p := figs[0].Parent; p != nil; p = p.Parent {
		if p.Data == "details" {
			t.Fatal("the run under test is collapsed")
		}
	}
	run := find(figs[0], func(n *html.Node) bool { return n.Data == "svg" })[0]
	got := seqs(run)
	for i := 1; i <= 60; i++ {
		if got["#"+strconv.Itoa(i)] {
			t.Errorf("setup event #%d drawn in the run", i)
		}
	}
	for _, e := range cx.Trace[60:] {
		if e.Kind == world.KindPersist {
			continue
		}
		if !got["#"+strconv.Itoa(e.Seq)] {
			t.Errorf("event #%d (%s %s) of the run not drawn", e.Seq, e.Kind, e.Type)
		}
	}
	var msgs int
	for _, g := range find(run, isEvent) {
		if hasClass(g, "ev-send") || hasClass(g, "ev-deliver") || hasClass(g, "ev-online") {
			msgs++
		}
	}
	if msgs != 8 {
		t.Errorf("%d messages drawn in the run, want the 8 of the payment and reconciliation", msgs)
	}
	folds := find(run, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "ev-fold") })
	if len(folds) != 1 || !strings.Contains(text(folds[0]), "3 bookkeeping events") || !got["#65–67"] {
		t.Errorf("the three store writes #65–67 are not folded into one row: %d folds", len(folds))
	}

	// The break.
	broke := find(run, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "broke") })
	if len(broke) != 1 || !strings.Contains(text(broke[0]), "#77") {
		t.Fatalf("%d rows marked broken, want #77", len(broke))
	}
	if n := len(find(run, func(n *html.Node) bool { return n.Data == "rect" && hasClass(n, "broke-row") })); n != 1 {
		t.Errorf("%d break bands", n)
	}
	mark := find(run, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "broke-mark") })
	if len(mark) != 1 || !strings.Contains(text(mark[0]), "the property broke here: after crash-after@5: worths moved") {
		t.Errorf("no row saying where the property broke and what it asserted")
	}
	var after []string
	for _, g := range find(run, isEvent) {
		if hasClass(g, "after") {
			after = append(after, text(g))
		}
	}
	if len(after) != 2 || !strings.Contains(after[0], "#78") || !strings.Contains(after[1], "#79") {
		t.Errorf("dimmed rows %q, want #78 and #79, the events after the break", after)
	}
	cap := text(find(figs[0], func(n *html.Node) bool { return n.Data == "figcaption" })[0])
	if !strings.Contains(cap, "#61–#79") || !strings.Contains(cap, "broke after #77") {
		t.Errorf("caption does not state the run and the break: %q", cap)
	}

	// The diff beside the diagram, in the same row.
	diffs := find(block, func(n *html.Node) bool { return n.Data == "div" && hasClass(n, "cx-diff") })
	if len(diffs) != 1 || diffs[0].Parent.Parent != figs[0].Parent {
		t.Fatalf("%d diff blocks beside the diagram", len(diffs))
	}
	var classes []string
	for _, s := range find(diffs[0], func(n *html.Node) bool { return n.Data == "span" }) {
		classes = append(classes, attr(s, "class")+" "+strings.TrimSpace(text(s)))
	}
	want := []string{"ctx map[world.PartyID]int64{", "del - \t\"wallet-A\": -230,", "add + \t\"wallet-A\": 0,", "ctx }"}
	if d := cmp.Diff(want, classes); d != "" {
		t.Errorf("diff lines (-want +got):\n%s", d)
	}
	if !strings.Contains(text(diffs[0]), "worths moved (-want +got)") {
		t.Errorf("the diff does not say which assertion printed it: %q", text(diffs[0]))
	}

	// The setup, collapsed, after the run.
	sets := find(block, func(n *html.Node) bool { return n.Data == "details" && hasClass(n, "cx-setup") })
	if len(sets) != 1 {
		t.Fatalf("%d collapsed setups, want 1", len(sets))
	}
	if attr(sets[0], "open") != "" || hasAttr(sets[0], "open") {
		t.Error("the setup is open")
	}
	sum := text(find(sets[0], func(n *html.Node) bool { return n.Data == "summary" })[0])
	if !strings.Contains(sum, "60 events") || !strings.Contains(sum, "persist ×10") {
		t.Errorf("setup summary %q does not count the setup", sum)
	}
	svg := find(sets[0], func(n *html.Node) bool { return n.Data == "svg" })
	if len(svg) != 1 || len(find(svg[0], isEvent)) != 60 {
		t.Errorf("the collapsed setup does not draw its 60 events")
	}
	if !before(doc, figs[0], sets[0]) {
		t.Error("the setup comes before the run under test")
	}

	// The text trace marks the break.
	marks := find(block, func(n *html.Node) bool { return n.Data == "span" && hasClass(n, "broke") })
	if len(marks) != 1 || !strings.Contains(text(marks[0]), "◀ the property broke here") || !strings.Contains(text(marks[0]), "wallet-B") {
		t.Errorf("the text trace does not mark #77")
	}
}

// TestCounterexampleCauses: an expected-fail shows the documented cause
// beside the observed one; a fail shows the observed one alone.
func TestCounterexampleCauses(t *testing.T) {
	rs := sample()
	doc := parse(t, render(t, rs, Options{}))
	var xfail, fail *html.Node
	for _, n := range find(doc, func(n *html.Node) bool { return n.Data == "div" && hasClass(n, "result") }) {
		h := text(find(n, func(n *html.Node) bool { return n.Data == "h4" })[0])
		switch {
		case xfail == nil && strings.Contains(h, "R2.1-serial-once"):
			xfail = n
		case fail == nil && strings.Contains(h, "R5.1-atomic-transfer") && strings.Contains(h, "FAIL"):
			fail = n
		}
	}
	if xfail == nil || fail == nil {
		t.Fatal("sample lacks an expected-fail or a fail with a counterexample")
	}
	cause := find(xfail, func(n *html.Node) bool { return n.Data == "div" && hasClass(n, "cx-cause") })
	if len(cause) != 1 {
		t.Fatal("no cause block")
	}
	doc1 := find(cause[0], func(n *html.Node) bool { return hasClass(n, "cause-doc") })
	obs := find(cause[0], func(n *html.Node) bool { return hasClass(n, "cause-obs") })
	if len(doc1) != 1 || len(obs) != 1 || doc1[0].Parent != obs[0].Parent {
		t.Fatal("documented and observed causes are not side by side")
	}
	if !strings.Contains(text(doc1[0]), "documented: offline double spend is detected only online") || !strings.Contains(text(obs[0]), "coin spent twice") {
		t.Errorf("documented %q, observed %q", text(doc1[0]), text(obs[0]))
	}
	if len(find(fail, func(n *html.Node) bool { return hasClass(n, "cause-doc") })) != 0 {
		t.Error("a fail shows a documented cause")
	}
	if !strings.Contains(text(fail), "money lost: 200") {
		t.Error("a fail does not show what was observed")
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// before reports whether a comes before b in document order.
func before(root, a, b *html.Node) bool {
	i, ia, ib := 0, -1, -1
	walk(root, func(n *html.Node) {
		switch n {
		case a:
			ia = i
		case b:
			ib = i
		}
		i++
	})
	return ia >= 0 && ib >= 0 && ia < ib
}

// TestCounterexampleFocusCap: when the run has more rows than MaxEvents,
// the rows drawn are those leading to the break and a few after it, and
// the caption says how many are left out on each side.
func TestCounterexampleFocusCap(t *testing.T) {
	rs := sample()
	tr := trace(500)
	for i := range tr {
		if tr[i].Kind == world.KindPersist {
			tr[i].Kind = world.KindNote // one row per event
		}
	}
	rs.Results[0].Counterexample = &results.Counterexample{Message: "broke early", Trace: tr, BrokeAt: 100}
	doc := parse(t, render(t, rs, Options{MaxEvents: 48}))
	fig := find(byID(doc, "cell-1-1"), func(n *html.Node) bool { return n.Data == "figure" && hasClass(n, "run") })[0]
	evs := find(fig, func(n *html.Node) bool { return n.Data == "g" && strings.HasPrefix(attr(n, "class"), "ev-") })
	if len(evs) != 48 {
		t.Fatalf("%d rows drawn, want 48", len(evs))
	}
	first, last := text(evs[0]), text(evs[len(evs)-1])
	if !strings.Contains(first, "#59") || !strings.Contains(last, "#106") {
		t.Errorf("rows from %.12q to %.12q, want #59 to #106: the 42 before the break and 6 after", first, last)
	}
	broke := find(fig, func(n *html.Node) bool { return n.Data == "g" && hasClass(n, "broke") })
	if len(broke) != 1 || !strings.Contains(text(broke[0]), "#100") {
		t.Error("the break #100 is not drawn")
	}
	cap := text(find(fig, func(n *html.Node) bool { return n.Data == "figcaption" })[0])
	if !strings.Contains(cap, "the first 58 of its 500 rows are not drawn") || !strings.Contains(cap, "394 later rows are not drawn") {
		t.Errorf("caption %q", cap)
	}
}
