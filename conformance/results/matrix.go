package results

import "github.com/dualoffline/dualoffline/spec"

// Cell is one cell of the verdict matrix: a target and suite against a
// requirement, summarising the verdicts of its properties.
type Cell struct {
	Target      string
	Suite       string
	Requirement spec.ReqID
	Verdict     Verdict // the cell's summary verdict, see Summarise
	Counts      map[Verdict]int
	Results     []Result
}

// Summarise derives a cell verdict from property verdicts: any unexpected
// verdict wins (fail, then seed-dependent, then unexpected-pass), then
// expected-fail, then
// pass; a cell whose properties were all skipped is skip.
func Summarise(rs []Result) Verdict {
	counts := map[Verdict]int{}
	for _, r := range rs {
		counts[r.Verdict]++
	}
	for _, v := range []Verdict{Fail, SeedDependent, UnexpectedPass, ExpectedFail, Pass} {
		if counts[v] > 0 {
			return v
		}
	}
	return Skip
}

// Matrix groups results into cells, in the order targets and suites first
// appear in rs and requirements appear in the catalogue.
func (rs *Results) Matrix() []Cell {
	type key struct {
		target, suite string
		req           spec.ReqID
	}
	var order []key
	seen := map[key]bool{}
	group := map[key][]Result{}
	var rows []key
	rowSeen := map[key]bool{}
	for _, r := range rs.Results {
		row := key{target: r.Target, suite: r.Suite}
		if !rowSeen[row] {
			rowSeen[row] = true
			rows = append(rows, row)
		}
		k := key{r.Target, r.Suite, r.Requirement}
		group[k] = append(group[k], r)
	}
	for _, row := range rows {
		for _, req := range spec.Catalogue() {
			k := key{row.target, row.suite, req.ID}
			if len(group[k]) == 0 || seen[k] {
				continue
			}
			seen[k] = true
			order = append(order, k)
		}
	}
	cells := make([]Cell, 0, len(order))
	for _, k := range order {
		c := Cell{Target: k.target, Suite: k.suite, Requirement: k.req, Results: group[k], Counts: map[Verdict]int{}}
		for _, r := range group[k] {
			c.Counts[r.Verdict]++
		}
		c.Verdict = Summarise(group[k])
		cells = append(cells, c)
	}
	return cells
}
