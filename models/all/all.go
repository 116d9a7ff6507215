// Package all lists every scheme model the harness ships, so that the
// command line, the conformance suites, the vectors and the example
// vendor can iterate over them. Adding a scheme means adding its package
// here (its import and one line, its Package); nothing outside models/
// names a scheme (names_test.go), each finds what it needs through a
// capability of models.Scheme (package models says what still changes
// elsewhere, and ci/extension-path checks it on the last one listed).
package all

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/cert"
	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/pseudocoin"
)

// packages are the scheme packages, in the order the harness lists them.
// A new scheme is one line here.
var packages = []models.Package{
	chip.Package,
	cert.Package,
	chain.Package,
	pseudocoin.Package,
}

// drafts are scheme packages built, tested and given published vectors
// (package vectors takes their sources too), but not listed: `check`,
// the mutant catalogue and the interactive suites do not run them. None
// today.
var drafts = []models.Package{}

// Drafts returns the schemes of the draft packages (not in Schemes).
func Drafts() []models.Scheme {
	var out []models.Scheme
	for _, p := range drafts {
		out = append(out, p.Schemes()...)
	}
	return out
}

// Schemes returns the reference schemes in a stable order.
func Schemes() []models.Scheme {
	var out []models.Scheme
	for _, p := range packages {
		out = append(out, p.Schemes()...)
	}
	return out
}

// Mutants returns the mutant catalogue of every scheme, in the order of
// Schemes: the deliberately faulty variants the requirement suites must
// kill.
func Mutants() []models.Mutant {
	var out []models.Mutant
	for _, p := range packages {
		out = append(out, p.Mutants()...)
	}
	return out
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
