package reports

import (
	"strings"

	"github.com/dualoffline/dualoffline/conformance/results"
	"github.com/dualoffline/dualoffline/spec"
)

// covRow is one sub-property's line of the coverage table: the mutants a
// property of it killed and the targets on which all its properties
// passed.
type covRow struct {
	Sub, Title, Killed, PassesOn, Status, Class string
}

// buildCoverage turns the coverage per sub-property into table rows, a
// gap marked as a failure; nil when the run computed none.
func buildCoverage(cov []results.SubCoverage) []covRow {
	var out []covRow
	for _, c := range cov {
		row := covRow{Sub: clean(string(c.Sub)), Killed: clean(strings.Join(c.Killed, ", ")),
			PassesOn: clean(strings.Join(c.PassesOn, ", ")), Status: "covered", Class: "v-pass"}
		if s, ok := spec.LookupSub(c.Sub); ok {
			row.Title = clean(s.Title)
		}
		if c.Gap != "" {
			row.Status, row.Class = "GAP: "+clean(c.Gap), "v-fail"
		}
		out = append(out, row)
	}
	return out
}
