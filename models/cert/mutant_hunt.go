package cert

import (
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

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

// countOnDeducted returns the arguments of commit for the acknowledgement
// of a logged payment (puts holds its log entry): the entry alone, or
// under payer-counts-payment-on-deducted also the payment count raised
// only now.
func (se *SIM) countOnDeducted(puts map[string][]byte) (map[string][]byte, []string, map[string]*transfer.Holding, *simState, map[string]*devcert.Certificate) {
	if !se.mutated("payer-counts-payment-on-deducted") {
		return puts, nil, nil, nil, nil
	}
	st := se.st
	st.Payments++
	puts[keyState] = kit.MustJSON(st)
	return puts, nil, nil, &st, nil
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
