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
//
// Mutations of the vacuous-checks work (issue 14):
//
//   - flag-names-parent: DoubleSpends names, as the coin spent twice, the
//     coin it was made from (its parent instance) instead of the coin.
//   - deposit-honours-double-spend: Agent.Deposit flags a coin descending
//     from a coin spent twice whose other branch was redeemed first, and
//     credits it anyway.
//   - redeem-at-root-value: the central bank redeems a deposited coin, in
//     its redemption total and the agent's reserve, at the value of the
//     issued coin it descends from; the account is credited at par.
//   - deposit-credits-root-value: Agent.Deposit credits the account with
//     the value of the issued coin a deposited coin descends from; the
//     central bank redeems it at par.
//
// Mutations of power cuts in online operations (issue 13):
//
//   - withdraw-retry-debits-again: Agent.WithdrawRequest serves a request
//     id it served before as a new withdrawal.
//   - deposit-retry-credits-again: Agent.Deposit credits a deposit it
//     credited before again when it is presented again (the central bank
//     redeems it once).
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

// parentInstance is the instance of the coin h's coin was created from:
// the coin the last record of its lineage spent (flag-names-parent).
func parentInstance(h *transfer.Holding) Instance {
	n := len(h.Chain)
	if n == 0 {
		return InstanceOf(h)
	}
	return InstanceOf(&transfer.Holding{Root: h.Root, Chain: h.Chain[:n-1], Serial: h.Chain[n-1].Parent})
}
