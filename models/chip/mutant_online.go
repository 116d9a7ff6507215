package chip

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
