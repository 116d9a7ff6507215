package vgen

import (
	"fmt"
	"io/fs"
)

// The files a scheme's package embeds for NewSource.
const (
	SchemaFile  = "vectorgen.schema.json"  // Source.Schema
	HeadersFile = "vectorgen_headers.json" // Headers
)

// Kind is one vector file of a scheme with what decides its cases: Gen
// builds the file, Decide holds the Decider of each of its kinds or
// "kind/shape" (keyed as ByKind looks them up), and Senders the shapes
// whose valid answer is what the implementation sends (as
// Source.Senders). A scheme declares each Kind beside its generator.
type Kind struct {
	Gen     Generator
	Decide  map[string]Decider
	Senders map[string]Sender
}

// NewSource is the Source of scheme made of kinds, in order: their
// generators, each run with the scheme's Headers in Gen.Headers, a
// Decide that is ByKind of all their Deciders, all their Senders, and
// the schema. files holds SchemaFile (Source.Schema) and HeadersFile
// (the Headers). Two kinds deciding or sending under one key, or files
// without the two or with headers that do not parse, is a mistake in the
// scheme's code, not in any input: it panics.
func NewSource(scheme string, files fs.FS, kinds ...Kind) Source {
	schema, err := fs.ReadFile(files, SchemaFile)
	if err != nil {
		panic(fmt.Sprintf("vgen: scheme %s: %v", scheme, err))
	}
	headers, err := ReadHeaders(files)
	if err != nil {
		panic(fmt.Sprintf("vgen: scheme %s: %v", scheme, err))
	}
	decide, senders := map[string]Decider{}, map[string]Sender{}
	var gens []Generator
	for _, k := range kinds {
		gens = append(gens, func(g *Gen) *Builder {
			g.Headers = headers
			return k.Gen(g)
		})
		addOnce(decide, k.Decide, scheme+" decides")
		addOnce(senders, k.Senders, scheme+" sends")
	}
	return Source{Scheme: scheme, Generators: gens, Decide: ByKind(decide), Schema: schema, Senders: senders}
}

// addOnce adds every entry of from to to; a key to has already panics
// (what names the table in the message).
func addOnce[V any](to, from map[string]V, what string) {
	for key, v := range from {
		if _, dup := to[key]; dup {
			panic(fmt.Sprintf("vgen: scheme %s %s in two kinds", what, key))
		}
		to[key] = v
	}
}
