package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/models/world"
)

// hostile are strings an implementation under test might put in its name,
// its errors, its stderr or its trace to run code in the report's reader.
var hostile = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
	`<script>/*`,
	`</script><script>alert(2)</script>`,
	`<img src=x onerror=alert(3)>`,
	`<svg onload=alert(4)>`,
	`<svg><script>alert(5)</script></svg>`,
	`<iframe src="javascript:alert(6)"></iframe>`,
	`<a href="javascript:alert(7)">click</a>`,
	`javascript:alert(8)`,
	`JaVaScRiPt:alert(9)`,
	"java\tscript:alert(10)",
	`data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4=`,
	`vbscript:msgbox(12)`,
	`" onmouseover="alert(13)`,
	`' onfocus='alert(14)' autofocus='`,
	`"><script>alert(15)</script>`,
	`'><img src=x onerror=alert(16)>`,
	`" style="background:url(javascript:alert(17))`,
	`x" href="javascript:alert(18)`,
	`#" onclick="alert(19)`,
	`</title><script>alert(20)</script>`,
	`</style><script>alert(21)</script>`,
	`</textarea><script>alert(22)</script>`,
	`</pre><script>alert(23)</script>`,
	`</code></td></tr></table><script>alert(24)</script>`,
	`</text></svg><script>alert(25)</script>`,
	`</title></g></svg><img src=x onerror=alert(26)>`,
	`<svg><a xlink:href="javascript:alert(27)"><text>x</text></a></svg>`,
	`<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(28)'/></svg>#x"/></svg>`,
	`<svg><foreignObject><iframe srcdoc="<script>alert(29)</script>"></iframe></foreignObject></svg>`,
	`<svg><animate onbegin=alert(30) attributeName=x dur=1s>`,
	`<svg><set attributeName="href" to="javascript:alert(31)"/></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(32)>`,
	`<!--<script>alert(33)</script>-->`,
	`<![CDATA[<script>alert(34)</script>]]>`,
	`<base href="//evil.example/">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(36)">`,
	`<link rel=stylesheet href=//evil.example/x.css>`,
	`<object data="javascript:alert(38)"></object>`,
	`<embed src="javascript:alert(39)">`,
	`<form action="javascript:alert(40)"><button>x</button></form>`,
	`<details open ontoggle=alert(41)>`,
	`<body onload=alert(42)>`,
	`<input autofocus onfocus=alert(43)>`,
	`{{.Title}} {{template "x"}} ${alert(44)}`,
	`&lt;script&gt;alert(45)&lt;/script&gt;`,
	`&#60;script&#62;alert(46)&#60;/script&#62;`,
	"\u202Egnp.exe\u202C evil \u2066isolated\u2069 \u202Aembed\u202B\u202D",
	"safe\u2067RTL isolate\u2068first strong\u2069\u200F\u200E\u061C",
	"\x00\x01\x1b[31mANSI red\x1b[0m\x7f",
	"\u200b\u200c\u200d\ufeff zero width",
	"\xff\xfe invalid utf-8 \xc3\x28",
	`url(javascript:alert(54))`,
	`expression(alert(55))`,
	`<style>@import "//evil.example/x.css";</style>`,
	`<x-tag is=evil onpointerover=alert(57)>`,
	`\u003cscript\u003ealert(58)\u003c/script\u003e`,
	`%3Cscript%3Ealert(59)%3C%2Fscript%3E`,
	strings.Repeat("<script>alert(60)</script>", 200),
}

// hostileResults plants every hostile string in every string field an
// implementation can influence: target names, reasons, notes, docs,
// counterexample messages, logs, plans and trace fields, game names and
// leaks, mutant names and docs, environment parameters.
func hostileResults() *results.Results {
	rs := sample()
	var out []results.Result
	for i, h := range hostile {
		r := rs.Results[i%len(rs.Results)]
		r.Target = fmt.Sprintf("impl-%d %s", i%7, h)
		r.Property = h
		r.Doc = h
		r.Reason = "error from the implementation: " + h + "\nstderr of the implementation:\n" + h
		r.Replay = "dualoffline check --scheme '" + h + "'"
		r.Notes = []string{h, "note " + h}
		r.Verdict = []results.Verdict{results.Fail, results.ExpectedFail, results.UnexpectedPass, results.Skip, results.Pass}[i%5]
		p := world.PartyID(h)
		tr := trace(12, p, "wallet-B", world.PartyID("cb"+h))
		for j := range tr {
			tr[j].Type, tr[j].Detail, tr[j].Code, tr[j].Hash = h, h, h, h
			if tr[j].Kind == world.KindFault {
				tr[j].Fault = h
			}
		}
		tr = append(tr, world.Event{Seq: 13, Kind: world.Kind(h), From: p, Detail: h})
		r.Counterexample = &results.Counterexample{Message: h, Log: []string{h, h}, Plan: h, Trace: tr}
		r.Game = &results.Game{Trials: 10, Epsilon: 0.1, Distinguishers: []results.Distinguished{{Name: h, Success: 0.5, Low: 0.4, High: 0.6, Leak: h}}}
		out = append(out, r)
	}
	rs.Results = out
	rs.Env.Version = hostile[0]
	rs.Env.GoVersion = hostile[5]
	rs.Env.Module = hostile[9]
	rs.Env.Suites = []string{hostile[14]}
	for i, h := range hostile {
		rs.Env.Params[h] = hostile[(i+1)%len(hostile)]
	}
	for i, h := range hostile {
		rs.Mutants.Runs = append(rs.Mutants.Runs, results.MutantRun{Mutant: h, Scheme: "chip~" + h, Doc: h, Killed: i%2 == 0, KilledBy: []string{h}, Also: []string{h}})
		rs.Mutants.ByReq[h] = 1
	}
	return rs
}

func hostileOptions() Options {
	o := Options{Title: hostile[21], VectorsVersion: hostile[4]}
	for _, h := range hostile[:10] {
		o.Vectors = append(o.Vectors, VectorRun{Target: h, Suite: h, File: h, PerFlag: []FlagCount{{Flag: h, Mismatch: 1}},
			Failures: []VectorFailure{{TcID: h, File: h, Status: h, Detail: h, Flags: []string{h}}}})
	}
	o.GoTest = &GoTestRun{Packages: []GoTestPackage{{Name: hostile[1], Action: hostile[2], Output: hostile[3],
		Tests: []GoTest{{Name: hostile[6], Action: "fail", Output: hostile[7]}}}}}
	return o
}

// Elements and attributes the report itself writes; anything else in the
// parsed page came from the data.
var (
	allowedElements = map[string]bool{
		"html": true, "head": true, "body": true, "meta": true, "title": true, "style": true, "header": true,
		"nav": true, "ul": true, "li": true, "a": true, "main": true, "section": true, "h1": true, "h2": true,
		"h3": true, "h4": true, "div": true, "p": true, "span": true, "small": true, "table": true, "thead": true,
		"tbody": true, "tr": true, "th": true, "td": true, "code": true, "pre": true, "figure": true,
		"figcaption": true, "details": true, "summary": true,
		"svg": true, "g": true, "line": true, "rect": true, "text": true, "polygon": true, "path": true, "circle": true,
	}
	allowedAttrs = map[string]bool{
		"lang": true, "charset": true, "http-equiv": true, "content": true, "name": true, "href": true,
		"id": true, "class": true, "title": true, "xmlns": true, "width": true, "height": true, "viewbox": true,
		"viewBox": true, "role": true, "aria-label": true, "x": true, "y": true, "x1": true, "y1": true,
		"x2": true, "y2": true, "rx": true, "ry": true, "cx": true, "cy": true, "r": true, "points": true, "d": true,
		"text-anchor": true,
	}
)

// TestHostileStrings: no string from an implementation survives as markup
// (an element, an attribute, a URL) or as a bidi control, and each is
// still shown to the reader as text.
func TestHostileStrings(t *testing.T) {
	if len(hostile) < 50 {
		t.Fatalf("only %d hostile strings", len(hostile))
	}
	rs := hostileResults()
	page := render(t, rs, hostileOptions())
	doc := parse(t, page)

	ids := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && attr(n, "id") != "" {
			ids[attr(n, "id")] = true
		}
	})
	var svgs, metas, titles int
	walk(doc, func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
		case html.CommentNode:
			t.Errorf("comment in the page: %q", n.Data)
			return
		default:
			return
		}
		if !allowedElements[n.Data] {
			t.Errorf("injected element <%s> under <%s>", n.Data, n.Parent.Data)
		}
		switch n.Data {
		case "svg":
			svgs++
		case "meta":
			metas++
		case "title":
			titles++
		}
		for _, a := range n.Attr {
			if !allowedAttrs[a.Key] || a.Namespace != "" {
				t.Errorf("injected attribute <%s %s:%s=%q>", n.Data, a.Namespace, a.Key, a.Val)
			}
			v := strings.ToLower(a.Val)
			if strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") || strings.Contains(v, "data:text") || strings.Contains(v, "url(") {
				t.Errorf("URL in <%s %s=%q>", n.Data, a.Key, a.Val)
			}
			if a.Key == "href" && (!strings.HasPrefix(a.Val, "#") || !ids[a.Val[1:]]) {
				t.Errorf("href %q is not an anchor of the page", a.Val)
			}
			if a.Key == "class" {
				for _, c := range strings.Fields(a.Val) {
					if strings.ContainsAny(c, "<>\"'()=:;") {
						t.Errorf("class %q carries data", c)
					}
				}
			}
		}
	})
	if metas != 5 {
		t.Errorf("%d meta elements, want the report's own 5", metas)
	}
	if svgs == 0 || titles < 2 {
		t.Errorf("%d diagrams, %d titles: the hostile counterexamples were not drawn", svgs, titles)
	}

	// No bidi control or other invisible character reaches the page raw;
	// each is shown as ⟪U+XXXX⟫.
	for _, r := range []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0xfeff, 0x1b, 0x00} {
		if bytes.ContainsRune(page, r) {
			t.Errorf("U+%04X in the page", r)
		}
	}
	all := text(doc)
	for _, want := range []string{"⟪U+202E⟫gnp.exe⟪U+202C⟫", "⟪U+2066⟫isolated⟪U+2069⟫", "⟪U+001B⟫[31mANSI"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q not shown", want)
		}
	}

	// The strings are still there for the reader, as text.
	for i, h := range hostile {
		shown := clean(h)
		if !strings.Contains(all, shown[:min(len(shown), 200)]) {
			t.Errorf("hostile string %d %q is not shown as text", i, h)
		}
	}
	// Nor does raw markup of any of them appear in the bytes.
	for _, bad := range []string{"<script", "<SCRIPT", "<img", "<iframe", "<svg onload", "<base", "<link", "<object", "<embed", "<form", "<math", "<foreignObject", "<use"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("raw %q in the page", bad)
		}
	}

	// JUnit of the same results is well-formed XML with the strings as
	// data.
	var b bytes.Buffer
	if err := WriteJUnit(&b, rs); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	elements := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("JUnit not well-formed: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			elements++
			switch se.Name.Local {
			case "testsuites", "testsuite", "testcase", "properties", "property", "failure", "skipped", "system-out":
			default:
				t.Errorf("injected JUnit element <%s>", se.Name.Local)
			}
		}
	}
	if elements < len(hostile) {
		t.Errorf("%d JUnit elements", elements)
	}
}
