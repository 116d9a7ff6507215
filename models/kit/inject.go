package kit

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Roles is an element that plays both roles of a payment.
type Roles interface {
	Handler
	// StartPayee opens a payment request for amount, as payee.
	StartPayee(payer world.PartyID, amount int64) (world.Message, error)
}

// Handler is an element that handles the messages of both roles of a
// payment, however it opens a payment request.
type Handler interface {
	Element
	// Payer and Payee handle a message to the payer and the payee role.
	Payer(m world.Message) ([]world.Message, error)
	Payee(m world.Message) ([]world.Message, error)
}

// Inject hands raw bytes to wallet to's own element as if a peer had sent
// them, outside any fault plan: for fuzzing and for negative tests of the
// decoders behind the protocol (models.Injector). With asPayee false the
// bytes are a message to the payer role; with asPayee true the element
// first opens a payment request for amount (as the payee) and the bytes
// are the answer to it. It returns the element's refusal, if any. A power
// cut inside recovers the element; then end drops the sessions the bytes
// opened.
func Inject[D Device, E Roles](t *Table[D, E], to world.PartyID, asPayee bool, amount int64, payload []byte, end func(e E, asPayee bool)) error {
	open := func(e E, amount int64) error {
		_, err := e.StartPayee("injector", amount)
		return err
	}
	return InjectWith(t, to, asPayee, amount, payload, open, end)
}

// InjectWith is Inject for an element that opens a payment request its
// own way: open opens one for amount (never called with amount ≤ 0,
// which is a CodeMalformed refusal).
func InjectWith[D Device, E Handler](t *Table[D, E], to world.PartyID, asPayee bool, amount int64, payload []byte, open func(e E, amount int64) error, end func(e E, asPayee bool)) error {
	e, err := t.Inside(to)
	if err != nil {
		return err
	}
	m := world.Message{From: "injector", To: to, Payload: payload}
	var herr error
	crashed, _ := t.W.Guard(to, func() error {
		if asPayee {
			if amount <= 0 {
				herr = spec.Errorf(spec.CodeMalformed, "amount %d", amount)
				return nil
			}
			if err := open(e, amount); err != nil {
				herr = err
				return nil
			}
			_, herr = e.Payee(m)
			return nil
		}
		_, herr = e.Payer(m)
		return nil
	})
	if crashed {
		e.Recover()
	}
	end(e, asPayee)
	return herr
}
