package vectors_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/vectors"
	"github.com/dualoffline/dualoffline/vectors/lint"
)

// The draft schemes' vectors (models/all.Drafts: built, not published)
// are ready to publish: beside the embedded files they lint clean but for
// the pending entries of spec/checks.json the publication retires and the
// published schema's enumerations of schemes and kinds, which the
// publication regenerates (TestSchemaGenerated holds it to that then);
// and the reference decides every case as its file says.
func TestDraftVectors(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the draft schemes' vectors are generated and linted only in the full run")
	}
	drafts, err := vectors.BuildDrafts()
	if err != nil {
		t.Fatal(err)
	}
	if len(vectors.DraftSources()) > 0 && len(drafts) == 0 {
		t.Fatal("draft sources built no file")
	}
	set := fstest.MapFS{}
	names, err := fs.Glob(vectors.FS, vectors.FilePattern)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		set[n] = &fstest.MapFile{Data: raw(t, n)}
	}
	schemes := map[string]bool{}
	for _, f := range drafts {
		data, err := vectors.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := set[f.Name]; dup {
			t.Fatalf("draft file %s is also published", f.Name)
		}
		set[f.Name] = &fstest.MapFile{Data: data}
		schemes[f.Scheme] = true
	}
	retired := map[string]bool{}
	for _, e := range lint.Lint(set) {
		if strings.HasPrefix(e.File, draftPrefix(drafts, e.File)) && onlyEnums(e.Problem) {
			continue
		}
		if e.File == lint.ChecksFile && strings.Contains(e.Problem, "drop the pending entry") {
			retired[e.Problem] = true
			continue
		}
		t.Error(e)
	}
	for _, p := range spec.Checks().Pending {
		if schemes[p.Scheme] && !retired["checks "+p.Prefix+"* are pending for scheme "+p.Scheme+", whose vectors are published: drop the pending entry"] {
			t.Errorf("the lint does not ask to retire the pending entry of %s once its vectors are published", p.Scheme)
		}
	}
	r, err := vectors.RunFiles(context.Background(), vectors.Reference(), drafts, vectors.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Cases {
		if c.Status != vectors.StatusPass {
			t.Errorf("%s: %s: expected %+v, got %+v %s", c.TcID, c.Status, c.Expected, c.Got, c.Err)
		}
	}
	t.Logf("%d draft files, %+v", len(drafts), r.Total)
}

// draftPrefix returns name when it is the name of a draft file, and a
// prefix no name has otherwise.
func draftPrefix(drafts []*vectors.File, name string) string {
	for _, f := range drafts {
		if f.Name == name {
			return name
		}
	}
	return "\x00"
}

// onlyEnums reports whether a schema problem is only about the
// enumerations of /scheme and /kind, which publication regenerates.
func onlyEnums(problem string) bool {
	if !strings.Contains(problem, "does not match the schema") {
		return false
	}
	parts := strings.Split(problem, "- at '")
	for _, p := range parts[1:] {
		if !strings.HasPrefix(p, "/scheme'") && !strings.HasPrefix(p, "/kind'") {
			return false
		}
	}
	return len(parts) > 1
}
