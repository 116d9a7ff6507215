package chain

import "github.com/dualoffline/dualoffline/models"

// sourceMutants are the mutants of issue 15: each undoes one repair that
// brought the model back to its source or made a documented model
// departure pass.
func sourceMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		m("unknown-coin-waits", "R4", "master nodes keep a payment spending a coin no transaction created waiting for that coin, even after its payer uploaded its whole log, so the wallet whose storage was edited is never named"),
		m("refusal-names-payee", "R5", "when the master nodes refuse a payment for its sealed transfer, their evidence names its payee (the wallet that uploaded it and stands to gain) instead of the payer who signed it"),
		m("mint-lumps-holdings", "R6", "master nodes book a mint transaction as one output of its holdings' total, as for an ordinary deposit, instead of one output per issued coin, so an output's value is no longer that of the issued coin it stands for"),
		m("node-dates-by-payer-clock", "R1", "master nodes date a revoked payer's payment by the time the payer wrote into it, so a payer that sets its clock back has a payment made after its revocation, which its payee refused, settle on its own upload"),
		m("node-ignores-revocation", "R1", "master nodes check the payer's certificate against the root only, not the revocation list, so a payment a revoked payer made after its revocation settles on its own upload although its payee refused it"),
	}
}

// lumpMint is what mint-lumps-holdings makes of a mint: one output of the
// holdings' total.
func lumpMint(c *checked) []Output {
	var sum int64
	for _, v := range c.mintVals {
		sum += v
	}
	return []Output{{Value: sum, Owner: c.tx.Mint.Owner}}
}
