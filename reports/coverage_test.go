package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/spec"
)

// TestCoverageTable: the mutant section shows the coverage per
// sub-property, a gap marked as one, and nothing when none was computed.
func TestCoverageTable(t *testing.T) {
	rs := sample()
	var plain bytes.Buffer
	if err := WriteHTML(&plain, rs, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "Coverage per sub-property") {
		t.Errorf("a run without coverage shows a coverage table")
	}
	rs.Mutants.Coverage = results.Coverage(rs.Results, rs.Mutants)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rs, Options{}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if !strings.Contains(html, "Coverage per sub-property") {
		t.Fatalf("no coverage table in the report")
	}
	// The fixture's mutant chip~no-serial-check is killed by R2.1.
	row := rowOf(t, html, "R2.1 ")
	if !strings.Contains(row, "chip~no-serial-check") {
		t.Errorf("R2.1's row does not name the mutant it killed: %s", row)
	}
	// Every gap is marked in its row, the first included.
	gaps := results.CoverageGaps(rs.Mutants.Coverage)
	if len(gaps) == 0 {
		t.Fatal("the fixture has no coverage gap to show")
	}
	for _, g := range gaps {
		if row := rowOf(t, html, string(g.Sub)+" "); !strings.Contains(row, "GAP: "+g.Gap) {
			t.Errorf("%s's row does not show its gap %q: %s", g.Sub, g.Gap, row)
		}
	}
	if got := strings.Count(html, `<tr><td>R`); got < len(spec.SubIDs()) {
		t.Errorf("%d rows starting with a sub-property, want at least %d", got, len(spec.SubIDs()))
	}
}

// rowOf returns the coverage table row of the sub-property prefix.
func rowOf(t *testing.T, html, prefix string) string {
	t.Helper()
	_, table, ok := strings.Cut(html, `<table class="coverage">`)
	if !ok {
		t.Fatal("no coverage table")
	}
	_, row, ok := strings.Cut(table, "<tr><td>"+prefix)
	if !ok {
		t.Fatalf("no row for %s", prefix)
	}
	row, _, _ = strings.Cut(row, "</tr>")
	return row
}
