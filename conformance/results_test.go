package conformance_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance"
	"github.com/dualoffline/dualoffline/conformance/schema"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestEverySubPropertyHasAProperty: no catalogue entry goes unchecked.
func TestEverySubPropertyHasAProperty(t *testing.T) {
	have := map[spec.SubID]int{}
	for _, p := range conformance.Properties() {
		have[p.Sub]++
	}
	for _, r := range spec.Catalogue() {
		for _, s := range r.Subs {
			if !s.Retired && have[s.ID] == 0 {
				t.Errorf("%s %q has no property", s.ID, s.Title)
			}
		}
	}
}

// TestPropertyTable: names are unique and every property is documented.
func TestPropertyTable(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range conformance.Properties() {
		if seen[p.ID()] {
			t.Errorf("%s defined twice", p.ID())
		}
		seen[p.ID()] = true
		if p.Doc == "" || p.Check == nil {
			t.Errorf("%s lacks doc or check", p.ID())
		}
		if _, ok := spec.LookupSub(p.Sub); !ok {
			t.Errorf("%s names no catalogue entry", p.ID())
		}
	}
}

// checkOne runs one property of cert-literal (whose R5 documents
// violations) and returns the results.
func checkOne(t *testing.T, only string) *conformance.Results {
	t.Helper()
	gm, _ := suite.ByID(suite.GM)
	rs, err := conformance.Check(context.Background(), cert.Scheme{Variant: cert.Literal}, conformance.Options{
		Checks: 5, Suites: []suite.Suite{gm}, Only: []string{only},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Results) == 0 {
		t.Fatalf("--only %s selected nothing", only)
	}
	return rs
}

// TestResultsJSON: Check's results validate against the published
// schema and survive a round trip.
func TestResultsJSON(t *testing.T) {
	rs := checkOne(t, "R5.2")
	if diff := cmp.Diff(rs, roundTrip(t, rs)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// roundTrip writes rs as JSON, validates it against the published schema
// and reads it back.
func roundTrip(t *testing.T, rs *conformance.Results) *conformance.Results {
	t.Helper()
	var buf bytes.Buffer
	if err := rs.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateResults(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	back, err := conformance.ReadResults(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// TestResultsSchemaRefuses: the schema is closed and typed.
func TestResultsSchemaRefuses(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field":  `{"schema":"dualoffline-results/1","env":{"module":"m","version":"v","go":"g","seed":1,"checks":1,"steps":1,"suites":["GM"],"started":"2026-01-01T00:00:00Z"},"results":[],"extra":1}`,
		"bad verdict":    `{"schema":"dualoffline-results/1","env":{"module":"m","version":"v","go":"g","seed":1,"checks":1,"steps":1,"suites":["GM"],"started":"2026-01-01T00:00:00Z"},"results":[{"target":"x","suite":"GM","requirement":"R1","sub":"R1.1","property":"p","doc":"d","verdict":"maybe","runs":1,"seed":1,"replay":"r","duration_ms":1}]}`,
		"wrong version":  `{"schema":"dualoffline-results/0","env":{},"results":[]}`,
		"not json":       `{"schema":`,
		"missing fields": `{"schema":"dualoffline-results/1"}`,
	} {
		if err := schema.ValidateResults([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, err := conformance.ReadResults(strings.NewReader(doc)); err == nil && name != "bad verdict" && name != "missing fields" {
			t.Errorf("%s: ReadResults accepted", name)
		}
	}
}

// TestCheckRefusesUnknownFilter: a typo in --only is an error, not an
// empty green run.
func TestCheckRefusesUnknownFilter(t *testing.T) {
	_, err := conformance.Check(context.Background(), cert.Scheme{}, conformance.Options{Only: []string{"R9.9"}})
	if err == nil {
		t.Fatal("Check accepted a filter that names nothing")
	}
}
