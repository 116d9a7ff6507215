package fuzz

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const cfliteDir = "../ci/clusterfuzzlite"

// fuzzTargets returns the names of the fuzz targets of this package: its
// functions FuzzXxx(*testing.F).
func fuzzTargets(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || fn.Type.Params.NumFields() != 1 {
				continue
			}
			if star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr); ok {
				if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "F" {
					names = append(names, fn.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// TestClusterFuzzLiteListsEveryTarget: build.sh compiles exactly the fuzz
// targets of this package, each once, with compile_native_go_fuzzer, and
// packs the seed corpus of each; the project is a Go one on the OSS-Fuzz
// Go builder. Adding a target without listing it fails here.
func TestClusterFuzzLiteListsEveryTarget(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(cfliteDir, "build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)\nTARGETS=\(\n(.*?)\n\)`).FindSubmatch(script)
	if m == nil {
		t.Fatal("build.sh has no TARGETS=( … ) list")
	}
	listed := strings.Fields(string(m[1]))
	if dup := len(listed) - len(slices.Compact(slices.Sorted(slices.Values(listed)))); dup > 0 {
		t.Errorf("build.sh lists %d targets twice", dup)
	}
	have := fuzzTargets(t)
	if len(have) == 0 {
		t.Fatal("found no fuzz targets")
	}
	for _, n := range have {
		if !slices.Contains(listed, n) {
			t.Errorf("fuzz target %s is not in build.sh's TARGETS", n)
		}
	}
	for _, n := range listed {
		if !slices.Contains(have, n) {
			t.Errorf("build.sh lists %s, which is no fuzz target of ./fuzz", n)
		}
	}
	for _, want := range []string{
		`compile_native_go_fuzzer github.com/dualoffline/dualoffline/fuzz "$target" "$target"`,
		`"$OUT/${target}_seed_corpus.zip"`,
		`corpus="fuzz/testdata/fuzz/$target"`,
	} {
		if !strings.Contains(string(script), want) {
			t.Errorf("build.sh lacks %s", want)
		}
	}
	if sh, err := exec.LookPath("bash"); err == nil {
		if out, err := exec.Command(sh, "-n", filepath.Join(cfliteDir, "build.sh")).CombinedOutput(); err != nil {
			t.Errorf("bash -n build.sh: %v\n%s", err, out)
		}
	}
	docker, err := os.ReadFile(filepath.Join(cfliteDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^FROM gcr\.io/oss-fuzz-base/base-builder-go\s*$`).Match(docker) ||
		!strings.Contains(string(docker), "COPY ci/clusterfuzzlite/build.sh $SRC/") {
		t.Errorf("Dockerfile does not build on base-builder-go with build.sh:\n%s", docker)
	}
	project, err := os.ReadFile(filepath.Join(cfliteDir, "project.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^language: go\s*$`).Match(project) {
		t.Errorf("project.yaml does not say language: go:\n%s", project)
	}
}

// TestSeedCorporaAreTargets: every committed seed corpus belongs to a
// fuzz target, so build.sh packs none for a target that no longer exists.
func TestSeedCorporaAreTargets(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("testdata", "fuzz"))
	if err != nil {
		t.Fatal(err)
	}
	have := fuzzTargets(t)
	for _, d := range dirs {
		if d.IsDir() && !slices.Contains(have, d.Name()) {
			t.Errorf("testdata/fuzz/%s is the corpus of no fuzz target", d.Name())
		}
	}
}
