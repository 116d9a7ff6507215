package vgen

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
)

func TestHeadersGiveAKindsParagraphsAndFailTheGenOtherwise(t *testing.T) {
	h := Headers(`{"qr": ["first", "second"], "empty": []}`)
	g := &Gen{S: MustSuite(suite.GM), ID: string(suite.GM)}
	b := h.Builder(g, "chain", "qr")
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
		"no such kind":   {h, "session"},
		"empty header":   {h, "empty"},
		"not json":       {Headers(`{"qr": "first"`), "qr"},
		"not paragraphs": {Headers(`{"qr": "first"}`), "qr"},
	} {
		g := &Gen{S: MustSuite(suite.GM), ID: string(suite.GM)}
		if got := c.h.Of(g, c.kind); got != nil || g.Err == nil {
			t.Errorf("%s: Of gave %q, Gen error %v; want nil and a failed Gen", name, got, g.Err)
		}
	}
}
