package cert

import (
	"strings"
	"time"

	"github.com/dualoffline/dualoffline/spec/devcert"
)

// The hooks of the second outside tester's mutants (the catalogue's last
// group) that need more than a condition at their spot.

// checkPeerAs is checkPeer for the side of the payment the SIM plays
// (asPayer: it checks the payee's certificate). Under
// payer-skips-payee-revocation (as payer) or payee-skips-payer-revocation
// (as payee) the certificate is checked against no revocation list.
func (se *SIM) checkPeerAs(raw, spki []byte, id string, asPayer bool) (*devcert.Certificate, error) {
	if asPayer && se.mutated("payer-skips-payee-revocation") || !asPayer && se.mutated("payee-skips-payer-revocation") {
		return CheckPeer(se.S, raw, spki, id, se.Name, func(c *devcert.Certificate) error {
			return c.Verify(se.Root, se.now(), nil)
		})
	}
	return se.checkPeer(raw, spki, id)
}

// certClock is the time the SIM judges a certificate's validity at: its
// phone's clock, or under validity-at-last-sync the time of its last
// reconciliation (a SIM that trusts no clock but the bank's).
func (se *SIM) certClock() time.Time {
	if se.mutated("validity-at-last-sync") {
		return time.Unix(se.st.SyncUnix, 0).UTC()
	}
	return se.now()
}

// limitCount is the payment count the payer SIM compares with the count
// limit: its own, or under count-limit-off-by-one one less (a count
// compared by > where >= is meant, so an eleventh payment passes).
func (se *SIM) limitCount() int {
	if se.mutated("count-limit-off-by-one") {
		return se.st.Payments - 1
	}
	return se.st.Payments
}

// resetAtSettle is, under limits-reset-at-settle, the SIM's state with
// the offline amount and count reset, committed with the mail: the first
// write of a reconciliation, before the upload's other steps and the
// revocation list, so a reconciliation cut after it has reset the limits.
func (se *SIM) resetAtSettle() *simState {
	if !se.mutated("limits-reset-at-settle") {
		return nil
	}
	st := se.st
	st.Spent, st.Payments = 0, 0
	return &st
}

// forgetAnswered is payer-answered-volatile at power-on: the requests the
// SIM paid (answered/…) do not survive the power cycle, as if kept in a
// cache in RAM.
func (se *SIM) forgetAnswered() {
	if !se.mutated("payer-answered-volatile") {
		return
	}
	if keys := se.Dev.Keys(prefAnswer); len(keys) > 0 {
		se.Dev.Commit(nil, keys)
	}
}

// splitSeen is, under payee-notes-seen-after-coins, the spent serials
// (seen/…) taken out of the credit's puts, for a second write after the
// coins: a power cut between the two leaves the coins stored and the
// serials unnoted. Nil otherwise.
func (se *SIM) splitSeen(puts map[string][]byte) map[string][]byte {
	if !se.mutated("payee-notes-seen-after-coins") {
		return nil
	}
	seen := map[string][]byte{}
	for k, v := range puts {
		if strings.HasPrefix(k, prefSeen) {
			seen[k] = v
			delete(puts, k)
		}
	}
	return seen
}
