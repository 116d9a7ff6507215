package chain

// onlineBankMutations are the online mutants the banks play.
var onlineBankMutations = map[string]bool{"withdraw-retry-debits-again": true}
