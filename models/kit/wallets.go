package kit

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// AddWallets adds the wallets of a new instance in the order of
// cfg.WalletIDs: wallet i is attached when cfg names it external
// (attach), made as one of the model's own otherwise (own), and then its
// account is opened (open). On the first error it closes the external
// devices attached so far (Close) and returns that error.
func (t *Table[D, E]) AddWallets(cfg models.Config, attach, own func(i int, id world.PartyID) error, open func(i int, id world.PartyID)) error {
	for i, id := range cfg.WalletIDs() {
		add := own
		if cfg.IsExternal(id) {
			add = attach
		}
		if err := add(i, id); err != nil {
			t.Close()
			return err
		}
		open(i, id)
	}
	return nil
}
