package cert

import (
	_ "embed"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// vectorSchema is the scheme's part of the vectors' JSON Schema.
//
//go:embed vectorgen.schema.json
var vectorSchema []byte

// headers are the scheme's published file headers, each kind's with
// its groups' documentation (vgen.Headers).
//
//go:embed vectorgen_headers.json
var headers vgen.Headers

// VectorSource is the cert scheme's share of the vectors (vgen.Provider):
// the sealedcoin, message and session files, decided with this package's
// own checks and payee, and the message file's HelloPay group with its
// payer wallet. The literal variant has the same messages and
// contributes nothing of its own.
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorSchema, sealedCoinKind, messageKind, certSessionKind)
}
