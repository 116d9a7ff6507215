package models

import (
	"crypto/sha256"
	"encoding/hex"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// sourceSchemes are the schemes whose package has a step table,
// models/<scheme>/SOURCES.md.
var sourceSchemes = []string{"chip", "cert", "chain"}

// passageDigests pin each SOURCES.md passage (SHA-256 of its lines joined,
// white space dropped), so the passage cannot shrink where the seed article
// is not at hand to check it against. Change one only after the "seed"
// subtest passed with the article at hand.
var passageDigests = map[string]string{
	"chip":  "1712d7174cff712acb6d9cefa8b8954a827a4234a39dd29c51dd8e18f7c0812a",
	"cert":  "eca2eec46b3a4a5f4c36ddf8d980a6057695f73eeb12d089d67635577370a8de",
	"chain": "66d779f00c1f75906b95a11c4cebbc74e73e61214f04ca67c05232b74180cd40",
}

// sourcePackages maps the package names a step table may name (as
// `pkg.Name` or `pkg.Type.Member`) to their directory under the module
// root.
var sourcePackages = map[string]string{
	"models":   "models",
	"bank":     "models/bank",
	"chip":     "models/chip",
	"apdu":     "spec/apdu",
	"cert":     "models/cert",
	"chain":    "models/chain",
	"kit":      "models/kit",
	"device":   "models/device",
	"qr":       "models/device/qr",
	"world":    "models/world",
	"spec":     "spec",
	"coin":     "spec/coin",
	"transfer": "spec/transfer",
	"devcert":  "spec/devcert",
	"suite":    "spec/suite",
}

// A step table (SOURCES.md) follows the seed article and the code:
//   - every line of its "## The source passage" blockquote occurs in the seed
//     article verbatim (whitespace aside), when the article is at hand, and
//     the passage is the one pinned in passageDigests;
//   - every quote 「…」 in a table row occurs in that passage verbatim;
//   - every clause of the passage (text between punctuation marks) lies
//     inside some quote of a table row, so no sentence goes untraced;
//   - every `pkg.Name` or `pkg.Type.Member` in a table row names a
//     declaration of that package, every `path/file.ext` exists, and every
//     row of the step tables says where the model implements the step or
//     that it is not modelled;
//   - the package doc links SOURCES.md.
func TestSourcesStepTables(t *testing.T) {
	decls := map[string]map[string]bool{}
	for _, scheme := range sourceSchemes {
		t.Run(scheme, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(scheme, "SOURCES.md"))
			if err != nil {
				t.Fatal(err)
			}
			doc := parseSources(string(b))
			if len(doc.passage) == 0 {
				t.Fatal("no \"## The source passage\" blockquote")
			}
			if len(doc.steps) == 0 {
				t.Fatal("no rows in \"## Published steps\"")
			}
			passage := squeeze(strings.Join(doc.passage, ""))
			if sum := sha256.Sum256([]byte(passage)); hex.EncodeToString(sum[:]) != passageDigests[scheme] {
				t.Errorf("the source passage changed (SHA-256 %x, pinned %s): it must be the seed article's text; check it with the article at hand (subtest seed), then pin the new digest", sum, passageDigests[scheme])
			}
			var quotes []string
			for _, row := range doc.rows {
				for _, q := range quoteRE.FindAllStringSubmatch(row, -1) {
					q := squeeze(q[1])
					quotes = append(quotes, q)
					if !strings.Contains(passage, q) {
						t.Errorf("quote 「%s」 is not in the source passage", q)
					}
				}
			}
			for _, line := range doc.passage {
				for _, c := range clauses(line) {
					if !coveredBy(c, quotes) {
						t.Errorf("clause %q of the source passage is in no table row's quote", c)
					}
				}
			}
			for _, row := range doc.rows {
				for _, ref := range codeRE.FindAllStringSubmatch(row, -1) {
					checkRef(t, decls, ref[1])
				}
			}
			for _, row := range doc.steps {
				cols := strings.Split(strings.Trim(row, "| "), "|")
				where := cols[len(cols)-1]
				if !hasGoRef(where) && !strings.Contains(where, "not modelled") {
					t.Errorf("step row names no function, method or type and does not say \"not modelled\":\n%s", row)
				}
			}
			if !packageDocLinks(t, scheme) {
				t.Errorf("the package doc of %s does not link SOURCES.md", scheme)
			}
		})
	}
	t.Run("seed", func(t *testing.T) {
		seed := seedArticle(t)
		if seed == "" {
			t.Skip("seed article not found: set DUALOFFLINE_SEEDS to the directory holding it (shared/seeds beside the checkout)")
		}
		for _, scheme := range sourceSchemes {
			b, err := os.ReadFile(filepath.Join(scheme, "SOURCES.md"))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range parseSources(string(b)).passage {
				if !strings.Contains(seed, squeeze(line)) {
					t.Errorf("%s: passage line is not in the seed article verbatim: %q", scheme, line)
				}
			}
		}
	})
}

var (
	quoteRE = regexp.MustCompile(`「([^」]+)」`)
	codeRE  = regexp.MustCompile("`([^`]+)`")
	goRefRE = regexp.MustCompile(`^([a-z][a-z0-9]*)((?:\.[A-Za-z_][A-Za-z0-9_]*){1,2})$`)
	pathRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+\.[a-z]+$`)
)

// sourcesDoc is what the test reads of a SOURCES.md: the passage's lines,
// every table row, and the rows of the two step tables.
type sourcesDoc struct {
	passage []string
	rows    []string
	steps   []string
}

func parseSources(s string) sourcesDoc {
	var d sourcesDoc
	section := ""
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			section = strings.TrimSpace(line[3:])
		case section == "The source passage" && strings.HasPrefix(line, ">"):
			if l := strings.TrimSpace(strings.TrimPrefix(line, ">")); l != "" {
				d.passage = append(d.passage, l)
			}
		case strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "| ---") && !strings.HasPrefix(line, "|---"):
			d.rows = append(d.rows, line)
			if (section == "Published steps" || section == "Our completion") && !strings.HasPrefix(line, "| #") {
				d.steps = append(d.steps, line)
			}
		}
	}
	return d
}

// squeeze drops white space, which the article's line breaks and a
// table's layout change.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// clauses splits a passage line at the marks that end a sentence or a
// clause, in either width.
func clauses(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(squeeze(s), func(r rune) bool { return strings.ContainsRune("。；;，,：:！!？?", r) }) {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func coveredBy(clause string, quotes []string) bool {
	for _, q := range quotes {
		if strings.Contains(q, clause) {
			return true
		}
	}
	return false
}

func hasGoRef(s string) bool {
	for _, m := range codeRE.FindAllStringSubmatch(s, -1) {
		if p := goRefRE.FindStringSubmatch(m[1]); p != nil && sourcePackages[p[1]] != "" {
			return true
		}
	}
	return false
}

// checkRef checks one backquoted name of a table row: a Go reference must
// name a declaration, a path must exist; anything else (a message name, a
// property id) is prose.
func checkRef(t *testing.T, decls map[string]map[string]bool, ref string) {
	t.Helper()
	if pathRE.MatchString(ref) {
		if _, err := os.Stat(filepath.Join("..", ref)); err != nil {
			t.Errorf("path `%s` does not exist", ref)
		}
		return
	}
	m := goRefRE.FindStringSubmatch(ref)
	if m == nil {
		return
	}
	dir, ok := sourcePackages[m[1]]
	if !ok {
		t.Errorf("`%s` names package %q, which the test does not know", ref, m[1])
		return
	}
	if decls[dir] == nil {
		decls[dir] = declarations(t, filepath.Join("..", dir))
	}
	if !decls[dir][m[2][1:]] {
		t.Errorf("`%s`: %s declares no %s", ref, dir, m[2][1:])
	}
}

// declarations lists what the package in dir declares, test files aside:
// top-level names, and Type.Method, Type.Field and Interface.Method.
func declarations(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) == 0 {
					out[d.Name.Name] = true
					continue
				}
				out[recvName(d.Recv.List[0].Type)+"."+d.Name.Name] = true
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						out[s.Name.Name] = true
						members(out, s.Name.Name, s.Type)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							out[n.Name] = true
						}
					}
				}
			}
		}
	}
	return out
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// members adds the fields (embedded ones by their type's name) and
// interface methods of a type.
func members(out map[string]bool, typ string, e ast.Expr) {
	var fields *ast.FieldList
	switch e := e.(type) {
	case *ast.StructType:
		fields = e.Fields
	case *ast.InterfaceType:
		fields = e.Methods
	default:
		return
	}
	for _, f := range fields.List {
		for _, n := range f.Names {
			out[typ+"."+n.Name] = true
		}
		if len(f.Names) == 0 {
			if n := recvName(f.Type); n != "" {
				out[typ+"."+n] = true
			}
		}
	}
}

// packageDocLinks reports whether a package doc comment of the scheme's
// package mentions SOURCES.md.
func packageDocLinks(t *testing.T, scheme string) bool {
	t.Helper()
	entries, err := os.ReadDir(scheme)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(scheme, n), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil && strings.Contains(f.Doc.Text(), "SOURCES.md") {
			return true
		}
	}
	return false
}

// seedArticle returns the seed article (the Chinese article that quotes
// the three patents), squeezed, or "" if it is not at hand. It is not part
// of the repository: DUALOFFLINE_SEEDS names its directory, or the test
// looks for shared/seeds beside any directory above the module.
func seedArticle(t *testing.T) string {
	t.Helper()
	var dirs []string
	if d := os.Getenv("DUALOFFLINE_SEEDS"); d != "" {
		dirs = append(dirs, d)
	}
	if abs, err := filepath.Abs(".."); err == nil {
		for d := abs; ; d = filepath.Dir(d) {
			dirs = append(dirs, filepath.Join(d, "shared", "seeds"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	var all strings.Builder
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.txt"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "芯片卡") {
				all.WriteString(squeeze(string(b)))
			}
		}
		if all.Len() > 0 {
			return all.String()
		}
	}
	return ""
}
