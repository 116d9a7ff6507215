package cert

import (
	"embed"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// vectorFiles are the scheme's part of the vectors' JSON Schema and its
// published file headers (vgen.NewSource).
//
//go:embed vectorgen.schema.json vectorgen_headers.json
var vectorFiles embed.FS

// VectorSource is the cert scheme's share of the vectors (vgen.Provider):
// the sealedcoin, message and session files, decided with this package's
// own checks and payee, and the message file's HelloPay group with its
// payer wallet. The literal variant has the same messages and
// contributes nothing of its own.
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorFiles, sealedCoinKind, messageKind, certSessionKind)
}
