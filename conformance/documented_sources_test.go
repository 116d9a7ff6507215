package conformance

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/dualoffline/dualoffline/models/all"
)

// departureMark is what a documented violation caused by our modelling,
// not by the published flow, says in spec/requirements.md.
const departureMark = "model departure, issue 15"

// Every documented violation of every reference model is described under
// "### The published schemes" of its requirement in spec/requirements.md,
// in a bullet that names the scheme and the property (each in backquotes)
// and either quotes the source text it follows from (「…」, a quote found
// verbatim in a models/<scheme>/SOURCES.md, whose own test holds it to
// the seed article) or says it is a model departure (departureMark), as
// the violation's Reason then says too. A scheme designed here (one with
// a models/<scheme>/DESIGN.md, no publication) may instead quote the
// conscious trade-off of its design document it follows from (“…”, found
// verbatim there), and its Reason then names DESIGN.md.
func TestDocumentedViolationsSourced(t *testing.T) {
	b, err := os.ReadFile("../spec/requirements.md")
	if err != nil {
		t.Fatal(err)
	}
	bullets := publishedSchemeBullets(string(b))
	sources := sourcesText(t)
	quoteRE := regexp.MustCompile(`「([^」]+)」`)
	for _, s := range all.Schemes() {
		name := s.Info().Name
		for _, v := range s.Info().Expected {
			req, _, _ := strings.Cut(v.Property, ".")
			var found, sourced bool
			for _, bl := range bullets[req] {
				if !strings.Contains(bl, "`"+name+"`") || !strings.Contains(bl, "`"+v.Property+"`") {
					continue
				}
				found = true
				if strings.Contains(bl, departureMark) {
					sourced = true
					if !strings.Contains(v.Reason, departureMark) {
						t.Errorf("%s %s: requirements.md marks it %q, its Reason does not say so: %s", name, v.Property, departureMark, v.Reason)
					}
				}
				for _, q := range quoteRE.FindAllStringSubmatch(bl, -1) {
					if !strings.Contains(sources, squeezeSpace(q[1])) {
						t.Errorf("%s %s: quote 「%s」 in requirements.md is in no models/*/SOURCES.md", name, v.Property, q[1])
						continue
					}
					sourced = true
				}
				if design := designText(t, name); design != "" {
					for _, q := range designQuoteRE.FindAllStringSubmatch(bl, -1) {
						if !strings.Contains(design, squeezeSpace(q[1])) {
							t.Errorf("%s %s: quote “%s” in requirements.md is not in models/%s/DESIGN.md", name, v.Property, q[1], name)
							continue
						}
						if !strings.Contains(v.Reason, "DESIGN.md") {
							t.Errorf("%s %s: requirements.md quotes its design document, its Reason does not name DESIGN.md: %s", name, v.Property, v.Reason)
						}
						sourced = true
					}
				}
			}
			switch {
			case !found:
				t.Errorf("%s documents %s, which no bullet under %s's \"The published schemes\" names (`%s` and `%s`)", name, v.Property, req, name, v.Property)
			case !sourced:
				t.Errorf("%s %s: the bullet neither quotes the source nor says %q", name, v.Property, departureMark)
			}
		}
	}
}

// publishedSchemeBullets returns, per requirement id, the bullets of its
// "### The published schemes" section, each with its continuation lines.
func publishedSchemeBullets(doc string) map[string][]string {
	out := map[string][]string{}
	req, in := "", false
	var cur *strings.Builder
	flush := func() {
		if cur != nil {
			out[req] = append(out[req], cur.String())
			cur = nil
		}
	}
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			req, _, _ = strings.Cut(strings.TrimPrefix(line, "## "), " ")
			in = false
		case strings.HasPrefix(line, "### "):
			flush()
			in = strings.TrimSpace(line) == "### The published schemes"
		case !in:
		case strings.HasPrefix(line, "- "):
			flush()
			cur = &strings.Builder{}
			cur.WriteString(line)
		case cur != nil && strings.HasPrefix(line, "  "):
			cur.WriteString(" " + strings.TrimSpace(line))
		default:
			flush()
		}
	}
	flush()
	return out
}

// designQuoteRE is a quote of a design scheme's DESIGN.md (“…”).
var designQuoteRE = regexp.MustCompile(`“([^”]+)”`)

// designText is models/<scheme>/DESIGN.md, white space dropped, for a
// scheme designed here (no publication: its documented violations are
// the conscious trade-offs its design document states); "" if it has
// none.
func designText(t *testing.T, scheme string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "models", scheme, "DESIGN.md"))
	if err != nil {
		return ""
	}
	var all strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		all.WriteString(squeezeSpace(line))
	}
	return all.String()
}

// sourcesText is every models/*/SOURCES.md, white space and blockquote
// marks dropped, so a quote may span lines of a passage.
func sourcesText(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("../models/*/SOURCES.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no models/*/SOURCES.md (%v)", err)
	}
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			all.WriteString(squeezeSpace(strings.TrimPrefix(line, ">")))
		}
	}
	return all.String()
}

func squeezeSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
