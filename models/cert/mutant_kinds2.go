package cert

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/dualoffline/dualoffline/spec/suite"
)

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

// seenByMail reports, under payee-seen-per-peer-device, whether parent's
// spend reached the SIM by mail: reconciliation's credit comes over no
// peer device and notes the serial alone (Credit), which the per-device
// lookup would otherwise never read. The mutant is the one bug of keying
// by the peer what arrives over a link, not a second one of ignoring mail.
func (se *SIM) seenByMail(parent []byte) bool {
	if !se.mutated("payee-seen-per-peer-device") {
		return false
	}
	_, ok := se.Dev.Get(prefSeen + hex.EncodeToString(parent))
	return ok
}
