package chain

import "github.com/dualoffline/dualoffline/models"

// onlineMutants are the mutants of issue 13 that only a power cut in an
// online operation reaches (a wallet's write, the agent bank's commit, or
// a master node's write, in a withdrawal or a reconciliation), each
// followed by the client's retry.
func onlineMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("withdraw-journals-after-credit", "R5", "the wallet's client persists the withdrawal's request id only once the coins are synced, so after a power cut its retry is a new withdrawal"),
		m("upload-no-reply-is-refusal", "R5", "the wallet takes a payment its master node did not answer at upload, because the node lost power, for a payment the node refused, and voids it"),
		m("gossip-skips-restarted-node", "R5", "master nodes gossip only when something new arrived, so a node that lost power while receiving a block and restarted without it is never sent it again, and what it holds for its wallets stays short of k confirmations"),
	}
}

// onlineBankMutations are the online mutants the banks play.
var onlineBankMutations = map[string]bool{"withdraw-retry-debits-again": true}
