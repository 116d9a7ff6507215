package cert

import (
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

var _ models.Tracer = (*Instance)(nil)

// TraceReceived is the central bank's trace (R3.4): the scheme has no
// identity escrow, so the bank names the payer from the identity in the
// clear in each registered record paying payee, after checking the
// record's signature against that identity's certificate. Hand-overs from
// the agent bank (withdrawals) are not offline payments and are skipped.
func (in *Instance) TraceReceived(payee world.PartyID) []models.Traced {
	id := in.View(payee).Identity
	return kit.Trace(in.cb, id, func(rec *transfer.Signed) int64 { return rec.PaidTo(id) }, func(c string) string { return c })
}

var _ models.Opener = (*Instance)(nil)

// AdversaryOpen is what the merchant's key opens (R3.3): the coins of a TX
// message sealed to the merchant's SIM, opened as the payee does. The
// agent bank holds no key that opens a payment. An external merchant's key
// is out of reach: nothing is opened.
func (in *Instance) AdversaryOpen(merchant world.PartyID, b []byte) []models.Observed {
	se, err := in.Inside(merchant)
	if err != nil {
		return nil
	}
	msg, err := parseMessage(b, TagTx)
	if err != nil {
		return nil
	}
	plain, err := se.openCoins(msg, msg.Nonce)
	if err != nil {
		return nil
	}
	return []models.Observed{{Label: "TX coins opened with the device key of " + string(merchant), Bytes: plain}}
}
