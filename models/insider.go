package models

import (
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// InsiderKind names a payment an insider builds: a party holding a
// certified wallet's key, certificate and state that signs, with that
// key and through the scheme's own encoders, a payment no honest device
// would make. Every signature in it verifies; only the check behind it
// can refuse it.
type InsiderKind string

// Insider payments. Each is the next payment the insider's device makes
// as payer; amounts and coins are the ones that payment asks for. The
// sub-property named first is the one whose insider property stages it;
// R5.5 stages them all.
const (
	// R4.3: a record pays the payee the whole amount out of a coin of the
	// insider's worth less: its outputs sum to more than its parent (on
	// the chain: the sealed inputs are worth less than the amount).
	InsiderWrongSum InsiderKind = "wrong-sum"
	// R4.3: a record pays the payee its share exactly, and the insider's
	// change is the honest change plus Value fen (at least 1) created from
	// nothing: the outputs sum to more than the parent.
	InsiderInflatedChange InsiderKind = "inflated-change"
	// R6.2: a record's outputs sum to its parent, but the payee's share is
	// one output of the whole amount (and the change one output of the
	// rest), whatever the denomination table says.
	InsiderOffTable InsiderKind = "off-table"
	// R2.2: one coin of the insider's is spent twice in the same payment:
	// two records of the same parent (distinct counters), together paying
	// the amount, which is more than the coin is worth (on the chain: the
	// coin is listed twice among the sealed inputs).
	InsiderDuplicateInput InsiderKind = "duplicate-input"
	// R1.5: the payment spends a coin that Other holds (its holding is
	// public: it travelled in a payment), with a record the insider signs
	// naming itself as payer (on the chain: Other's output among the
	// sealed inputs, after the insider's own smallest coin when it holds
	// one, the change of which returns to the insider); the amount is the
	// coin's whole value.
	InsiderNotOwned InsiderKind = "not-owned"
	// R1.2: the records answer the challenge (nonce) of the insider's
	// previous payment, not the one the payee asked this payment to answer.
	// Where a payment carries several records (chip, cert) it is two,
	// each paying half the amount out of its own coin, and only the
	// second answers the previous challenge: a payee that checks the
	// first record's binding only is refused nothing.
	InsiderReusedChallenge InsiderKind = "reused-challenge"
	// R1.2: the payment's timestamp is Value seconds (a day when zero)
	// before (stale) or after (future) the insider's clock, and signed so.
	InsiderStaleTime  InsiderKind = "stale-time"
	InsiderFutureTime InsiderKind = "future-time"
	// R5.5: the payment settles Value fen (1 when zero) less than the
	// amount the payee asked, however the payee is told the amount: in
	// the clear where the scheme has a clear amount, or (on the chain as
	// published) in the part sealed from the payee; on the transfer-record
	// schemes the records pay the payee that much less. Where a scheme
	// states the amount apart from what pays it (cert's TX) the statement
	// says the lesser amount too, or with StatesAsked the amount asked.
	InsiderWrongAmount InsiderKind = "wrong-amount"
	// R5.5: the part of the payment sealed from the payee names Other as
	// payee, while what the payee can read (if anything) names the payee;
	// on the transfer-record schemes, whose payee reads the records, the
	// records name and pay Other.
	InsiderOtherPayee InsiderKind = "other-payee"
)

// An escrow or a payer identity naming someone else, signed with the
// device's own key, is what models.CorruptEscrowOther and
// models.CorruptClaimIdentity already stage; R3.5 uses those.

// InsiderKinds lists every kind, in the order above.
var InsiderKinds = []InsiderKind{
	InsiderWrongSum, InsiderInflatedChange, InsiderOffTable, InsiderDuplicateInput,
	InsiderNotOwned, InsiderReusedChallenge, InsiderStaleTime, InsiderFutureTime,
	InsiderWrongAmount, InsiderOtherPayee,
}

// InsiderPlan is what the insider does; Value and Other apply to the kinds
// that say so. The zero plan is honest.
type InsiderPlan struct {
	Kind  InsiderKind
	Value int64
	Other world.PartyID
	// StatesAsked, for InsiderWrongAmount on a scheme whose payment
	// states its amount apart from what pays it, states the amount the
	// payee asked while the payment still pays less: only the payee's sum
	// of what it receives can refuse it. Schemes without such a statement
	// ignore it.
	StatesAsked bool
}

// Insider is implemented by instances whose wallets a suite can hand to
// an insider.
type Insider interface {
	// Insider makes wallet's device build its payments as payer per p,
	// signed with its own key, until called again (the zero plan restores
	// honest payments). The insider commits nothing for the payments it
	// builds: it keeps its coins whatever the payee does. A kind the
	// scheme cannot express returns a *spec.Error of code unimplemented
	// and changes nothing.
	Insider(wallet world.PartyID, p InsiderPlan) error
}

// Record checks a mutant may omit from transfer.Record.Validate.
const (
	OmitOutputSum     = "output-sum"    // the outputs sum to the parent's value
	OmitDenominations = "denominations" // every output is a table denomination
)

// ValidateRecordWithout is transfer.Record.Validate with one check left
// out: the faulty record check of a mutant. No reference model uses it.
func ValidateRecordWithout(r *transfer.Record, omit string) error {
	c := *r
	c.Outputs = append([]transfer.Output(nil), r.Outputs...)
	var sum, kept int64
	for i := range c.Outputs {
		sum += c.Outputs[i].Value
		if omit == OmitDenominations && !coin.ValidDenomination(c.Outputs[i].Value) {
			c.Outputs[i].Value = 1 // a table value, so Validate passes it
		}
		kept += c.Outputs[i].Value
	}
	switch omit {
	case OmitOutputSum:
		c.ParentValue = kept
	case OmitDenominations:
		if sum != r.ParentValue {
			return spec.Errorf(spec.CodeValueMismatch, "outputs sum to %d fen, parent is %d fen", sum, r.ParentValue)
		}
		c.ParentValue = kept
	}
	return c.Validate()
}
