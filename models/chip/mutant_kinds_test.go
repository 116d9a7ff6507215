package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

func init() {
	// The last bit of CONFIRM's first field, the challenge: the reference
	// refuses the acknowledgement (the payer stays unacknowledged), the
	// mutant takes it.
	mutantScenarios["confirm-matches-challenge-short"] = func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 1000)
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultFieldFlip, Arg: 16 * 127}})
	}
}
