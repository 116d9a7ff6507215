package chip_test

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// A double-spent coin whose first branch reaches the registry only inside
// the lineage of an onward spend (its payee paid it on before
// reconciling) is still flagged: the registry registers the records a
// holding carries, not only the record uploaded. Found by `dualoffline
// check --seeds 1..20` (R2.7 at seed 18): with a 6-fen wallet paying 1 fen
// twice after a rollback, both spends split the same 5-fen coin into the
// same child serials and nothing was flagged.
func TestDoubleSpendSeenInOnwardLineage(t *testing.T) {
	w := world.New(2)
	in, err := chip.Scheme{}.New(w, models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ws := in.Wallets()
	a, b, c := ws[0], ws[1], ws[2]
	modeltest.MustFund(t, in, a, 6)
	snap := in.Snapshot(a)
	pay := func(p, q world.PartyID) {
		t.Helper()
		if r, err := in.Pay(p, q, 1, nil); err != nil || !r.Received {
			t.Fatalf("pay %s → %s: %+v %v", p, q, r, err)
		}
	}
	pay(a, b)           // the first branch
	in.Restore(a, snap) // rolled back, a pays the same coin again
	pay(a, c)           // the second branch
	pay(b, c)           // b pays the first branch's coin on before reconciling
	for _, x := range []world.PartyID{a, b, c, a, b, c} {
		if err := in.Reconcile(x); err != nil {
			t.Fatalf("reconcile %s: %v", x, err)
		}
	}
	ds := in.Ledger().DoubleSpends
	if len(ds) != 1 || ds[0].Culprit != in.View(a).Identity {
		t.Fatalf("double spends %v, want one naming %s", ds, in.View(a).Identity)
	}
}
