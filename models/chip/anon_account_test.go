package chip

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
)

// The holder's account stays under its registered id, which no payment
// carries; the agent bank logs against it only the records of payments
// above T (R3.3, R3.6).
func TestAccountUnderHolderLogOnlyLarge(t *testing.T) {
	in := newInstance(t, 3)
	if got := in.agent.Accounts(); len(got) == 0 || got[0] != "wallet-A" {
		t.Fatalf("agent accounts %v: want them under the holders' ids", got)
	}
	modeltest.MustFund(t, in, "wallet-A", 3*models.DefaultThreshold)
	pay := func(amount int64) {
		t.Helper()
		if p, err := in.Pay("wallet-A", "wallet-B", amount, nil); err != nil || !p.Received {
			t.Fatalf("pay %d: %+v %v", amount, p, err)
		}
		modeltest.MustReconcile(t, in, "wallet-A")
	}
	pay(models.DefaultThreshold)
	if log := in.AgentView("wallet-A"); len(log) != 0 {
		t.Errorf("after a payment of T the agent log holds %q: want nothing", log[0].Bytes)
	}
	pay(models.DefaultThreshold + 1)
	log := in.AgentView("wallet-A")
	if len(log) != 1 || !bytes.HasPrefix(log[0].Bytes, []byte("account wallet-A ")) {
		t.Errorf("after a payment of T+1 the agent log is %v: want one entry naming account wallet-A", log)
	}
	if v := in.View("wallet-A"); v.AccountID != "wallet-A" || v.Presents == "wallet-A" {
		t.Errorf("View account %q presents %q: want the account under wallet-A and a pseudonym presented", v.AccountID, v.Presents)
	}
}

func init() {
	// What the agent bank keeps of a small and a large payment's upload,
	// and the account the card draws on.
	anon := func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 3*models.DefaultThreshold)
		var out []string
		for _, amount := range []int64{models.DefaultThreshold, models.DefaultThreshold + 1} {
			modeltest.PayObs(in, "wallet-A", "wallet-B", amount, nil)
			modeltest.MustReconcile(t, in, "wallet-A")
			out = append(out, fmt.Sprintf("after %d fen: %d agent log entries", amount, len(in.AgentView("wallet-A"))))
		}
		return append(out, "account "+in.agent.AccountOf(in.Names["wallet-A"]), "presents "+in.Names["wallet-A"])
	}
	for _, m := range []string{"account-keyed-by-card", "agent-logs-small-payments", "agent-logs-no-payment", "card-cert-names-holder"} {
		mutantScenarios[m] = anon
	}
}
