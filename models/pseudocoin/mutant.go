package pseudocoin

import "github.com/dualoffline/dualoffline/models"

// The mutants: one realistic bug each, switched on by name.
const (
	mutantEscrowFixed    = "escrow-fixed-ephemeral" // R3: every escrow of an element is sealed with one ephemeral key
	mutantEscrowToPayee  = "escrow-to-payee"        // R3: the escrow is sealed to the payee's receiving key
	mutantEscrowToAgent  = "escrow-to-agent"        // R3: the escrow is sealed to the agent bank's key
	mutantUploadClear    = "upload-in-clear"        // R3: the reconciliation upload is not sealed to the desk
	mutantMintClear      = "mint-in-clear"          // R3: the mint request and reply are not sealed
	mutantLargeNotLogged = "large-not-logged"       // R3: the desk logs no payment above T at the agent bank
	mutantNoSeen         = "payee-forgets-keys"     // R2: the payee keeps no list of one-time keys it was paid with
	mutantNoDoubleCheck  = "desk-no-double-check"   // R2: the desk accepts a second record spending a spent key
	mutantNoInputSig     = "payee-skips-input-sig"  // R1: the payee does not check the input keys' signatures
	mutantNoDeskSig      = "payee-skips-desk-sig"   // R4: the payee does not check the desk's signature on bundles
	mutantNoLimits       = "no-offline-limits"      // R6: the element does not enforce the offline limits
	mutantNoInvoiceCert  = "payer-skips-invoice-cert"
	mutantNoRecordRules  = "payee-skips-record-rules"
	mutantRefundEarly    = "desk-refunds-unclaimed"
	mutantNoRefund       = "desk-never-refunds"
	mutantLimitsNotReset = "limits-not-reset"
	mutantTrustEscrow    = "desk-trusts-escrow" // R3: the desk takes the identity an escrow names without checking who signed it
	mutantTraceMinter    = "trace-names-minter" // R3: the trace names whom the value's root bundle was minted for, not the escrow's payer
	// Issue 17's outside tester: faults the first catalogue did not hold.
	mutantLargeAtT         = "large-logged-at-threshold"        // R3: the desk logs payments of T and above, not above T
	mutantChangeStable     = "change-key-per-element"           // R3: the change key is drawn once per element, not per payment
	mutantEscrowToDesk     = "escrow-to-desk-key"               // R3: the escrow is sealed to the desk's upload key, not the trace key
	mutantPayRemainder     = "pays-from-remainder"              // R3: the element pays from its smallest covering holding even when a full bundle would do
	mutantFirstInputSig    = "payee-checks-first-input-sig"     // R1: the payee checks only the first input's signature
	mutantSeenFirstInput   = "payee-seen-first-input-only"      // R2: the payee looks up only the first input key in its list of keys paid with
	mutantSeenLastInput    = "payee-seen-last-input-only"       // R2: the payee looks up only the last input key in its list of keys paid with
	mutantDoubleFirstInput = "desk-double-check-first-input"    // R2: the desk looks for a double spend only on a record's first input
	mutantLineageDeskSig   = "payee-lineage-desk-sig-top-only"  // R4: the payee checks the desk's signature only on bundles a record spends directly
	mutantRefundTwice      = "desk-refunds-twice"               // R5: the desk refunds a renounced record at every settlement, not once
	mutantCumulativeBefore = "limits-cumulative-before-payment" // R6: the cumulative limit is checked on what was spent before the payment, without it
	mutantDropOnAck        = "payer-drops-record-on-ack"        // R5: the payer deletes its logged record once acknowledged
	// A second outside tester's faults.
	mutantSkipInvoicePaid   = "payer-skips-invoice-paid"     // R1: the payer does not look the invoice's receiving key up among those it paid
	mutantSkipChallenge     = "payee-skips-challenge"        // R1: the payee does not check that the record answers its invoice's challenge
	mutantSkipPayAmount     = "payee-skips-amount"           // R5: the payee does not check the record's amount against its invoice's
	mutantRefundInputs      = "desk-refunds-input-value"     // R5: the desk refunds the value of the record's inputs, not its amount
	mutantCountOffByOne     = "count-limit-off-by-one"       // R6: the count limit compared by > where >= is meant
	mutantResetAtUpload     = "limits-reset-at-upload"       // R6: the limits reset when the upload is written, not when the desk's answer is applied
	mutantMintRetryNew      = "desk-mints-retry-anew"        // R5: the desk answers a mint request presented again as a new one
	mutantLargeOwnUpload    = "large-logged-from-payer-only" // R3: the desk logs a payment above T only while clearing its payer's own upload
	mutantSurrenderNotSpend = "desk-surrender-not-a-spend"   // R2: the desk checks a record's input keys against the records it cleared, not the holdings surrendered to it
	mutantPaidVolatile      = "payer-paid-keys-volatile"     // R1: the receiving keys the payer paid are kept in RAM, lost at a power cycle
)

// Mutants returns the catalogue.
func Mutants() []models.Mutant {
	m := models.Mutator(Scheme{}, func(name string) Scheme { return Scheme{mutation: name} })
	return []models.Mutant{
		m(mutantEscrowFixed, "R3", "every escrow an element seals reuses one ephemeral key, so its bytes repeat across the element's payments"),
		m(mutantEscrowToPayee, "R3", "the identity escrow is sealed to the payee's receiving key instead of the central bank's trace key"),
		m(mutantEscrowToAgent, "R3", "the identity escrow is sealed to the agent bank's key instead of the central bank's trace key"),
		m(mutantUploadClear, "R3", "the reconciliation upload goes to the agent bank in the clear, not sealed to the desk"),
		m(mutantMintClear, "R3", "the mint request and its reply go through the agent bank in the clear, not sealed: it sees the one-time keys and the bundles minted to its holder"),
		m(mutantLargeNotLogged, "R3", "payments above T are not logged against the payer's account at its agent bank"),
		m(mutantTraceMinter, "R3", "the central bank's trace of a payment names whom the desk minted the value it spends for (the root bundle of its first input), not the payer its escrow names: right for value the payer withdrew, wrong for value another wallet paid it"),
		m(mutantTrustEscrow, "R3", "the desk takes the identity an escrow names as the payer without checking that the named device signed the record, or that it is the uploader's"),
		m(mutantDropOnAck, "R5", "the payer element deletes a payment's logged record once the payee acknowledges it (the payee holds the payment and its upload clears the record), so a debited payer holds no receipt reconciliation could accept"),
		m(mutantNoSeen, "R2", "the payee keeps no list of the one-time keys it was paid with, so a cloned element pays it twice with one key"),
		m(mutantNoDoubleCheck, "R2", "the desk accepts a second record spending a one-time key another record spent, and flags nothing"),
		m(mutantNoInputSig, "R1", "the payee does not check the input keys' signatures over the record"),
		m(mutantNoDeskSig, "R4", "the payee does not check the desk's signature on the bundles a record spends"),
		m(mutantNoLimits, "R6", "the element does not enforce the offline limits"),
		m(mutantNoInvoiceCert, "R1", "the payer does not check the certificate the invoice carries: a payee off the root, or revoked, is paid"),
		m(mutantNoRecordRules, "R4", "the payee does not check the records' arithmetic (outputs and change against the inputs), in the payment or its lineage"),
		m(mutantRefundEarly, "R5", "the desk refunds a record's amount to its payer as soon as the payer uploads it if its payee has not yet exchanged it, and credits the payee too when it does"),
		m(mutantNoRefund, "R5", "the desk never refunds a record whose payee renounced the receiving key"),
		m(mutantLimitsNotReset, "R6", "the element does not reset its offline limits at reconciliation"),
		m(mutantLargeAtT, "R3", "the desk logs at the agent bank every payment of T fen or more, not only those above T: a payment of exactly T is bound to its payer's account"),
		m(mutantChangeStable, "R3", "the element draws its change key once (a seed without the payment counter), so every record it signs pays its change to one key"),
		m(mutantEscrowToDesk, "R3", "the identity escrow is sealed to the desk's upload-opening key instead of the central bank's trace key, so the trace opens nothing"),
		m(mutantPayRemainder, "R3", "the element pays from the smallest holding that covers the amount even when a full bundle would do: the merchant sees its remainder bundle, whose value chains its payments"),
		m(mutantFirstInputSig, "R1", "the payee checks the signature of the record's first input key only"),
		m(mutantSeenFirstInput, "R2", "the payee looks up only a record's first input key in its list of keys it was paid with"),
		m(mutantSeenLastInput, "R2", "the payee looks up only a record's last input key in its list of keys it was paid with (where this element puts the repeated bundle when it also holds received value, R2.2's combined repeat)"),
		m(mutantDoubleFirstInput, "R2", "the desk looks for a double spend only on a record's first input key"),
		m(mutantLineageDeskSig, "R4", "the payee checks the desk's signature on the bundles a record spends, not on those deeper in its lineage"),
		m(mutantRefundTwice, "R5", "the desk refunds a record whose receiving key was renounced at every settlement of that key, not once"),
		m(mutantCumulativeBefore, "R6", "the element checks the cumulative offline limit against what it spent before the payment, without the payment's amount"),
		m(mutantSkipInvoicePaid, "R1", "the payer does not look the invoice's receiving key up among the keys it paid, so an invoice it paid, replayed in a later session, is paid again"),
		m(mutantSkipChallenge, "R1", "the payee checks that the record pays its invoice's receiving key and amount but not that it answers the invoice's challenge"),
		m(mutantSkipPayAmount, "R5", "the payee checks the record's outputs against the record's own amount but not that amount against its invoice's, so a record paying less closes the sale"),
		m(mutantRefundInputs, "R5", "the desk refunds a record whose receiving key was renounced with the value of the record's inputs, not its amount, though the payer kept the change"),
		m(mutantCountOffByOne, "R6", "the element compares its offline payment count with the limit by > instead of >=, so it makes an eleventh payment offline"),
		m(mutantPaidVolatile, "R1", "the element keeps the receiving keys it paid in RAM, so after a power cycle an invoice it paid, replayed in a later session, is paid again"),
		m(mutantSurrenderNotSpend, "R2", "the desk looks a record's input keys up among the keys other records spent but not among the holdings surrendered to it at a reconciliation, so a clone's spend of a bundle its original already handed in is credited and flagged nowhere"),
		m(mutantLargeOwnUpload, "R3", "the desk logs a payment above T at the payer's agent bank only when it clears the record from the payer's own upload, so a payment its payee's upload brought in first is never logged"),
		m(mutantMintRetryNew, "R5", "the desk answers a mint request presented again after a lost reply or a power cut as a new request, minting from what it still owes (nothing, once the first answer took it all) instead of returning the bundles it minted"),
		m(mutantResetAtUpload, "R6", "the element resets its offline limits when it writes its reconciliation upload, not when it applies the desk's answer, so a reconciliation cut after the upload was written has reset them"),
	}
}
