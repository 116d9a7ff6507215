package layers_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/dualoffline/dualoffline"

// imports maps every package of the module (its path below the module
// root, non-test files only) to the module packages and standard
// packages it imports directly.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	graph := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if q, ok := strings.CutPrefix(p, module+"/"); ok {
				p = q
			} else if strings.Contains(p, ".") {
				continue // a third-party module
			}
			if !slices.Contains(graph[pkg], p) {
				graph[pkg] = append(graph[pkg], p)
			}
		}
		if graph[pkg] == nil {
			graph[pkg] = []string{}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return graph
}

// deps returns pkg's transitive imports, each with the chain that reaches
// it.
func deps(graph map[string][]string, pkg string) map[string]string {
	out := map[string]string{}
	var walk func(p, via string)
	walk = func(p, via string) {
		for _, q := range graph[p] {
			if _, seen := out[q]; seen {
				continue
			}
			out[q] = via + " → " + q
			walk(q, out[q])
		}
	}
	walk(pkg, pkg)
	return out
}

// under reports whether package p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// TestLayers: the import rules the package docs promise. Each rule is a
// package with everything below it, the packages (with everything below
// them) none of them may reach, directly or not, the exceptions, and why.
func TestLayers(t *testing.T) {
	graph := imports(t)
	for _, p := range []string{"spec/suite", "models/chip", "conformance", "vectors", "reports"} {
		if _, ok := graph[p]; !ok {
			t.Fatalf("the import graph has no package %s: the rules below would check nothing", p)
		}
	}
	rules := []struct {
		from   string
		banned []string
		allow  []string
		why    string
	}{
		{"spec", []string{"os", "net", "syscall", "io/fs", "runtime/pprof", "internal/cputime", "internal/cryptofloor", "models", "conformance", "vectors", "reports"}, nil,
			"spec is pure (spec/doc.go): no clocks, no I/O, below everything"},
		{"reports", []string{"conformance", "models", "vectors"}, []string{"conformance/results", "models/world"},
			"reports reads results (conformance/results) without the suites, the models or the adapter"},
		{"conformance/results", []string{"conformance", "models", "vectors"}, []string{"conformance/results", "models/world"},
			"the results types need only spec and the world's trace"},
		{"conformance", []string{"vectors", "reports", "cmd"}, []string{"vectors/vgen"},
			"the suites do not depend on the vectors or on what renders their results"},
		{"conformance/adapter", []string{"vectors", "conformance", "reports", "cmd"}, []string{"conformance/adapter"},
			"the process adapter sits below both the vectors (vectors/remote) and the suites"},
		{"models", []string{"conformance", "vectors", "reports", "cmd"}, []string{"vectors/vgen"},
			"the models are what everything above measures; a scheme builds its own vectors with vectors/vgen, which sits below them"},
		{"vectors/vgen", []string{"models", "vectors", "conformance", "reports", "cmd", "os"}, []string{"vectors/vgen"},
			"the vector file format and generator kit imports no scheme and not the vectors that iterate the schemes (vectors/vgen/doc.go)"},
	}
	for _, r := range rules {
		for pkg := range graph {
			if !under(pkg, r.from) {
				continue
			}
			for q, chain := range deps(graph, pkg) {
				allowed := slices.ContainsFunc(r.allow, func(a string) bool { return under(q, a) })
				banned := slices.ContainsFunc(r.banned, func(b string) bool { return under(q, b) })
				if banned && !allowed {
					t.Errorf("%s reaches %s (%s): %s", pkg, q, chain, r.why)
				}
			}
		}
	}
}

// clockCalls are the functions of package time that read or wait on a
// clock. Types (time.Time, time.Duration) and arithmetic on them are not
// clocks: a validity window is checked against a time its caller passes.
var clockCalls = []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}

// TestSpecReadsNoClock: spec imports time for its types, which the import
// rule above cannot ban, so this reads every non-test file below spec and
// refuses a call of a clock function of package time (under whatever name
// the file imports it), the promise spec/doc.go makes: the caller gives
// every instant, so a verdict never depends on when it ran.
func TestSpecReadsNoClock(t *testing.T) {
	root, err := filepath.Abs("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		files++
		for _, c := range clockUses(t, path) {
			t.Errorf("%s: %s reads a clock: spec is pure (spec/doc.go), its caller passes the time", filepath.ToSlash(strings.TrimPrefix(path, filepath.Dir(root)+string(filepath.Separator))), c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no Go file below spec: the rule checked nothing")
	}
}

// clockUses returns the clock calls (clockCalls) the Go file at path
// makes, as "line N: time.Now".
func clockUses(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name = "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" || name == "_" {
		return nil
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); ok && x.Name == name && x.Obj == nil && slices.Contains(clockCalls, sel.Sel.Name) {
			out = append(out, fmt.Sprintf("line %d: %s.%s", fset.Position(sel.Pos()).Line, name, sel.Sel.Name))
		}
		return true
	})
	return out
}
