package cert

import "github.com/dualoffline/dualoffline/models/kit"

// The hooks of the outside tester's mutants (the catalogue's last group)
// that need more than a condition at their spot.

// limitSpent is the offline amount the payer SIM compares with the
// cumulative limit: its own, or under limit-refuses-at-limit one fen more
// (a comparison by >= where > is meant).
func (se *SIM) limitSpent() int64 {
	if se.mutated("limit-refuses-at-limit") {
		return se.st.Spent + 1
	}
	return se.st.Spent
}

// countOnDeducted is the state the acknowledgement of a logged payment
// commits with puts: nil (the state as it is), or under
// payer-counts-payment-on-deducted the payment count raised only now,
// its write added to puts.
func (se *SIM) countOnDeducted(puts map[string][]byte) *simState {
	if !se.mutated("payer-counts-payment-on-deducted") {
		return nil
	}
	st := se.st
	st.Payments++
	puts[keyState] = kit.MustJSON(st)
	return &st
}

// volatileCounters is what a power cycle does to the counters the SIM
// keeps in RAM under a mutant: record-counter-volatile restarts the record
// counter (and with it the log keys) from zero, limits-volatile the
// offline amount and count.
func (se *SIM) volatileCounters() {
	switch {
	case se.mutated("record-counter-volatile"):
		se.st.Counter = 0
	case se.mutated("limits-volatile"):
		se.st.Spent, se.st.Payments = 0, 0
	}
}
