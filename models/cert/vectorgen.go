package cert

import (
	_ "embed"

	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// vectorSchema is the scheme's part of the vectors' JSON Schema.
//
//go:embed vectorgen.schema.json
var vectorSchema []byte

// VectorSource is the cert scheme's share of the vectors (vgen.Provider):
// the sealedcoin, message and session files, decided with this package's
// own checks and payee, and the message file's HelloPay group with its
// payer wallet. The literal variant has the same messages and
// contributes nothing of its own.
func (Scheme) VectorSource() vgen.Source {
	return vgen.Source{
		Scheme:     Name,
		Generators: []vgen.Generator{genSealedCoin, vgen.Then(genMessage, genHelloPay), genCertSession},
		Decide: vgen.ByKind(map[string]vgen.Decider{
			"sealedcoin":       vgen.Decode(refSealedCoin),
			"message":          vgen.Decode(refMessage),
			"message/HelloPay": vgen.Decode(refHelloPay),
			"session":          vgen.Decode(refCertSession),
		}),
		Schema: vectorSchema,
	}
}
