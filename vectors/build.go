package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

//go:generate go run ./internal/genvectors .

// specGenerators build the files of scheme "spec": the objects every
// scheme shares (spec/formats.md).
var specGenerators = []vgen.Generator{genCoin, genCertificate, genTransfer}

// Sources returns the vector sources of the schemes in models/all, listed
// and draft (all.Drafts: a draft is not checked by the suites, but its
// vectors are published like the others), in that order, one per scheme
// (a variant that shares its scheme's vectors is skipped; see
// vgen.Provider).
func Sources() []vgen.Source { return slices.Clone(sources()) }

var sources = sync.OnceValue(func() []vgen.Source {
	return sourcesOf(append(all.Schemes(), all.Drafts()...))
})

func sourcesOf(schemes []models.Scheme) []vgen.Source {
	var out []vgen.Source
	for _, sch := range schemes {
		p, ok := sch.(vgen.Provider)
		if !ok {
			continue
		}
		if src := p.VectorSource(); src.Scheme == sch.Info().Name {
			out = append(out, src)
		}
	}
	return out
}

// Build returns every vector file, in name order: the spec files and
// those of every scheme's Source.
func Build() ([]*File, error) {
	gens := slices.Clone(specGenerators)
	for _, src := range Sources() {
		gens = append(gens, src.Generators...)
	}
	return build(gens)
}

func build(gens []vgen.Generator) ([]*File, error) {
	var files []*File
	for _, s := range []suite.Suite{vgen.MustSuite(suite.GM), vgen.MustSuite(suite.INTL)} {
		for _, fn := range gens {
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
