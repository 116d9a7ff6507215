package chip

import (
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// client is the card's withdrawal client (bank.Client): the request id
// is journalled on the card, so a retry after a power cut of the card or
// of the bank is the same request. An external card keeps no journal
// the model can write.
func (in *Instance) client(id world.PartyID, d Device) bank.Client {
	c := bank.Client{Agent: in.agent, Holder: in.ids[id], LateJournal: in.mutated("withdraw-journals-after-credit"),
		Credit: func(hs []*transfer.Holding) error { return d.Credit(hs, nil, nil) }}
	if _, own := in.wallets[id]; own {
		c.Dev = in.w.Device(id)
	}
	return c
}
