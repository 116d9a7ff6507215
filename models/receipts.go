package models

import "github.com/dualoffline/dualoffline/models/world"

// Receipt is a payer's proof of one payment it has not reconciled yet:
// what its device holds that its reconciliation will present (in the
// certificate-and-coin schemes, the records it signed, logged with the
// payee's acknowledgement or without it), the value that proof shows paid
// to Payee, and the bank's verdict on it, reached as reconciliation would
// reach it and changing nothing.
type Receipt struct {
	Payee  world.PartyID
	Amount int64 // fen
	Err    error // nil: reconciliation accepts the proof
}

// Receipter is implemented by instances that can show the receipts a
// payer holds (R5.4: whenever the honest payer is debited it holds a
// receipt that reconciliation accepts as proof of payment). A suite that
// needs it and finds it missing says so in its log and checks the rest.
type Receipter interface {
	// Receipts returns the receipts wallet holds, one per payment it
	// made and has not reconciled.
	Receipts(wallet world.PartyID) ([]Receipt, error)
}
