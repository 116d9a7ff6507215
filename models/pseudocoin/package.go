package pseudocoin

import "github.com/dualoffline/dualoffline/models"

// Package is this scheme package's entry in models/all: its scheme and
// its mutant catalogue.
var Package = models.Package{Schemes: func() []models.Scheme { return []models.Scheme{Scheme{}} }, Mutants: Mutants}
