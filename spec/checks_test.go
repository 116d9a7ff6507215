package spec

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

var (
	checkIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	checkMarker    = regexp.MustCompile(`\[check: ([a-z0-9-]+)\]`)
)

// checkDocs are the documents whose checks spec/checks.json lists.
var checkDocs = []string{"formats.md", "formats-schemes.md"}

// docBlock is a paragraph, list item or table row of a document, with the
// heading it is under.
type docBlock struct {
	doc, section, text string
}

// docBlocks splits a markdown document into blocks, leaving out fenced
// code (ASN.1 modules and examples state fields, not checks).
func docBlocks(t *testing.T, doc string) []docBlock {
	t.Helper()
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	var out []docBlock
	var cur []string
	section, fence := "", false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, docBlock{doc, section, strings.Join(cur, " ")})
		}
		cur = nil
	}
	item := regexp.MustCompile(`^\s*(- |\d+\. |\|)`)
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			flush()
			fence = !fence
		case fence:
		case strings.HasPrefix(line, "#"):
			flush()
			section = strings.TrimSpace(strings.TrimLeft(line, "#"))
		case strings.TrimSpace(line) == "":
			flush()
		default:
			if item.MatchString(line) {
				flush()
			}
			cur = append(cur, strings.TrimSpace(line))
		}
	}
	flush()
	return out
}

// TestChecksListed: spec/checks.json is well formed, each check's id is
// marked in the section it names, and every marker in the documents is a
// listed check.
func TestChecksListed(t *testing.T) {
	var l CheckList
	dec := json.NewDecoder(bytes.NewReader(checksJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("checks.json: %v", err)
	}
	if len(l.Checks) == 0 {
		t.Fatal("checks.json lists no check")
	}
	marked := map[string]map[string]bool{} // id -> "doc#section"
	sections := map[string]bool{}
	for _, doc := range checkDocs {
		for _, b := range docBlocks(t, doc) {
			sections["spec/"+doc+"#"+b.section] = true
			for _, m := range checkMarker.FindAllStringSubmatch(b.text, -1) {
				if marked[m[1]] == nil {
					marked[m[1]] = map[string]bool{}
				}
				marked[m[1]]["spec/"+doc+"#"+b.section] = true
			}
		}
	}
	seen := map[string]bool{}
	for _, c := range l.Checks {
		if !checkIDPattern.MatchString(c.ID) {
			t.Errorf("check %q: id is not lower-case words joined by hyphens", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("check %q listed twice", c.ID)
		}
		seen[c.ID] = true
		if !c.Code.Known() || c.Code == CodeInternal || c.Code == CodeUnimplemented {
			t.Errorf("check %q: code %q is not a refusal code", c.ID, c.Code)
		}
		if c.Statement == "" {
			t.Errorf("check %q: no statement", c.ID)
		}
		if !marked[c.ID][c.Doc+"#"+c.Section] {
			t.Errorf("check %q: no [check: %s] in %s, section %q", c.ID, c.ID, c.Doc, c.Section)
		}
	}
	for id := range marked {
		if !seen[id] {
			t.Errorf("[check: %s] in the documents is not in checks.json", id)
		}
	}
	for _, r := range l.Retired {
		switch {
		case seen[r.ID] || marked[r.ID] != nil:
			t.Errorf("retired check %q is listed or marked in the documents: an id is never reused", r.ID)
		case r.Into != "" && !seen[r.Into]:
			t.Errorf("retired check %q: into %q is not a listed check", r.ID, r.Into)
		case r.Reason == "":
			t.Errorf("retired check %q gives no reason", r.ID)
		}
	}
	for _, p := range l.Pending {
		n := 0
		for _, c := range l.Checks {
			if q, ok := l.PendingFor(c.ID); ok && q == p {
				n++
			}
		}
		if p.Scheme == "" || p.Prefix == "" || p.Reason == "" || n == 0 {
			t.Errorf("pending entry %+v: it needs a scheme, a prefix some listed check has, and a reason (%d checks)", p, n)
		}
	}
	for _, in := range l.Informative {
		if !sections[in.Doc+"#"+in.Section] {
			t.Errorf("informative section %s#%q does not exist", in.Doc, in.Section)
		}
		if in.Reason == "" {
			t.Errorf("informative section %s#%q gives no reason", in.Doc, in.Section)
		}
	}
}

// TestChecksCoverDocuments: every paragraph, list item or table row of the
// documents that says "must", "refuse(s/d)" or names an error code is a
// listed check (it carries a [check: id] marker), a producer's rule
// ([producer]), or stands in a section the list declares informative.
func TestChecksCoverDocuments(t *testing.T) {
	alts := []string{`\b[Mm]ust\b`, `\b[Rr]efuse[sd]?\b`} // not REFUSE, the chip command
	for _, c := range Codes {
		alts = append(alts, regexp.QuoteMeta("`"+string(c)+"`"))
	}
	trigger := regexp.MustCompile(strings.Join(alts, "|"))
	informative := map[string]bool{}
	for _, in := range Checks().Informative {
		informative[in.Doc+"#"+in.Section] = true
	}
	for _, doc := range checkDocs {
		for _, b := range docBlocks(t, doc) {
			if !trigger.MatchString(b.text) || informative["spec/"+doc+"#"+b.section] {
				continue
			}
			if !checkMarker.MatchString(b.text) && !strings.Contains(b.text, "[producer]") {
				text := b.text
				if len(text) > 120 {
					text = text[:120] + "…"
				}
				t.Errorf("%s, section %q: a rule with no [check: id] and no [producer]: %s", doc, b.section, text)
			}
		}
	}
}
