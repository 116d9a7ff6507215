package kit

import (
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/forge"
)

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

// InsiderSpends builds the records of the staged insider's payment of
// amount from payer to payee under challenge (forge.InsiderSpends with
// the element's key, coins and firmware, and counter). Nothing is
// committed or recorded.
func (c *Core) InsiderSpends(payer, payee string, amount int64, counter uint64, challenge []byte) ([]forge.Spend, error) {
	rq := forge.Request{Key: c.Priv, Payer: payer, Payee: payee, Amount: amount, Counter: counter, Coins: c.Held, KeyFor: c.KeyFor}
	copy(rq.Challenge[:], challenge)
	return forge.InsiderSpends(c.FW.Insider, rq, c.FW.Answered)
}
