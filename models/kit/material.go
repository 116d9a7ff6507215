package kit

import "github.com/dualoffline/dualoffline/models/bank"

// Material is what an element is loaded with besides its key: its
// certificate id and certificate, the trust anchors, the issuer's coin
// key, the revocation list, the agents' certificates and the offline
// limits (DER where not said).
type Material struct {
	ID      string
	Cert    []byte
	Root    []byte
	CoinKey []byte // SPKI
	CRL     []byte
	Agents  [][]byte
	Limits  bank.Limits
}

// Puts is m as store entries in the shared layout (Core.Load reads
// them), with extra (the scheme's own keys) beside them.
func (m Material) Puts(extra map[string][]byte) map[string][]byte {
	puts := map[string][]byte{
		KeyID:      []byte(m.ID),
		KeyCert:    m.Cert,
		KeyRoot:    m.Root,
		KeyCoinKey: m.CoinKey,
		KeyCRL:     m.CRL,
		KeyLimits:  MustJSON(m.Limits),
	}
	for i, a := range m.Agents {
		puts[PrefAgent+string(rune('a'+i))] = a
	}
	for k, v := range extra {
		puts[k] = v
	}
	return puts
}
