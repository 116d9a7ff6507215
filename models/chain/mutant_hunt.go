package chain

import (
	"strings"

	"github.com/dualoffline/dualoffline/spec/devcert"
)

// The hooks of the outside tester's mutants (the catalogue's last group)
// that need more than a condition at their spot.

// offByOne is what limit-count-off-by-one takes off the payment count the
// wallet compares with the limit.
func (wl *wallet) offByOne() int {
	if wl.mutated("limit-count-off-by-one") {
		return 1
	}
	return 0
}

// volatileLimits is limits-volatile: the offline amount and payment count
// read back from the store start from zero, as counters kept in RAM do
// after a power cycle.
func (wl *wallet) volatileLimits() {
	if wl.mutated("limits-volatile") {
		wl.st.Spent, wl.st.Payments = 0, 0
	}
}

// culpritOf is the certificate the double-spend evidence names for
// payment a: its payer's, or under evidence-names-payee its payee's (the
// certificate of the address it pays), when the nodes know one.
func (in *Instance) culpritOf(a *checked) *devcert.Certificate {
	if in.mutated("evidence-names-payee") {
		if c := in.bb.dir.byAddr[a.tx.Payment.Payee]; c != nil {
			return c
		}
	}
	return a.cert
}

// passedBefore is node-checks-revocation-once-per-cert's cache: a payer
// certificate whose revocation check passed once is not checked again.
func (bb *backbone) passedBefore(serial uint64) bool {
	return bb.mutated("node-checks-revocation-once-per-cert") && bb.passed[serial]
}

// notePassed remembers, under node-checks-revocation-once-per-cert, a
// serial whose revocation check passed.
func (bb *backbone) notePassed(serial uint64) {
	if !bb.mutated("node-checks-revocation-once-per-cert") {
		return
	}
	if bb.passed == nil {
		bb.passed = map[uint64]bool{}
	}
	bb.passed[serial] = true
}

// logFirst is payer-logs-before-spending: the payment's log entry, the
// agreement it answers and the counters are written first, and taken out
// of puts, so the commit that follows only moves the coins; a power cut
// between the two writes leaves the log saying the coins were spent and
// the store still holding them.
func (wl *wallet) logFirst(puts map[string][]byte) {
	if !wl.mutated("payer-logs-before-spending") {
		return
	}
	first := map[string][]byte{}
	for k, v := range puts {
		if !strings.HasPrefix(k, prefCoin) {
			first[k] = v
			delete(puts, k)
		}
	}
	wl.dev.Commit(first, nil)
}

// resetOnConnect is limits-reset-on-connect: the bank side resets the
// wallet's offline limits as soon as it connects, in a sync of its own,
// before the wallet's log is uploaded, so a reconciliation cut before
// the upload completes leaves the limits reset.
func (in *Instance) resetOnConnect(d Device) error {
	if !in.mutated("limits-reset-on-connect") {
		return nil
	}
	return d.Sync(&SyncUpdate{Reset: true, Time: in.w.Now().Unix(), CRL: in.cb.CRL().Raw, Blacklist: in.blacklist()})
}

// logged is what the payer's wallet logs of the payment it shows: the QR,
// or under payer-logs-unsigned-payment the payment with its signature's
// bytes left as they were before signing (zero), the signed one living
// only in the QR.
func (wl *wallet) logged(qr []byte) []byte {
	if !wl.mutated("payer-logs-unsigned-payment") {
		return qr
	}
	p, err := ParsePayment(qr)
	if err != nil {
		return qr
	}
	clear(p.Signature)
	return p.Marshal()
}
