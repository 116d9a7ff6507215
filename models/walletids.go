package models

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models/world"
)

// WalletIDs returns the ids of c's wallets in order: wallet-A, wallet-B,
// … (c.Wallets of them, none when it is not positive), the names every
// scheme gives its wallets.
func (c Config) WalletIDs() []world.PartyID {
	ids := make([]world.PartyID, max(c.Wallets, 0))
	for i := range ids {
		ids[i] = world.PartyID(fmt.Sprintf("wallet-%c", 'A'+i))
	}
	return ids
}
