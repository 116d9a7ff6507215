// Package vgen is the vector file format and the kit a generator builds
// files with: File, Group, Test and Case (package vectors aliases them),
// Builder (one file), Gen (one suite's deterministic keys and
// randomness, all from Seed), the vectors' PKI, recorded session
// transcripts, the strict decoding of case inputs, and Headers, a
// scheme's published file headers read from the JSON text it embeds.
//
// A scheme's own kinds are a Source its package provides (Provider, in
// models/<scheme>/vectorgen*.go, made with NewSource of its Kinds); package vectors finds every Source
// through models/all. vgen imports no scheme and not vectors, so a scheme
// package may import it. Everything here is deterministic: the same Seed
// gives the same bytes.
package vgen
