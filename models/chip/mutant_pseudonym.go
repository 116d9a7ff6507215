package chip

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/devcert"
)

// pseudonymMutants are the mutants of the per-coin pseudonyms and the
// central bank's desk (pseudonym.go): each lets merchant and agent bank
// link a card's payments again, through a pseudonym reused, a lineage
// that names the card, or pseudonyms the agent bank gets to see.
func pseudonymMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("desk-reuses-pseudonym", "R3", "the central bank's desk hands every coin a card withdraws or exchanges to the card's first fresh pseudonym instead of one pseudonym per coin, so the card's payments present the same pseudonym and key"),
		m("sync-uploads-handovers", "R3", "reconciliation uploads the last hop of every coin the card holds, the desk's hand-overs included, so the agent bank that forwards them sees the serial and pseudonym of every coin the card will spend"),
		m("transfer-presents-card-cert", "R3", "the payer card puts its own base certificate in TRANSFER's payer field and its per-coin pseudonyms' among the lineage certificates, so every payment carries the card's one certificate"),
		m("pseudonyms-sent-in-clear", "R3", "the central bank sends the certificates of a card's new pseudonyms through the agent bank unsealed, so the agent bank logs which pseudonyms belong to which account"),
	}
}

func init() {
	bankMutations["desk-reuses-pseudonym"] = true
	bankMutations["pseudonyms-sent-in-clear"] = true
	bankMutations["sync-uploads-handovers"] = true
}

// reusedPseudonym is what desk-reuses-pseudonym hands the next coin to:
// the first of the card's fresh pseudonyms, left in the queue.
func (in *Instance) reusedPseudonym(holder string) (string, bool) {
	if !in.mutated("desk-reuses-pseudonym") || len(in.fresh[holder]) == 0 {
		return "", false
	}
	return in.fresh[holder][0], true
}

// logPseudonyms is pseudonyms-sent-in-clear: the agent bank logs the
// certificates of the pseudonyms certified for the account.
func (in *Instance) logPseudonyms(wallet world.PartyID, account string, certs []*devcert.Certificate) {
	if !in.mutated("pseudonyms-sent-in-clear") || len(certs) == 0 {
		return
	}
	b := fmt.Appendf(nil, "pseudonyms for account %s:", account)
	for _, c := range certs {
		b = append(b, c.Raw...)
	}
	in.logAgent(wallet, "pseudonym delivery", b)
}
