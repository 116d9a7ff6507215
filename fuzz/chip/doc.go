// Package chip holds the whole-card fuzz targets of the chip-card model
// (models/chip): FuzzChipPayer injects raw C-APDUs into a funded payer
// card and FuzzChipPayee raw R-APDUs into a payee terminal, through
// Instance.Inject. A refusal must be typed, with a canonical code other
// than internal, and leave the card's persistent state unchanged; no input
// may be accepted, since a fuzzer cannot forge the signatures a payment
// needs.
//
// These are protocol-step targets: every input restores a card from a
// snapshot, and the package links the whole model (world, bank, card), so
// their rate is the model's, not a decoder's. They live apart so that the
// decoder targets in fuzz, fuzz/apdu and fuzz/transfer do not scan this
// package's coverage map. Run one with
//
//	go test -run XXX -fuzz '^FuzzChipPayer$' -fuzztime 60s ./fuzz/chip/
package chip
