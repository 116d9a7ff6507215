package pseudocoin

import (
	"embed"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// vectorFiles are the scheme's part of the vectors' JSON Schema and its
// published file headers (vgen.NewSource).
//
//go:embed vectorgen.schema.json vectorgen_headers.json
var vectorFiles embed.FS

// VectorSource is pseudocoin's share of the vectors (vgen.Provider): one
// file per message a wallet receives (HELLO and PAY at the payee,
// INVOICE and ACK at the payer, the desk's mint reply at the element),
// each decided with the checks the model's own sessions make
// (checks.go).
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorFiles, helloKind, invoiceKind, payKind, ackKind, mintKind)
}
