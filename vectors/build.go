package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/dualoffline/dualoffline/vectors/vgen"

	"github.com/dualoffline/dualoffline/spec/suite"
)

// Build returns every vector file, in name order.
func Build() ([]*vgen.File, error) {
	var files []*vgen.File
	for _, s := range []suite.Suite{vgen.MustSuite(suite.GM), vgen.MustSuite(suite.INTL)} {
		for _, fn := range []func(*vgen.Gen) *vgen.Builder{genCoin, genCertificate, genTransfer, vgen.Then(genQR, qrTimeAhead), vgen.Then(genAPDU, apduDerived), genSealedCoin, genMessage, genCertSession, genChipSession, vgen.Then(genChainSession, chainSessionTimeAhead)} {
			g := &vgen.Gen{S: s, ID: string(s.ID())}
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

// Encode returns the canonical bytes of a file: indented JSON with a
// final newline.
func Encode(f *vgen.File) ([]byte, error) {
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
