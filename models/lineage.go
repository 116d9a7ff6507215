package models

import "github.com/dualoffline/dualoffline/spec/transfer"

// LineageKeeper is implemented by schemes that keep a coin's lineage
// elsewhere than in the central bank's registry (bank.Registry): the chain
// keeps it in its transactions. Lineage returns the issued coins, as the
// agent banks handed them out (holdings that bank.Registry.VerifyHolding
// checks back to issuance), that the held coin coinID (as View names it)
// descends from, in a stable order; an error if the scheme knows no such
// coin.
type LineageKeeper interface {
	Lineage(coinID string) ([]*transfer.Holding, error)
}
