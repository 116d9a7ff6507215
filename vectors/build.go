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
		for _, fn := range []func(*gen) *builder{genCoin, genCertificate, genTransfer, then(genQR, qrTimeAhead), then(genAPDU, apduDerived), genSealedCoin, genMessage, genCertSession, genChipSession, then(genChainSession, chainSessionTimeAhead)} {
			g := &gen{s: s, id: string(s.ID())}
			b := fn(g)
			if g.err != nil {
				return nil, fmt.Errorf("vectors: %s %s: %w", b.f.Kind, g.id, g.err)
			}
			if b.err != nil {
				return nil, fmt.Errorf("vectors: %s %s: %w", b.f.Kind, g.id, b.err)
			}
			b.f.Name = fileName(b.f.Scheme, b.f.Suite, b.f.Kind)
			files = append(files, b.f)
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
