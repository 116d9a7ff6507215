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
		m(mutantTrustEscrow, "R3", "the desk takes the identity an escrow names as the payer without checking that the named device signed the record, or that it is the uploader's"),
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
	}
}
