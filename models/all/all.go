// Package all lists every scheme model the harness ships, so that the
// command line, the conformance suites, the vectors and the example
// vendor can iterate over them. Adding a scheme means adding its package
// here (one line); nothing outside models/ names a scheme (names_test.go),
// each finds what it needs through a capability of models.Scheme (see
// package models).
package all

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
)

// Schemes returns the reference schemes in a stable order.
func Schemes() []models.Scheme {
	out := []models.Scheme{chip.Scheme{}}
	out = append(out, cert.Schemes()...)
	return append(out, chain.Schemes()...)
}

// Mutants returns the mutant catalogue of every scheme, chip first: the
// deliberately faulty variants the requirement suites must kill.
func Mutants() []models.Mutant {
	out := chip.Mutants()
	out = append(out, cert.Mutants()...)
	return append(out, chain.Mutants()...)
}

// Lookup returns the scheme named name.
func Lookup(name string) (models.Scheme, bool) {
	for _, s := range Schemes() {
		if s.Info().Name == name {
			return s, true
		}
	}
	return nil, false
}

// Names returns the scheme names.
func Names() []string {
	var out []string
	for _, s := range Schemes() {
		out = append(out, s.Info().Name)
	}
	return out
}
