package chain

import "github.com/dualoffline/dualoffline/models"

// Package is this scheme package's entry in models/all: its schemes and
// their mutant catalogue.
var Package = models.Package{Schemes: Schemes, Mutants: Mutants}
