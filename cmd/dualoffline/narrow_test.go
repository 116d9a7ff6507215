package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/all"
)

// TestNarrowMutants: --scheme keeps only the mutants of the named base
// schemes and --only only those breaking a requirement it selects, in
// any of its forms (R4, R4.6, R4.6-name).
func TestNarrowMutants(t *testing.T) {
	ms := all.Mutants()
	for _, c := range []struct {
		schemes, only []string
		reqs          []string // the requirements only selects; nil: all
	}{
		{nil, nil, nil},
		{[]string{"chain"}, nil, nil},
		{[]string{"chip", "cert"}, []string{"R2"}, []string{"R2"}},
		{nil, []string{"R4.6", "R5.5-insider-payment-settles-or-names-payer"}, []string{"R4", "R5"}},
	} {
		var want, got []string
		for _, m := range ms {
			base, _, _ := strings.Cut(m.Scheme.Info().Name, "~")
			if (c.schemes == nil || slices.Contains(c.schemes, base)) && (c.reqs == nil || slices.Contains(c.reqs, string(m.Breaks))) {
				want = append(want, m.Scheme.Info().Name)
			}
		}
		if len(want) == 0 {
			t.Fatalf("%v %v: the case selects no mutant; pick one that does", c.schemes, c.only)
		}
		for _, m := range narrowMutants(ms, c.schemes, c.only) {
			got = append(got, m.Scheme.Info().Name)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("narrowMutants(%v, %v) (-want +got):\n%s", c.schemes, c.only, d)
		}
	}
}
