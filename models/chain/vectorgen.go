package chain

import (
	"embed"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// vectorFiles are the scheme's part of the vectors' JSON Schema and its
// published file headers (vgen.NewSource).
//
//go:embed vectorgen.schema.json vectorgen_headers.json
var vectorFiles embed.FS

// VectorSource is the chain scheme's share of the vectors
// (vgen.Provider): the qr file (one scanned payment) and the session
// file, decided with this package's payee, and the agree file (an
// agreement keyed in), decided with its payer wallet's checks
// (AgreementKeyedIn) and with its wallet provisioned with coins
// (AgreementPay, whose answer is the payment). The literal variant
// contributes nothing of its own.
func (Scheme) VectorSource() vgen.Source {
	return vgen.NewSource(Name, vectorFiles, qrKind, chainSessionKind, agreeKind)
}
