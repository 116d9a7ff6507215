package chain

import "github.com/dualoffline/dualoffline/models"

// onlineMutants are the mutants of issue 13 that only a power cut in an
// online operation reaches (a wallet's write, or the agent bank's commit,
// in a withdrawal), each followed by the client's retry.
func onlineMutants(m func(name, breaks, doc string) models.Mutant) []models.Mutant {
	return []models.Mutant{
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("withdraw-journals-after-credit", "R5", "the wallet's client persists the withdrawal's request id only once the coins are synced, so after a power cut its retry is a new withdrawal"),
	}
}

// onlineBankMutations are the online mutants the banks play.
var onlineBankMutations = map[string]bool{"withdraw-retry-debits-again": true}
