package control

import "github.com/dualoffline/dualoffline/models"

// Mutants returns the leaky variants of Ideal, each breaking one R3
// sub-property in one named way.
func Mutants() []models.Mutant {
	m := func(name, doc string) models.Mutant {
		return models.Mutate(Ideal(), scheme{mutation: name}, name, "R3", doc)
	}
	return []models.Mutant{
		m(mutIDInMessage, "the PAY message carries the payer's device id (R3.1, R3.3)"),
		m(mutStableTag, "the PAY message carries a tag fixed per payer, which links its payments (R3.2, R3.1)"),
		m(mutKeyInMessage, "the PAY message carries the payer's public key (R3.1, R3.2)"),
		m(mutPayerLength, "the PAY message is padded with random bytes to a length that depends on the payer (R3.1)"),
		m(mutLengthAtT, "a payment of exactly T fen is padded to a length that depends on the payer: payments of T are linkable, other small ones are not (R3.6's game; R3.1 and R3.2 draw T rarely or pair it with an anonymous payment)"),
		m(mutLargeAnonymous, "a payment above T leaves no identity record for the payer's agent bank (R3.6)"),
		m(mutEscrowToPayee, "the identity escrow is sealed to the payee's key instead of the central bank's trace key (R3.3, R3.4)"),
		m(mutIDInRefused, "the payer's third payment, while it has withdrawn once, opens with a PROBE carrying its device id and is refused until it withdraws again; the payment after the withdrawal and every other is clean, so only the refused attempt names the payer (R3.3)"),
		m(mutSequence, "every record of a wallet carries its record counter, a DER INTEGER advanced at every record (withdrawal, PAY, reconciliation report) from a per-wallet start: the merchant predicts the payer's next value from its last upload (R3.1, R3.2)"),
		m(mutPayeeSkipsProof, "the payee does not check the escrow's proof; the banks then refuse the deposit without naming anybody (R3.5)"),
	}
}
