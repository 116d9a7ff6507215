package models

import "github.com/dualoffline/dualoffline/models/world"

// This file holds the capabilities the controllable-anonymity suite (R3)
// needs beyond Instance: what the colluding agent bank sees, and the
// central bank's trace.

// Observed is one byte string the adversary holds, with where it came
// from ("block 3 tx 1", "record payer→payee").
type Observed struct {
	Label string
	Bytes []byte
}

// Observer is implemented by instances whose agent banks hold offline
// records outside the central bank's bank.Registry (which the suite reads
// directly): blocks of a master node, upload logs. AgentView returns
// every such byte string the agent bank of wallet holds, in a stable
// order.
type Observer interface {
	AgentView(wallet world.PartyID) []Observed
}

// Traced is the central bank's trace of one offline payment record.
type Traced struct {
	Ref   string // the record's id (stable across calls)
	Value int64  // what the record pays the payee, fen
	Payer string // registered identity the trace recovered ("" if none)
	Err   error  // why the trace failed, if it did
}

// Tracer is implemented by instances whose central bank can name the payer
// of an offline payment (R3.4, R3.5). TraceReceived applies the central
// bank's means (the identity in the record where it is in the clear, the
// identity escrow where the scheme has one) to every payment record paying
// payee that payee or its agent bank uploaded and the banks accepted, in a
// stable order.
type Tracer interface {
	TraceReceived(payee world.PartyID) []Traced
}

// Opener is implemented by instances whose payments carry ciphertexts
// (R3.3: none decrypts to the payer's identity under a key the merchant
// or agent bank holds). AdversaryOpen applies every key merchant's device
// and the agent banks hold to every ciphertext the scheme's formats
// locate in b, one byte string of the adversary's view, and returns each
// plaintext that opened, labelled with the key.
type Opener interface {
	AdversaryOpen(merchant world.PartyID, b []byte) []Observed
}
