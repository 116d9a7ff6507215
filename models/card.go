package models

import "encoding/json"

// CardWallet is the capability of a Scheme whose wallet is an ISO 7816
// smart card (the chip model's): models/device/vcard serves the card to a
// PC/SC reader, `dualoffline card serve` runs it, and conformance/reader
// is the terminal that plays it in the suites (`check --reader`).
type CardWallet interface {
	// CardMutants names the mutants of the scheme's catalogue that are
	// the card's own bugs (a card can serve them; the others are banks').
	CardMutants() []string
	// CardHost starts the card's code on its persistent store (nil: an
	// empty card); mutant is one of CardMutants, or "" for the reference.
	CardHost(store map[string][]byte, mutant string) (CardHost, error)
}

// CardHost is a card's code running on its store: it answers the
// adapter's operations (conformance/adapter/PROTOCOL.md) and says when
// the store changed, so the card persists it before the answer leaves.
type CardHost interface {
	Handle(op string, params json.RawMessage) (any, error)
	Dirty() bool
	Store() map[string][]byte
}
