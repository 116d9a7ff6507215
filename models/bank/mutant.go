package bank

import (
	"bytes"

	"github.com/dualoffline/dualoffline/spec/transfer"
)

// SetMutation switches one deliberate fault into the banks, for a scheme's
// mutant catalogue (see models.Mutant); "" is the reference. The mutations
// the banks know are listed beside their hooks (mutated("name")):
//
//   - evidence-names-payee: DoubleSpends names the first record's payee as
//     the culprit.
//   - registry-drops-lower-conflict: Registry.Add drops a record spending an
//     instance already spent when its id sorts before the registered one.
//   - deposit-skips-lineage: Agent.Deposit checks the depositor's signature
//     on the deposit record, not the coin's lineage.
//   - withdraw-debits-less: Agent.Withdraw debits the amount rounded down to
//     whole yuan.
//   - deposit-rounds-down: Agent.Deposit credits the value rounded down to
//     whole yuan.
//   - deposit-ignores-settled-branch: Agent.Deposit checks the deposited
//     coin itself but not whether a conflicting branch of its lineage was
//     redeemed first.
//   - evidence-omits-lineage-certs: DoubleSpends carries no certificate of
//     the holdings' earlier holders, only the culprit's.
//   - mail-ignores-collector: Registry.Mail forwards every unclaimed
//     payee output to whichever wallet collects, not only to its payee.
//   - registry-drops-second-spend: Registry.Add drops every record spending
//     an instance already spent.
func (cb *CentralBank) SetMutation(name string) { cb.mutation = name }

func (cb *CentralBank) mutated(name string) bool { return cb.mutation != "" && cb.mutation == name }

// checkSignatureOnly is the faulty deposit check of deposit-skips-lineage:
// the record is the holder's and signed by it, the value is what the
// holding says, and nothing verifies the coin.
func (r *Registry) checkSignatureOnly(h *transfer.Holding, rec *transfer.Signed) (transfer.Owner, error) {
	o := transfer.Owner{Holder: rec.Payer, Value: h.Value()}
	cert, err := r.certs(rec.Payer)
	if err != nil {
		return o, err
	}
	return o, rec.Verify(cert.PublicKey)
}

// dropsLowerConflict is the order-dependent registry of
// registry-drops-lower-conflict: a second record spending a registered
// instance is kept only if its id sorts after the first one's.
func (r *Registry) dropsLowerConflict(parent *transfer.Holding, rec *transfer.Signed) bool {
	ids := r.byParent[InstanceOf(parent)]
	if len(ids) == 0 {
		return false
	}
	id := rec.ID()
	return bytes.Compare(id[:], ids[0][:]) < 0
}
