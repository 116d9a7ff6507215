package vectors

import (
	"encoding/json"
	"fmt"
)

// then returns a generator that runs build and then extra on the file it
// built, for cases derived from the file's own (so the kind's generator
// stays as its owner wrote it).
func then(build func(*gen) *builder, extra func(*gen, *builder)) func(*gen) *builder {
	return func(g *gen) *builder {
		b := build(g)
		if g.err == nil && b.err == nil {
			extra(g, b)
		}
		return b
	}
}

// findTest returns the test of b named name and its group.
func (b *builder) findTest(name string) (*Group, *Test) {
	id := fmt.Sprintf("%s-%s-%s-%s", b.f.Scheme, b.f.Suite, b.f.Kind, name)
	for _, grp := range b.f.TestGroups {
		for _, t := range grp.Tests {
			if t.TcID == id {
				return grp, t
			}
		}
	}
	return nil, nil
}

// derive returns the group of b's case name and a fresh copy of its
// input, decoded as T; it sets b.err and returns nil when there is no
// such case or its input is not a T.
func derive[T any](b *builder, name string) (*Group, *Test, *T) {
	grp, t := b.findTest(name)
	if t == nil {
		b.err = fmt.Errorf("vectors: no case %s to derive cases from", name)
		return nil, nil, nil
	}
	var in T
	if err := json.Unmarshal(t.Input, &in); err != nil {
		b.err = err
		return nil, nil, nil
	}
	return grp, t, &in
}
