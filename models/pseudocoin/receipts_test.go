package pseudocoin

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestReceiptsLeaveNoTrace: reading a payer's receipts checks each record
// as the desk would without the central bank tracing it (Receipts opened
// the escrow with Trace, which logs a trace line, until it used
// OpenEscrow).
func TestReceiptsLeaveNoTrace(t *testing.T) {
	in := modeltest.New(t, Scheme{}, 1, suite.Default()).(*Instance)
	a, b := world.PartyID("wallet-A"), world.PartyID("wallet-B")
	modeltest.MustFund(t, in, a, 1000)
	modeltest.MustPayClean(t, in, a, b, 230, 4)
	n := in.World().Trace().Len()
	if _, err := in.Receipts(a); err != nil {
		t.Fatal(err)
	}
	if m := in.World().Trace().Len(); m != n {
		t.Errorf("Receipts changed the trace: %d -> %d events (%+v)", n, m, in.World().Trace().Events()[n:])
	}
}
