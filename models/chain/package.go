package chain

import "github.com/dualoffline/dualoffline/models"

// Package is this scheme package's entry in models/all: its schemes and
// their mutant catalogue.
var Package = models.Package{Schemes: Schemes, Mutants: Mutants}

// The variants' scheme names (models.Info.Name): Name is also the
// package's, which its vectors and its served wallet carry.
const (
	Name        = "chain"
	LiteralName = "chain-literal"
)
