package vgen

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
)

func TestBuilderTakesTheKindsHeaderAndFailsTheGenWithoutOne(t *testing.T) {
	h := Headers{"qr": {"first", "second"}, "empty": {}}
	g := &Gen{S: MustSuite(suite.GM), ID: string(suite.GM), Headers: h}
	b := g.Builder("chain", "qr")
	if g.Err != nil {
		t.Fatalf("a kind the headers have failed the Gen: %v", g.Err)
	}
	if diff := cmp.Diff([]string{"first", "second"}, b.F.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if b.F.Kind != "qr" || b.F.Scheme != "chain" || b.F.Suite != string(suite.GM) {
		t.Errorf("file %s/%s/%s, want chain/GM/qr", b.F.Scheme, b.F.Suite, b.F.Kind)
	}
	for name, c := range map[string]struct {
		h    Headers
		kind string
	}{
		"no such kind": {h, "session"},
		"empty header": {h, "empty"},
		"no headers":   {nil, "qr"},
	} {
		g := &Gen{S: MustSuite(suite.GM), ID: string(suite.GM), Headers: c.h}
		if got := g.Header(c.kind); got != nil || g.Err == nil {
			t.Errorf("%s: Header gave %q, Gen error %v; want nil and a failed Gen", name, got, g.Err)
		}
	}
}

func TestReadHeadersReadsTheHeadersFile(t *testing.T) {
	h, err := ReadHeaders(files("{}", `{"qr": ["first"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Headers{"qr": {"first"}}, h); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no file":  {SchemaFile: {Data: []byte("{}")}},
		"not json": files("{}", `{"qr": ["first"]`),
	} {
		if h, err := ReadHeaders(fsys); err == nil {
			t.Errorf("%s: read %v, no error", name, h)
		}
	}
}
