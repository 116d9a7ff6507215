package vectors

import "github.com/dualoffline/dualoffline/vectors/vgen"

// The file format and the generator's constants live in package vgen,
// which the scheme packages build their files with; these names keep
// vectors' API whole.
type (
	File      = vgen.File
	Group     = vgen.Group
	Test      = vgen.Test
	Signature = vgen.Signature
	Case      = vgen.Case
)

// Results.
const (
	ResultValid      = vgen.ResultValid
	ResultInvalid    = vgen.ResultInvalid
	ResultAcceptable = vgen.ResultAcceptable
)

// Seed, GeneratorVersion, SchemaName and RootID: see package vgen.
const (
	Seed             = vgen.Seed
	GeneratorVersion = vgen.GeneratorVersion
	SchemaName       = vgen.SchemaName
	RootID           = vgen.RootID
)

// ErrBadInput is wrapped by the errors of a Verifier for a Case whose
// input object does not decode (a harness error, not an outcome).
var ErrBadInput = vgen.ErrBadInput
