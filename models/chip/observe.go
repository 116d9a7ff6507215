package chip

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/kit"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

var _ models.Tracer = (*Instance)(nil)

// TraceReceived is the central bank's trace (R3.4): each registered
// record paying payee names the payer card's pseudonym, the bank checks
// the record's signature against that pseudonym's certificate and names
// the holder its register keeps for it (bank.CentralBank.HolderOf).
// Hand-overs from the agent bank (withdrawals) are not offline payments
// and are skipped.
func (in *Instance) TraceReceived(payee world.PartyID) []models.Traced {
	id := in.Names[payee]
	return kit.Trace(in.cb, id, func(rec *transfer.Signed) int64 { return in.tracedValue(rec, id) }, in.cb.HolderOf)
}

var _ models.Opener = (*Instance)(nil)

// AdversaryOpen is what the merchant's and agent bank's keys open (R3.3):
// nothing, since the chip scheme seals nothing in a payment; its records
// name the payer card's pseudonym in the clear.
func (in *Instance) AdversaryOpen(merchant world.PartyID, b []byte) []models.Observed { return nil }

var _ models.EvidenceVerifier = (*Instance)(nil)

// VerifyEvidence checks a double-spend claim with public data
// (bank.VerifyEvidence), which establishes the pseudonym that signed both
// records, and names the holder the central bank's register keeps for it.
func (in *Instance) VerifyEvidence(ev bank.DoubleSpend) (string, error) {
	who, err := bank.VerifyEvidence(in.cb.Suite, in.cb.Root(), in.cb.CoinKey(), ev)
	if err != nil {
		return "", err
	}
	return in.cb.HolderOf(who), nil
}

var _ models.Observer = (*Instance)(nil)

// AgentView is what the agent bank keeps of wallet's reconciliations
// beside the registry. The card goes online through its holder's
// account; the agent bank forwards the records of payments of at most T
// to the registry without noting the account, and logs against the
// account the records of payments above T: the binding R3.6 asks of a
// large payment, checkable without the trace key. One entry per
// reconciliation that uploaded a large payment: the holder's account,
// the card's pseudonym and the ids of those records.
func (in *Instance) AgentView(wallet world.PartyID) []models.Observed { return in.sessions[wallet] }

// largePayment reports whether the log entry e is a payment above T,
// which the agent bank binds to the account (R3.6); the mutant
// agent-logs-small-payments binds every payment.
func (in *Instance) largePayment(e LogEntry) bool {
	if in.mutated("agent-logs-small-payments") {
		return true
	}
	if in.mutated("agent-logs-no-payment") {
		return false
	}
	var amount int64
	for _, rb := range e.Records {
		if r, err := transfer.Parse(rb); err == nil {
			amount += r.PaidTo(e.Payee)
		}
	}
	return amount > in.threshold
}

// logSession appends a reconciliation of wallet, whose card uploaded the
// records ids of payments above T, to the agent bank's log; nothing when
// there are none.
func (in *Instance) logSession(wallet world.PartyID, card string, ids [][32]byte) {
	if len(ids) == 0 {
		return
	}
	if in.sessions == nil {
		in.sessions = map[world.PartyID][]models.Observed{}
	}
	b := fmt.Appendf(nil, "account %s card %s sent:", in.agent.AccountOf(card), card)
	for _, id := range ids {
		b = fmt.Appendf(b, " %x", id)
	}
	label := fmt.Sprintf("reconciliation %d of %s", len(in.sessions[wallet])+1, wallet)
	in.sessions[wallet] = append(in.sessions[wallet], models.Observed{Label: label, Bytes: b})
}

// logPseudonym is the mutant pseudonyms-sent-unsealed: the certificate of
// a fresh pseudonym reaches the card through the agent bank in the clear,
// which logs it against the account.
func (in *Instance) logPseudonym(wallet world.PartyID, c *devcert.Certificate) {
	if in.sessions == nil {
		in.sessions = map[world.PartyID][]models.Observed{}
	}
	label := fmt.Sprintf("pseudonym %d of %s", len(in.sessions[wallet])+1, wallet)
	in.sessions[wallet] = append(in.sessions[wallet], models.Observed{Label: label, Bytes: c.Raw})
}
