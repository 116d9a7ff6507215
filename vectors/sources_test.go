package vectors_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// Every scheme's vector source is one scheme's: its name is a scheme of
// models/all, it appears once, and its generators build files of that
// scheme only (a case is decided by the Source its file names).
func TestSourcesOwnTheirFiles(t *testing.T) {
	names := map[string]bool{}
	for _, n := range all.Names() {
		names[n] = true
	}
	for _, sch := range all.Drafts() {
		names[sch.Info().Name] = true
	}
	// Sources skips a variant whose source is its base scheme's: a source
	// that names no scheme at all (a misspelt name) would be skipped too,
	// and its vectors silently never built.
	for _, sch := range append(all.Schemes(), all.Drafts()...) {
		if p, ok := sch.(vgen.Provider); ok && !names[p.VectorSource().Scheme] {
			t.Errorf("scheme %s: its vector source names scheme %q, which models/all does not have", sch.Info().Name, p.VectorSource().Scheme)
		}
	}
	seen := map[string]bool{}
	for _, src := range vectors.Sources() {
		if !names[src.Scheme] || seen[src.Scheme] {
			t.Errorf("source %q: not a scheme of models/all, or listed twice", src.Scheme)
		}
		seen[src.Scheme] = true
		if src.Decide == nil || len(src.Generators) == 0 {
			t.Errorf("source %q: no generators or no decider", src.Scheme)
		}
		// Every kind's header is in the scheme's headers file and every
		// header there is a kind's: a header no generator reads would be
		// published text that no file prints.
		var kinds, headed []string
		for _, gen := range src.Generators {
			g := &vgen.Gen{S: vgen.MustSuite(suite.GM), ID: string(suite.GM)}
			b := gen(g)
			if b.F.Scheme != src.Scheme {
				t.Errorf("source %q builds a %s file of scheme %q", src.Scheme, b.F.Kind, b.F.Scheme)
			}
			kinds = append(kinds, b.F.Kind)
			headed = slices.Collect(maps.Keys(g.Headers))
		}
		slices.Sort(kinds)
		slices.Sort(headed)
		if d := cmp.Diff(kinds, headed); d != "" {
			t.Errorf("source %q: the kinds its generators build and the kinds of its %s (-built +headers):\n%s", src.Scheme, vgen.HeadersFile, d)
		}
	}
}
