package chip

import (
	"embed"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// vectorFiles are the scheme's part of the vectors' JSON Schema and its
// published file headers (vgen.NewSource).
//
//go:embed vectorgen.schema.json vectorgen_headers.json
var vectorFiles embed.FS

// VectorSource is the chip scheme's share of the vectors (vgen.Provider):
// the apdu file (INITIATE, TRANSFER, CONFIRM and REFUSE as the card and
// the terminal see them, and whether a card holding given coins pays)
// and the session file, decided with this package's own checks and payee.
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorFiles, apduKind, chipSessionKind)
}
