package chain

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

// VectorSource is the chain scheme's share of the vectors
// (vgen.Provider): the qr file (one scanned payment) and the session
// file, decided with this package's payee, and the agree file (an
// agreement keyed in), decided with its payer wallet's checks
// (AgreementKeyedIn) and with its wallet provisioned with coins
// (AgreementPay, whose answer is the payment). The literal variant
// contributes nothing of its own.
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorSchema, qrKind, chainSessionKind, agreeKind)
}
