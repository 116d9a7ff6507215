package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	checkIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	checkMarker    = regexp.MustCompile(`\[check: ([a-z0-9-]+)\]`)
)

// checkDoc is a document the audit reads: its path from this package,
// its name in spec/checks.json, and whether each unit (sentence, or clause
// after a semicolon; see units), not only each paragraph, list item or
// table row, that states a rule must carry its own marker.
type checkDoc struct {
	path, name string
	sentences  bool
}

// checkDocs are the documents whose checks spec/checks.json lists, and
// PROTOCOL.md, which restates the order of a case's checks for adapters.
// All three are audited unit by unit (units): a second rule inside a
// marked paragraph, after a full stop or a semicolon, needs its own mark.
var checkDocs = []checkDoc{
	{"formats.md", "spec/formats.md", true},
	{"formats-schemes.md", "spec/formats-schemes.md", true},
	{"../conformance/adapter/PROTOCOL.md", "conformance/adapter/PROTOCOL.md", true},
}

// sentenceEnd matches a possible end of sentence: a full stop, the
// spaces after it and the first character of what follows. Any character
// may start a sentence (a capital, but also a lower-case word such as
// "dualoffline …", a digit, a backquote, a quote or "**"), so every match
// splits unless the full stop is a list item's number at the start of the
// block ("2. currency …") or ends an abbreviation (abbreviation).
var sentenceEnd = regexp.MustCompile(`\.(\s+)\S`)

// abbreviation matches text that ends with an abbreviation whose full
// stop does not end the sentence.
var abbreviation = regexp.MustCompile(`(^|[\s(])(e\.g|i\.e|vs|cf)$`)

// listNumber matches a block that starts with a numbered list item's
// number, before its full stop.
var listNumber = regexp.MustCompile(`^\d+$`)

// sentences splits text at sentenceEnd, keeping each sentence's full stop.
func sentences(text string) []string {
	var out []string
	start, from := 0, 0
	for {
		loc := sentenceEnd.FindStringSubmatchIndex(text[from:])
		if loc == nil {
			return append(out, text[start:])
		}
		dot, next := from+loc[0], from+loc[3] // the full stop, the first character after the spaces
		from = next
		if before := text[start:dot]; (start == 0 && listNumber.MatchString(before)) || abbreviation.MatchString(before) {
			continue
		}
		out = append(out, text[start:dot+1])
		start = next
	}
}

// clauses splits a sentence at each semicolon outside a code span and
// outside parentheses, keeping the semicolon with the clause before it.
// A marker that leads a list ("in order [check: id]: …; …") covers the
// list: the clauses after it are not split from it, those before it are.
func clauses(sentence string) []string {
	lead := len(sentence) // semicolons from here on separate the items of a list a marker leads
	if loc := leadsList.FindStringIndex(sentence); loc != nil {
		lead = loc[0]
	}
	var out []string
	code, depth, start := false, 0, 0
	for i := 0; i < len(sentence); i++ {
		switch sentence[i] {
		case '`':
			code = !code
		case '(':
			if !code {
				depth++
			}
		case ')':
			if !code && depth > 0 {
				depth--
			}
		case ';':
			if i < lead && !code && depth == 0 && i+1 < len(sentence) && sentence[i+1] == ' ' {
				out = append(out, sentence[start:i+1])
				start = i + 2
			}
		}
	}
	return append(out, sentence[start:])
}

// units splits a block into the units the audit marks: its sentences,
// each split at its semicolons. A marker written after a unit's full stop
// or semicolon ("…, else `bad-currency`; [check: coin-currency]") marks
// that unit: a unit that starts with a marker joins the one before it.
func units(text string) []string {
	if strings.HasPrefix(text, "|") {
		return []string{text} // a table row is one unit
	}
	var out []string
	for _, s := range sentences(text) {
		for _, c := range clauses(s) {
			if m := leadingMark.FindString(c); m != "" && len(out) > 0 {
				out[len(out)-1] += " " + strings.TrimSpace(m)
				c = c[len(m):]
			}
			if c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// leadsList matches a marker that leads a list: followed by a colon.
var leadsList = regexp.MustCompile("\\[check: [a-z0-9-]+\\]`?:")

// leadingMark matches a unit that starts with a [check: id] or [producer]
// mark.
var leadingMark = regexp.MustCompile(`^((\[check: [a-z0-9-]+\]|\[producer\])\s*)+`)

// summary matches a unit that only lists the codes its block's other
// units give ("Codes: `malformed`, `unknown-version`."): it restates, and
// states no rule of its own.
var summary = regexp.MustCompile("^Codes?: `[a-z-]+`(, `[a-z-]+`)*\\.$")

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
		for _, b := range docBlocks(t, doc.path) {
			sections[doc.name+"#"+b.section] = true
			for _, m := range checkMarker.FindAllStringSubmatch(b.text, -1) {
				if marked[m[1]] == nil {
					marked[m[1]] = map[string]bool{}
				}
				marked[m[1]][doc.name+"#"+b.section] = true
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
	for _, in := range l.Informative {
		if !sections[in.Doc+"#"+in.Section] {
			t.Errorf("informative section %s#%q does not exist", in.Doc, in.Section)
		}
		if in.Reason == "" {
			t.Errorf("informative section %s#%q gives no reason", in.Doc, in.Section)
		}
	}
}

// TestChecksCoverDocuments: every unit of the documents (units: each
// sentence, each clause after a semicolon, each table row) that says "must",
// "refuse(s/d)" or names an error code is a listed check (it carries a
// [check: id] marker), a producer's rule ([producer]), stands in a section
// the list declares informative, or is a sentence the list declares
// informative (its informative entry gives the sentence's start and why
// it states no check). So a new rule without an id fails here. Every
// sentence entry must still match a sentence, so the allow-list does not
// outlive what it excuses.
func TestChecksCoverDocuments(t *testing.T) {
	for _, p := range uncovered(t, checkDocs) {
		t.Error(p)
	}
}

// TestChecksCoverDocumentsFailsOnNewRule: a rule stating a code without
// a marker, added to each document inside a marked paragraph, list item
// or bullet, is reported: as a sentence after a marked sentence, whatever
// it starts with (a capital, a lower-case word, a digit, a quote, "**"),
// as a clause after a marked clause's semicolon, and as a clause before a
// marker that leads a list (the marker covers the list after it, not what
// comes before it in its sentence). Each anchor is a marked unit of the
// document; the added rule follows it.
func TestChecksCoverDocumentsFailsOnNewRule(t *testing.T) {
	const sentence, clause = " A receiver refuses a frobnicated field with `malformed`.", " a frobnicated field is refused with `malformed`;"
	type insert struct{ anchor, after string }
	sentenceAnchors := map[string]string{
		"spec/formats.md":                 "else `value-mismatch` [check: holding-next-serial].",
		"spec/formats-schemes.md":         "Only then does the payee credit the coins.",
		"conformance/adapter/PROTOCOL.md": "`limit-exceeded` [check: cert-payer-funds].",
	}
	after := func(text string) map[string]insert {
		m := map[string]insert{}
		for doc, anchor := range sentenceAnchors {
			m[doc] = insert{anchor, text}
		}
		return m
	}
	cases := map[string]map[string]insert{
		"sentence":           after(sentence),
		"sentence-lowercase": after(" a frobnicated field is refused with `malformed`."),
		"sentence-digit":     after(" 2 frobnicated fields are refused with `malformed`."),
		"sentence-quote":     after(` "frobnicated" fields are refused with ` + "`malformed`."),
		"sentence-bold":      after(" **A frobnicated field** is refused with `malformed`."),
		"semicolon": {
			"spec/formats.md":                 {"2. currency is 156, else `bad-currency`; [check: coin-currency]", clause},
			"spec/formats-schemes.md":         {"else `wrong-recipient` `[check: cert-payee]`;", clause},
			"conformance/adapter/PROTOCOL.md": {"[check: cert-payer-replay]);", clause},
		},
		"before-list": after(" A frobnicated field is refused with `malformed`; the others are, in order [check: der-strict]: one is `x`; two is `y`."),
	}
	for name, inserts := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var docs []checkDoc
			for _, d := range checkDocs {
				b, err := os.ReadFile(d.path)
				if err != nil {
					t.Fatal(err)
				}
				in, ok := inserts[d.name]
				if !ok || strings.Count(string(b), in.anchor) != 1 {
					t.Fatalf("%s: the anchor %q is not in the document once", d.name, in.anchor)
				}
				text := strings.Replace(string(b), in.anchor, in.anchor+in.after, 1)
				path := filepath.Join(dir, filepath.Base(d.path))
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				docs = append(docs, checkDoc{path, d.name, d.sentences})
			}
			got := uncovered(t, docs)
			if len(got) != len(checkDocs) {
				t.Fatalf("%d problems, want one per document (%d):\n%s", len(got), len(checkDocs), strings.Join(got, "\n"))
			}
			for _, p := range got {
				if !strings.Contains(p, "frobnicated") {
					t.Errorf("a problem other than the added rule: %s", p)
				}
			}
		})
	}
}

// uncovered returns what TestChecksCoverDocuments reports for docs.
func uncovered(t *testing.T, docs []checkDoc) []string {
	t.Helper()
	var problems []string
	alts := []string{`\b[Mm]ust\b`, `\b[Rr]efuse[sd]?\b`} // not REFUSE, the chip command
	for _, c := range Codes {
		alts = append(alts, regexp.QuoteMeta("`"+string(c)+"`"))
	}
	trigger := regexp.MustCompile(strings.Join(alts, "|"))
	informative := map[string]bool{}
	excused := map[string][]string{} // doc#section -> sentence starts
	used := map[string]bool{}
	for _, in := range Checks().Informative {
		if in.Sentence == "" {
			informative[in.Doc+"#"+in.Section] = true
		} else {
			excused[in.Doc+"#"+in.Section] = append(excused[in.Doc+"#"+in.Section], in.Sentence)
		}
	}
	for _, doc := range docs {
		for _, b := range docBlocks(t, doc.path) {
			key := doc.name + "#" + b.section
			if !trigger.MatchString(b.text) || informative[key] {
				continue
			}
			us := []string{b.text}
			if doc.sentences {
				us = units(b.text)
			}
			for _, u := range us {
				if !trigger.MatchString(u) || checkMarker.MatchString(u) || strings.Contains(u, "[producer]") || summary.MatchString(u) {
					continue
				}
				ok := false
				for _, start := range excused[key] {
					if strings.HasPrefix(u, start) {
						ok, used[key+"#"+start] = true, true
					}
				}
				if !ok {
					text := u
					if len(text) > 120 {
						text = text[:120] + "…"
					}
					problems = append(problems, fmt.Sprintf("%s, section %q: a rule with no [check: id] and no [producer]: %s", doc.name, b.section, text))
				}
			}
		}
	}
	for key, starts := range excused {
		for _, start := range starts {
			if !used[key+"#"+start] {
				problems = append(problems, fmt.Sprintf("informative sentence %s#%q matches no sentence that states a rule without a marker", key, start))
			}
		}
	}
	return problems
}

// TestChecksCoverDocumentsFailsOnStaleSentence: an informative sentence
// entry whose sentence the documents no longer hold (here its start
// reworded in a copy) is reported, so the allow-list cannot outlive what
// it excuses.
func TestChecksCoverDocumentsFailsOnStaleSentence(t *testing.T) {
	var in *Informative
	for i := range Checks().Informative {
		if Checks().Informative[i].Sentence != "" {
			in = &Checks().Informative[i]
			break
		}
	}
	if in == nil {
		t.Fatal("no informative sentence entry in spec/checks.json to make stale")
	}
	dir := t.TempDir()
	var docs []checkDoc
	found := false
	for _, d := range checkDocs {
		b, err := os.ReadFile(d.path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if d.name == in.Doc && strings.Contains(text, in.Sentence) {
			text, found = strings.ReplaceAll(text, in.Sentence, "Reworded: "+in.Sentence), true
		}
		path := filepath.Join(dir, filepath.Base(d.path))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, checkDoc{path, d.name, d.sentences})
	}
	if !found {
		t.Fatalf("the sentence %q of %s is not in the document", in.Sentence, in.Doc)
	}
	want := fmt.Sprintf("informative sentence %s#%q matches no sentence", in.Doc+"#"+in.Section, in.Sentence)
	if got := strings.Join(uncovered(t, docs), "\n"); !strings.Contains(got, want) {
		t.Errorf("the audit lacks %q:\n%s", want, got)
	}
}

// TestSentencesKeepNumbersAndAbbreviations: the full stop of a numbered
// list item's number at the start of a block, and of an abbreviation, ends
// no sentence; any other full stop followed by a space does, whatever
// follows it.
func TestSentencesKeepNumbersAndAbbreviations(t *testing.T) {
	for text, want := range map[string][]string{
		"2. `outputs` sum to `amount`.":              {"2. `outputs` sum to `amount`."},
		"A field, e.g. `x`, or i.e. this. vs. that.": {"A field, e.g. `x`, or i.e. this.", "vs. that."},
		"One. two. 3 three. §4 four.":                {"One.", "two.", "3 three.", "§4 four."},
		"Step 2. Then this.":                         {"Step 2.", "Then this."},
	} {
		if diff := cmp.Diff(want, sentences(text)); diff != "" {
			t.Errorf("sentences(%q) (-want +got):\n%s", text, diff)
		}
	}
}
