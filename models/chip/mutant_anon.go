package chip

import "github.com/dualoffline/dualoffline/models"

// anonMutants are the mutants of the card's pseudonymous certificate
// and the agent bank's account and log (issue 15, Build 3): each puts
// the holder's identity back where the merchant and the agent bank read
// it, or takes it from where R3.6 wants it.
func anonMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("account-keyed-by-card", "R3", "the agent bank keeps the holder's account under the card's pseudonym, so the account number is in every certificate and record the card presents"),
		m("agent-logs-small-payments", "R3", "the agent bank logs against the holder's account the records of every payment the card uploads, small ones included, so a payment of at most T names its payer"),
		m("agent-logs-no-payment", "R3", "the agent bank forwards every record without noting the account that uploaded it, so a payment above T is not bound to its payer without the trace key"),
		m("card-cert-names-holder", "R3", "personalisation certifies the card key under the holder's registered wallet id instead of a pseudonym, so every certificate and record the card presents names its holder"),
	}
}

// None of them is the card's: three live in the agent bank and one in
// the issuer's personalisation, so a card served behind the adapter
// protocol cannot play them (CardMutants).
func init() {
	for _, n := range []string{"account-keyed-by-card", "agent-logs-small-payments", "agent-logs-no-payment"} {
		bankMutations[n] = true
	}
	offCardMutations["card-cert-names-holder"] = true
}
