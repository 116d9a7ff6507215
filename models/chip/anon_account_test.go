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

// anonWitness names the documented causes only: the card's certificate or
// the coin's lineage, never an identity field or length and timing.
func TestAnonWitnessNamesItsCauses(t *testing.T) {
	w := anonWitness("which-payer game")
	head := "which-payer game: distinguisher %s was right in 20 of 20 trials (1.000, interval [0.589, 1.000] at z = 3.738, outside 1/2±0.05): it keyed on "
	for _, c := range []struct {
		dist, leak string
		want       bool
	}{
		{"equal-bytes", "9 windows …; longest: 87 bytes (48ce…) of message TRANSFER at byte 395, first seen in wallet-B's certificate", true},
		{"equal-bytes", "9 windows …; longest: 81 bytes (0000…) of message TRANSFER at byte 742, first seen in wallet-B's withdrawal registry record 779c6586", true},
		{"identity", "pseudonymous certificate subject card-2fa515b0c5d67bd1 in message TRANSFER at byte 179 (…)", true},
		{"serial-linkage", "serial f39b from withdrawal registry holding spent by record 779c6586, in message TRANSFER at byte 497 (…)", true},
		{"identity", "device id wallet-A in message TRANSFER at byte 179 (…)", false},
		{"identity", "account number card-2fa515b0c5d67bd1 in message TRANSFER at byte 179 (…)", false},
		{"equal-bytes", "9 windows …; longest: 9 bytes (0000) of message TRANSFER at byte 12, first seen in wallet-B's certificate", false},
		{"length-timing", "412 bytes in 4 messages, in message TRANSFER", false},
		{"counter-linkage", "INTEGER 3977568 (DER, 3 bytes) in message TRANSFER at byte 12 (…), 1 from wallet-B's latest 3977567, in wallet-B's upload registry record 779c6586", false},
	} {
		msg := fmt.Sprintf(head, c.dist) + c.leak
		if got := w.Matches(msg); got != c.want {
			t.Errorf("witness matches %q = %v, want %v", msg, got, c.want)
		}
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
