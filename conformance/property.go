package conformance

import (
	"fmt"
	"sort"

	"github.com/dualoffline/dualoffline/spec"
)

// Property is one executable check of a catalogue sub-property.
//
// Check drives a fresh target through T: it builds instances with T.New,
// runs generated cases (T is a rapid.TB, so rapid.Check(t, …) works, and
// T.Gopter runs gopter properties), names the run a failure would show
// with T.Witness, and reports a violation with Errorf or Fatalf. A
// property that needs something the target lacks calls T.Skipf with what
// is missing. Check must draw every random choice from rapid, gopter or a
// world seeded by T, so that a seed replays it.
type Property struct {
	Sub   spec.SubID
	Name  string // kebab-case, unique within Sub
	Doc   string // one sentence: what is generated and what must hold
	Check func(t *T)
}

// ID is the property's stable name, "R5.1-crash-every-point".
func (p Property) ID() string { return string(p.Sub) + "-" + p.Name }

// Properties returns every property of the suites, ordered by
// sub-property as the catalogue orders them.
func Properties() []Property {
	var ps []Property
	for _, group := range [][]Property{r1Properties(), r2Properties(), r3Properties(), r4Properties(), r5Properties(), r6Properties()} {
		ps = append(ps, group...)
	}
	order := map[spec.SubID]int{}
	for i, id := range spec.SubIDs() {
		order[id] = i
	}
	sort.SliceStable(ps, func(i, j int) bool { return order[ps[i].Sub] < order[ps[j].Sub] })
	return ps
}

// validate checks the property table: known sub-properties, unique names.
func validate(ps []Property) error {
	seen := map[string]bool{}
	for _, p := range ps {
		if _, ok := spec.LookupSub(p.Sub); !ok {
			return fmt.Errorf("property %s: no sub-property %s in the catalogue", p.Name, p.Sub)
		}
		if p.Name == "" || p.Check == nil || p.Doc == "" {
			return fmt.Errorf("property %s: name, doc and check are required", p.ID())
		}
		if seen[p.ID()] {
			return fmt.Errorf("property %s defined twice", p.ID())
		}
		seen[p.ID()] = true
	}
	return nil
}
