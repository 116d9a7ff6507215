package fuzz

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const cfliteDir = "../ci/clusterfuzzlite"

// fuzzTargets returns the fuzz targets of every package under this
// directory (this one included), by package: its path relative to the
// module root ("fuzz", "fuzz/apdu", ...) to the sorted names of its
// functions FuzzXxx(*testing.F).
func fuzzTargets(t *testing.T) map[string][]string {
	t.Helper()
	byPkg := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" || (path != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Join("fuzz", filepath.Dir(path)))
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || fn.Type.Params.NumFields() != 1 {
				continue
			}
			if star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr); ok {
				if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "F" {
					byPkg[pkg] = append(byPkg[pkg], fn.Name.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, names := range byPkg {
		slices.Sort(names)
	}
	return byPkg
}

// listedTargets returns build.sh's TARGETS: one "package target" pair a
// line, the package relative to the module root.
func listedTargets(t *testing.T, script []byte) [][2]string {
	t.Helper()
	m := regexp.MustCompile(`(?s)\nTARGETS=\(\n(.*?)\n\)`).FindSubmatch(script)
	if m == nil {
		t.Fatal("build.sh has no TARGETS=( … ) list")
	}
	var pairs [][2]string
	for _, line := range strings.Split(string(m[1]), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(strings.Trim(line, `"`))
		if len(f) != 2 || !strings.HasPrefix(line, `"`) || !strings.HasSuffix(line, `"`) {
			t.Errorf("build.sh TARGETS line %q is not \"package target\"", line)
			continue
		}
		pairs = append(pairs, [2]string{f[0], f[1]})
	}
	return pairs
}

// TestClusterFuzzLiteListsEveryTarget: build.sh compiles exactly the fuzz
// targets of the packages under fuzz/, each once and from its own
// package, with compile_native_go_fuzzer, and packs the seed corpus of
// each; the project is a Go one on the OSS-Fuzz Go builder. Adding a
// target without listing it, or moving it to another package without
// updating its entry, fails here.
func TestClusterFuzzLiteListsEveryTarget(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(cfliteDir, "build.sh"))
	if err != nil {
		t.Fatal(err)
	}
	listed := listedTargets(t, script)
	have := fuzzTargets(t)
	if len(have) == 0 {
		t.Fatal("found no fuzz targets")
	}
	// A target's name is its binary's name in $OUT: unique across packages.
	pkgOf := map[string]string{}
	for pkg, names := range have {
		for _, n := range names {
			if other, dup := pkgOf[n]; dup {
				t.Errorf("fuzz target %s is in both %s and %s", n, other, pkg)
			}
			pkgOf[n] = pkg
		}
	}
	seen := map[string]bool{}
	for _, p := range listed {
		pkg, n := p[0], p[1]
		if seen[n] {
			t.Errorf("build.sh lists %s twice", n)
		}
		seen[n] = true
		switch want, ok := pkgOf[n]; {
		case !ok:
			t.Errorf("build.sh lists %s %s, which is no fuzz target under ./fuzz", pkg, n)
		case want != pkg:
			t.Errorf("build.sh lists %s in %s; it is in %s", n, pkg, want)
		}
	}
	for n, pkg := range pkgOf {
		if !seen[n] {
			t.Errorf("fuzz target %s (%s) is not in build.sh's TARGETS", n, pkg)
		}
	}
	for _, want := range []string{
		`read -r pkg target <<<"$entry"`,
		`compile_native_go_fuzzer "github.com/dualoffline/dualoffline/$pkg" "$target" "$target"`,
		`"$OUT/${target}_seed_corpus.zip"`,
		`corpus="$pkg/testdata/fuzz/$target"`,
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
// fuzz target of the package it sits in, so build.sh packs none for a
// target that no longer exists or has moved without its corpus.
func TestSeedCorporaAreTargets(t *testing.T) {
	have := fuzzTargets(t)
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		parent := filepath.Dir(path)
		if filepath.Base(parent) != "fuzz" || filepath.Base(filepath.Dir(parent)) != "testdata" {
			return nil
		}
		n++
		pkg := filepath.ToSlash(filepath.Join("fuzz", filepath.Dir(filepath.Dir(parent))))
		if !slices.Contains(have[pkg], d.Name()) {
			t.Errorf("%s/testdata/fuzz/%s is the corpus of no fuzz target of %s", pkg, d.Name(), pkg)
		}
		return filepath.SkipDir
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no seed corpora")
	}
}
