package pseudocoin

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

// VectorSource is pseudocoin's share of the vectors (vgen.Provider): one
// file per message a wallet receives (HELLO and PAY at the payee,
// INVOICE and ACK at the payer, the desk's mint reply at the element),
// each decided with the checks the model's own sessions make
// (checks.go).
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorSchema, helloKind, invoiceKind, payKind, ackKind, mintKind)
}
