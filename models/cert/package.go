package cert

import "github.com/dualoffline/dualoffline/models"

// Package is this scheme package's entry in models/all: its schemes and
// their mutant catalogue.
var Package = models.Package{Schemes: Schemes, Mutants: Mutants}

// The variants' scheme names (models.Info.Name): Name is also the
// package's, which its vectors, its served wallet and its bookkeeping's
// labels carry for both variants.
const (
	Name        = "cert"
	LiteralName = "cert-literal"
)
