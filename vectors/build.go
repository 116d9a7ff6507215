package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// Build returns every vector file, in name order.
func Build() ([]*File, error) {
	var files []*File
	for _, s := range []suite.Suite{mustSuite(suite.GM), mustSuite(suite.INTL)} {
		for _, fn := range []func(*Gen) *Builder{genCoin, genCertificate, genTransfer, Then(genQR, qrTimeAhead), Then(genAPDU, apduDerived), genSealedCoin, genMessage, genCertSession, genChipSession, Then(genChainSession, chainSessionTimeAhead)} {
			g := &Gen{S: s, ID: string(s.ID())}
			b := fn(g)
			if g.Err != nil {
				return nil, fmt.Errorf("vectors: %s %s: %w", b.F.Kind, g.ID, g.Err)
			}
			if b.Err != nil {
				return nil, fmt.Errorf("vectors: %s %s: %w", b.F.Kind, g.ID, b.Err)
			}
			b.F.Name = fileName(b.F.Scheme, b.F.Suite, b.F.Kind)
			files = append(files, b.F)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

func mustSuite(id suite.ID) suite.Suite {
	s, err := suite.ByID(id)
	if err != nil {
		panic(err) // both suites are compiled in
	}
	return s
}

// Encode returns the canonical bytes of a file: indented JSON with a
// final newline.
func Encode(f *File) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Generate writes every vector file into dir (creating it), replacing
// files of the same name. Regenerating reproduces the committed files
// byte for byte.
func Generate(dir string) error {
	files, err := Build()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		data, err := Encode(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
