package all

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// nameExempt lists the string literals outside models/ that equal a
// scheme name but do not name the scheme, by file (slash-separated, from
// the module root), each with its reason.
var nameExempt = map[string][]string{
	// The holding's DER field "chain" (spec/formats.md, Holding.Chain: the
	// records from the root to the held coin) is a word of the format, not
	// the chain scheme; its reader labels errors with the field's name.
	"spec/transfer/holding.go": {"chain"},
	// The fake vendor process the adapter's tests start declares, as a
	// vendor's hello does, the schemes it verifies by name (PROTOCOL.md).
	"conformance/adapter/adaptertest/adaptertest.go": {"chip", "cert"},
}

// importExempt lists the non-test files outside models/ that import a
// scheme's package (or one under it), by file and package, each with its
// reason: what they use is that scheme's alone. None is today: what only
// one scheme has (a wallet that is a card, a payment that is a QR code) is
// a capability its package implements (models.CardWallet, models.QRPayer)
// over a shared package (models/device/vcard, models/device/qr).
var importExempt = map[string][]string{}

// schemePackage reports which scheme package (the package of a Scheme
// of Schemes(), by its directory under models/) path is or lies under.
func schemePackage(path string) (string, bool) {
	for _, sch := range Schemes() {
		pkg := reflect.TypeOf(sch).PkgPath()
		if path == pkg || strings.HasPrefix(path, pkg+"/") {
			return pkg[strings.LastIndex(pkg, "/")+1:], true
		}
	}
	return "", false
}

// TestNoSchemeNamedOutsideModels holds the extension path open: a scheme
// is one package under models/ listed in this package, so no non-test Go
// file outside models/ may switch on or otherwise name a scheme (a string
// literal equal to one of Names()) or import a scheme's package. Tests and
// documentation may.
func TestNoSchemeNamedOutsideModels(t *testing.T) {
	names := Names()
	used := map[string]bool{}
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "models" || rel == "testdata" || strings.HasSuffix(rel, "/testdata") || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			sch, ok := schemePackage(p)
			if !ok {
				continue
			}
			if slices.Contains(importExempt[rel], sch) {
				used[rel+" import "+sch] = true
				continue
			}
			found = append(found, rel+":"+strconv.Itoa(fset.Position(imp.Pos()).Line)+": imports "+p)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !slices.Contains(names, s) {
				return true
			}
			if slices.Contains(nameExempt[rel], s) {
				used[rel+" "+s] = true
				return true
			}
			found = append(found, rel+":"+strconv.Itoa(fset.Position(lit.Pos()).Line)+": "+lit.Value)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for file, pkgs := range importExempt {
		for _, p := range pkgs {
			if !used[file+" import "+p] {
				t.Errorf("exemption of the import of models/%s in %s matches nothing; remove it", p, file)
			}
		}
	}
	for file, lits := range nameExempt {
		for _, s := range lits {
			if !used[file+" "+s] {
				t.Errorf("exemption of %q in %s matches nothing; remove it", s, file)
			}
		}
	}
	if len(found) > 0 {
		t.Errorf("%d string literals or imports outside models/ name a scheme; give the scheme a capability its package implements instead:\n%s", len(found), strings.Join(found, "\n"))
	}
}
