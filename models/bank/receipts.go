package bank

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Accepts returns nil when reconciliation would take rec, spending parent,
// as a payment: the registry knows it, or Add would register it (its
// lineage verifies, its holder signed it, it is valid, and it is not void
// by its payee's refusal). It changes nothing.
func (r *Registry) Accepts(parent *transfer.Holding, rec *transfer.Signed) error {
	if r.Known(rec) {
		return nil
	}
	if _, err := r.check(parent, rec); err != nil {
		return err
	}
	if void, ref := r.voidIn(parent, rec); void != nil {
		return spec.Errorf(spec.CodeReplay, "record %x descends from a payment its payee %s refused", rec.ID(), ref.Payee)
	}
	return nil
}
