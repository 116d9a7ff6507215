package chip

import "github.com/dualoffline/dualoffline/models"

// onlineMutants are the mutants of issue 13 that only a power cut in an
// online operation reaches (a wallet's write, or a bank's commit, in a
// withdrawal, a deposit or a reconciliation), each followed by the
// client's retry. (withdraw-journals-after-credit, a mutant of chain, is
// none here: a withdrawal that never reached the card returns to it as
// mail at the next reconciliation, so a journal written late loses
// nothing for a client that reconciles before it retries.)
func onlineMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("withdraw-retry-debits-again", "R5", "the agent bank serves every withdrawal request as new, so a client that retries after a lost reply or a power cut is debited twice"),
		m("refresh-without-journal", "R5", "the card's host exchanges long-lineage coins at reconciliation by handing them in and then withdrawing their value, without journalling the exchange first, so a power cut between the two leaves the value in the account instead of on the card"),
		m("deposit-retry-credits-again", "R5", "the agent bank credits a deposit presented again after a lost reply or a power cut a second time (the central bank redeems it once)"),
		m("withdraw-retry-new-request", "R5", "the card's client journals a withdrawal but presents it again after a lost reply or a power cut under a new request id, so the agent bank serves the retry as a second withdrawal"),
		m("deposit-restores-without-reply", "R5", "the card's client takes a deposit the bank did not answer for a refusal and puts the coins back on the card, although the bank may have credited them"),
		m("reconcile-clears-log-before-upload", "R5", "the card clears its payment log before the upload of its records has committed, so a power cut of the registry loses the record of where a payee's value went"),
	}
}

// The banks play onlineBankMutations; the card's host (the client)
// plays the rest, so no card mutant is among them.
var onlineBankMutations = []string{"withdraw-retry-debits-again", "deposit-retry-credits-again"}

func init() {
	for _, n := range onlineBankMutations {
		bankMutations[n] = true
	}
	for _, n := range []string{"withdraw-retry-new-request", "refresh-without-journal", "deposit-restores-without-reply", "reconcile-clears-log-before-upload"} {
		hostMutations[n] = true
	}
}

// clearLogEarly is reconcile-clears-log-before-upload: the log entries
// leave the card, in a write of their own, before the upload commits.
func (in *Instance) clearLogEarly(d Device, st *CardState) error {
	if !in.mutated("reconcile-clears-log-before-upload") || len(st.Log) == 0 {
		return nil
	}
	var keys []string
	for _, e := range st.Log {
		keys = append(keys, e.Key)
	}
	return d.Credit(nil, nil, keys)
}
