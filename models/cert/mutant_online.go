package cert

import "github.com/dualoffline/dualoffline/models"

// onlineMutants are the mutants of issue 13 that only a power cut in an
// online operation reaches (a wallet's write, or a bank's commit, in a
// withdrawal or a deposit), each followed by the client's retry.
// (withdraw-journals-after-credit, a mutant of chain, is none here: a
// withdrawal that never reached the SIM returns to it as mail at the next
// reconciliation, so a journal written late loses nothing for a client
// that reconciles before it retries.)
func onlineMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("refresh-without-journal", "R5", "the phone's client exchanges long-lineage coins at reconciliation by handing them in and then withdrawing their value, without journalling the exchange first, so a power cut between the two leaves the value in the account instead of on the SIM"),
		m("deposit-retry-credits-again", "R5", "the agent bank credits a deposit presented again after a lost reply or a power cut a second time (the central bank redeems it once)"),
		m("withdraw-retry-new-request", "R5", "the phone's client journals a withdrawal but presents it again after a lost reply or a power cut under a new request id, so the agent bank serves the retry as a second withdrawal"),
	}
}

func init() {
	bankMutations["withdraw-retry-debits-again"] = true
	bankMutations["deposit-retry-credits-again"] = true
	instanceMutations["withdraw-retry-new-request"] = true
	instanceMutations["refresh-without-journal"] = true
}
