package chip

import (
	"encoding/hex"

	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// The hooks of the outside tester's mutants (the catalogue's last group)
// that need more than a condition at their spot.

// seenKey is where the payee card notes that it was paid the coin rec
// spends: under the coin's serial, or under payee-seen-keyed-by-record the
// record's id, so a second record spending the same coin is not found.
func (se *SE) seenKey(rec *transfer.Signed) string {
	if se.mutated("payee-seen-keyed-by-record") {
		id := rec.ID()
		return prefSeen + hex.EncodeToString(id[:])
	}
	return prefSeen + hex.EncodeToString(rec.Parent[:])
}

// countOnAck is payer-counts-payment-on-ack's deferred count: the card
// counts a payment towards its offline count limit only when the payee
// acknowledges it.
func (se *SE) countOnAck() {
	if !se.mutated("payer-counts-payment-on-ack") {
		return
	}
	se.st.Payments++
	se.Dev.Put(keyState, kit.MustJSON(se.st))
}

// keepUnacked is reconcile-keeps-unacked-entries: the log entries a
// reconciliation settles (clears from the card), without those the payee
// never acknowledged, which the card keeps to retry them later.
func (in *Instance) keepUnacked(st *CardState, settled []string) []string {
	if !in.mutated("reconcile-keeps-unacked-entries") {
		return settled
	}
	unacked := map[string]bool{}
	for _, e := range st.Log {
		if !e.Acked {
			unacked[e.Key] = true
		}
	}
	var out []string
	for _, k := range settled {
		if !unacked[k] {
			out = append(out, k)
		}
	}
	return out
}

// deferCommit is payee-commits-on-done: the payee keeps what a TRANSFER
// pays it in RAM and writes it when the payer card's DONE arrives. It
// reports whether it deferred the write.
func (se *SE) deferCommit(puts map[string][]byte) bool {
	if !se.mutated("payee-commits-on-done") {
		return false
	}
	se.deferred = puts
	return true
}

// commitDeferred writes what deferCommit kept, once DONE arrived.
func (se *SE) commitDeferred() {
	if se.deferred != nil {
		se.Dev.Commit(se.deferred, nil)
		se.deferred = nil
	}
}
