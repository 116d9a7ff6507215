package chip

import (
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// client is the card's withdrawal client (bank.Client): the request id
// is journalled on the card, so a retry after a power cut of the card or
// of the bank is the same request. An external wallet's journal is
// kept on the world's handle for it: the client is the harness's.
func (in *Instance) client(id world.PartyID, d Device) bank.Client {
	return bank.Client{Agent: in.agent, Holder: in.Names[id], Dev: in.w.Device(id), FreshRetry: in.mutated("withdraw-retry-new-request"),
		Unjournalled: in.mutated("refresh-without-journal"),
		Credit:       func(hs []*transfer.Holding) error { return d.Credit(hs, nil, nil) }}
}
