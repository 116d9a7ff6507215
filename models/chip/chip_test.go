package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

func newInstance(t testing.TB, seed uint64) *Instance {
	t.Helper()
	w := world.New(seed)
	in, err := Scheme{}.New(w, models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return in.(*Instance)
}

func TestPaymentHappyPath(t *testing.T) {
	in := newInstance(t, 1)
	modeltest.MustFund(t, in, "wallet-A", 1000)
	modeltest.MustPayClean(t, in, "wallet-A", "wallet-B", 230, 4)
	a, b := in.View("wallet-A"), in.View("wallet-B")
	if a.Offline() != 770 || b.Offline() != 230 {
		t.Fatalf("balances A %d B %d, want 770 230", a.Offline(), b.Offline())
	}
	// B pays onward (value received offline is spendable like cash).
	if _, err := in.Pay("wallet-B", "wallet-C", 100, nil); err != nil {
		t.Fatal(err)
	}
	if c := in.View("wallet-C"); c.Offline() != 100 {
		t.Fatalf("C holds %d", c.Offline())
	}
	for _, id := range in.Wallets() {
		modeltest.MustReconcile(t, in, id)
	}
	if ds := in.Ledger().DoubleSpends; len(ds) != 0 {
		t.Fatalf("honest run flagged: %v", ds)
	}
}
