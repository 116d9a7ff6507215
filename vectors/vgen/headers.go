package vgen

import (
	"encoding/json"
	"fmt"
)

// Headers is a scheme's published file headers, the JSON text its
// package embeds: an object mapping each kind to the paragraphs of the
// header of that kind's file, every group's documentation included, in
// the order the file prints them.
type Headers []byte

// Of returns the paragraphs of kind's header. Headers that do not parse,
// or that have no header for kind, fail g (Gen.Fail) and give nil.
func (h Headers) Of(g *Gen, kind string) []string {
	var all map[string][]string
	if err := json.Unmarshal(h, &all); err != nil {
		g.Fail(fmt.Errorf("vgen: file headers: %w", err))
		return nil
	}
	text, ok := all[kind]
	if !ok || len(text) == 0 {
		g.Fail(fmt.Errorf("vgen: no header for kind %q", kind))
		return nil
	}
	return text
}

// Builder starts the file of scheme and kind for g's suite with kind's
// header (NewBuilder with Of).
func (h Headers) Builder(g *Gen, scheme, kind string) *Builder {
	return NewBuilder(scheme, g.ID, kind, h.Of(g, kind)...)
}
