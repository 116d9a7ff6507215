package bank

import "github.com/dualoffline/dualoffline/spec/transfer"

// Mutations of the orders work (issue 13):
//
//   - registry-ignores-settled-upload: Registry.Add drops a record that
//     spends an instance on a branch already redeemed, as a stale copy.
//   - flag-values-payment: DoubleSpends values a double spend at what
//     the first record paid its payee, not at the value of the coin.

// staleSettled is registry-ignores-settled-upload: a record spending
// parent arrives after a deposit settled parent's instance along a
// record of its own.
func (r *Registry) staleSettled(parent *transfer.Holding, rec *transfer.Signed) bool {
	if !r.cb.mutated("registry-ignores-settled-upload") {
		return false
	}
	s, ok := r.settled[InstanceOf(parent)]
	return ok && s.rec.ID() != rec.ID()
}

// flagValue is the value a double-spend flag claims: the excess, or
// under flag-values-payment what the first record paid its payee, once
// per extra record.
func (r *Registry) flagValue(first *transfer.Signed, excess int64, records int) int64 {
	if r.cb.mutated("flag-values-payment") {
		return first.PaidTo(first.Payee) * int64(records-1)
	}
	return excess
}
