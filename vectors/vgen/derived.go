package vgen

import (
	"encoding/json"
	"fmt"
)

// Then returns a generator that runs build and then extra on the file it
// built, for cases derived from the file's own (so the kind's generator
// stays as its owner wrote it).
func Then(build func(*Gen) *Builder, extra func(*Gen, *Builder)) func(*Gen) *Builder {
	return func(g *Gen) *Builder {
		b := build(g)
		if g.Err == nil && b.Err == nil {
			extra(g, b)
		}
		return b
	}
}

// FindTest returns the test of b named name and its group.
func (b *Builder) FindTest(name string) (*Group, *Test) {
	id := fmt.Sprintf("%s-%s-%s-%s", b.F.Scheme, b.F.Suite, b.F.Kind, name)
	for _, grp := range b.F.TestGroups {
		for _, t := range grp.Tests {
			if t.TcID == id {
				return grp, t
			}
		}
	}
	return nil, nil
}

// Derive returns the group of b's case name and a fresh copy of its
// input, decoded as T; it sets b.err and returns nil when there is no
// such case or its input is not a T.
func Derive[T any](b *Builder, name string) (*Group, *Test, *T) {
	grp, t := b.FindTest(name)
	if t == nil {
		b.Err = fmt.Errorf("vectors: no case %s to derive cases from", name)
		return nil, nil, nil
	}
	var in T
	if err := json.Unmarshal(t.Input, &in); err != nil {
		b.Err = err
		return nil, nil, nil
	}
	return grp, t, &in
}
