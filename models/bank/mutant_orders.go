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

// dropped reports whether a mutant registry drops rec, spending parent,
// instead of registering it: the filters of registry-drops-lower-conflict,
// registry-drops-second-spend and registry-ignores-settled-upload, which
// apply to a record however it arrives (an upload, or the lineage of a
// deposited coin). The reference drops nothing.
func (r *Registry) dropped(parent *transfer.Holding, rec *transfer.Signed) bool {
	switch {
	case r.cb.mutated("registry-drops-lower-conflict"):
		return r.dropsLowerConflict(parent, rec)
	case r.cb.mutated("registry-drops-second-spend"):
		return len(r.byParent[InstanceOf(parent)]) > 0
	}
	return r.staleSettled(parent, rec)
}

// admitLineage registers every record of a deposited coin's lineage not
// yet known, as Add would register it: a record that reaches the bank
// only inside a deposit is received all the same (its signatures were
// verified with the holding). Outside a sealed operation a sealed record
// of the lineage is now in the clear: the holding carries it.
func (r *Registry) admitLineage(h *transfer.Holding) {
	lineage(h, func(_ Instance, parent *transfer.Holding, rec *transfer.Signed) {
		switch {
		case r.Known(rec):
			if !r.sealing {
				r.unseal(rec.ID())
			}
		case !r.dropped(parent, rec):
			r.insert(parent, rec)
		}
	})
}
