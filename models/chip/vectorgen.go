package chip

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

// VectorSource is the chip scheme's share of the vectors (vgen.Provider):
// the apdu file (INITIATE, TRANSFER, CONFIRM and REFUSE as the card and
// the terminal see them, and whether a card holding given coins pays)
// and the session file, decided with this package's own checks and payee.
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorSchema, apduKind, chipSessionKind)
}
