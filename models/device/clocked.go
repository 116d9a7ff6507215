package device

import (
	"time"

	"github.com/dualoffline/dualoffline/models/world"
)

// AmountParams carry one amount (fen): the params of an operation that
// opens a payee session for it (chain's and pseudocoin's start-payee)
// or persists a withdrawal request of it (pseudocoin's withdraw).
type AmountParams struct {
	Amount int64 `json:"amount"`
}

// DeliverAtParams hand a device one offline message with the time it
// judges the message at, Unix seconds: a phone's clock reading (chain),
// or the time the harness lends an element that has no clock
// (pseudocoin). The message's Type names the scheme's step. Cert's
// wallets take the reading as an RFC 3339 time instead, and chip's card
// judges no time.
type DeliverAtParams struct {
	Message Message `json:"message"`
	Now     int64   `json:"now"`
}

// DeliverAt answers a DeliverAtParams delivery: it sets the device's
// clock to the reading (set), then hands the message to handle as
// Deliver does.
func (k *Kit) DeliverAt(set func(time.Time), handle func(world.Message) ([]world.Message, error)) func(DeliverAtParams) (any, error) {
	return func(p DeliverAtParams) (any, error) {
		set(time.Unix(p.Now, 0))
		return k.Deliver(p.Message, handle)
	}
}
