package vgen

import "fmt"

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
// generators, a Decide that is ByKind of all their Deciders, all their
// Senders, and schema (Source.Schema). Two kinds deciding or sending
// under one key is a mistake in the scheme's code, not in any input: it
// panics.
func NewSource(scheme string, schema []byte, kinds ...Kind) Source {
	decide, senders := map[string]Decider{}, map[string]Sender{}
	var gens []Generator
	for _, k := range kinds {
		gens = append(gens, k.Gen)
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
