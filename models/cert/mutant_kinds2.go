package cert

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// kinds2Mutants are issue 13's mutants for reorder, field and clone. A
// lock-step exchange shows a receiver a late copy of a message only when
// a sender retransmitted, and where the late original lands in the
// receiver's session tells reorder from delay: a reorder's original
// arrives behind the sender's next message (a HELLO-PAYER behind the TX,
// while the payee awaits DEDUCTED), a delay's after the exchange.
// payee-rearms-hello-after-tx goes wrong in the first state only;
// conformance's TestFaultKindsKill checks that only its kind finds it.
func kinds2Mutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("payee-rearms-hello-after-tx", "R1", "once the payee verified a TX its handshake goes back to waiting for HELLO-PAYER (the wait for DEDUCTED is a flag of its own), so a HELLO-PAYER of the same request arriving while it awaits DEDUCTED restarts the request: it answers PROCEED again and waits for a TX, the verified one dropped, so the DEDUCTED that follows is refused: the payer saw its payment acknowledged and the payee stored nothing (until reconciliation settles the payer's upload)"),
		// A repeat answered with the first reply again is allowed (R1.2);
		// the bug is the write the copy makes.
		m("payee-counts-repeated-hello", "R1", "the payee answers a repeated HELLO-PAYER of its open request with the PROCEED it sent the first time, as a retransmitting link needs, but counts every HELLO-PAYER it answers in a persistent handshake counter, so a copy of the message moves the payee's state a second time"),
		// field: a whole field from another valid message. A cut-and-paste
		// of a signature the same wallet made over another message is
		// what a cache keyed by the signature alone lets through; a
		// flipped bit or random bytes miss the cache and fail.
		m("sim-caches-signatures", "R1", "the SIM keeps the signatures it verified in a cache keyed by the signer's key and the signature bytes, not the message, so a message carrying a signature its sender made over an earlier message is accepted"),
		// clone: another device with the same identity pays a coin again.
		m("payee-seen-per-peer-device", "R2", "the payee keeps the serials it was paid per device it was paid over (the link address of the peer phone), not per serial, so a cloned wallet on another phone pays it the same coin again; the same phone rolled back is refused"),
	}
}

// helloAgain reports whether the payee takes a HELLO-PAYER of its open
// request at stage, out of turn, as the request's first: never in the
// reference; under payee-rearms-hello-after-tx while it awaits DEDUCTED.
func (se *SIM) helloAgain(stage int) bool {
	return se.mutated("payee-rearms-hello-after-tx") && stage == awaitDeducted
}

// storeOnlyMutations are wallet bugs whose only effect is a write to the
// wallet's own store: the harness sees it in-process (the trace's persist
// events), but an external wallet's store is not visible through the
// adapter protocol, so the interactive suite cannot be asked to catch them.
var storeOnlyMutations = map[string]bool{"payee-counts-repeated-hello": true}

// helloRepeat reports whether a HELLO-PAYER arriving in stage is a
// repeat the payee answers again: never in the reference (it refuses it
// as out of turn); under payee-counts-repeated-hello while it awaits the
// TX, after counting it (countHello).
func (se *SIM) helloRepeat(stage int) bool {
	return se.mutated("payee-counts-repeated-hello") && stage == awaitTx
}

// countHello is payee-counts-repeated-hello's handshake counter: one
// write per HELLO-PAYER answered.
func (se *SIM) countHello() {
	if !se.mutated("payee-counts-repeated-hello") {
		return
	}
	n := 0
	if v, ok := se.Dev.Get("payee/handshakes"); ok {
		n = int(binary.BigEndian.Uint32(v))
	}
	se.Dev.Put("payee/handshakes", binary.BigEndian.AppendUint32(nil, uint32(n+1)))
}

// verifyMsg checks msg's signature with pub; under sim-caches-signatures
// a signature already verified under pub passes without looking at the
// message.
func (se *SIM) verifyMsg(msg *message, pub suite.PublicKey) error {
	if !se.mutated("sim-caches-signatures") {
		return msg.verify(pub)
	}
	k := string(pub.SPKI()) + "\x00" + string(msg.Sig)
	if se.sigCache[k] {
		return nil
	}
	if err := msg.verify(pub); err != nil {
		return err
	}
	if se.sigCache == nil {
		se.sigCache = map[string]bool{}
	}
	se.sigCache[k] = true
	return nil
}

// seenKey is where the payee records that it accepted a spend of parent:
// under payee-seen-per-peer-device, per the device the payment came from.
func (se *SIM) seenKey(parent []byte) string {
	if se.mutated("payee-seen-per-peer-device") {
		return prefSeen + string(se.peer) + "/" + hex.EncodeToString(parent)
	}
	return prefSeen + hex.EncodeToString(parent)
}
