package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestRefusalFraudNeedsThePayersRecord: an honest payee's honest REFUSE
// and any spend it ever signed, with a record the payer never signed that
// pays the payee under the refused challenge an output of the spend's
// parent serial, are no evidence against the payee (a reviewer's forgery:
// VerifyRefusalFraud took the record unsigned, until it checked it under
// the payer's certificate).
func TestRefusalFraudNeedsThePayersRecord(t *testing.T) {
	const a, b, c = world.PartyID("wallet-A"), world.PartyID("wallet-B"), world.PartyID("wallet-C")
	in := newInstanceSuite(t, 1, suite.Default())
	modeltest.MustFund(t, in, a, 1000)
	modeltest.MustFund(t, in, b, 1000)
	if err := in.Bank().Revoke(string(a)); err != nil {
		t.Fatal(err)
	}
	modeltest.MustReconcile(t, in, b)
	if p, _ := in.Pay(a, b, 230, nil); p.Received {
		t.Fatal("received")
	}
	st, err := in.state(a)
	if err != nil || len(st.Log) != 1 || len(st.Log[0].Refusal) == 0 {
		t.Fatalf("no refused entry: %v %+v", err, st)
	}
	refusal := st.Log[0].Refusal
	modeltest.MustPayClean(t, in, b, c, 100, 4) // the honest payee pays someone else
	bst, _ := in.state(b)
	spend, err := transfer.Parse(bst.Log[0].Records[0])
	if err != nil {
		t.Fatal(err)
	}
	challenge, _, _ := parseConfirm(refusal)
	payee := in.View(b).Presents
	fake := *spend
	payer := in.View(a).Presents
	fake.Payer, fake.Payee = payer, payee
	copy(fake.Challenge[:], challenge)
	fake.Outputs = []transfer.Output{{Serial: spend.Parent, Value: spend.ParentValue, Holder: payee}}
	cert, _ := in.cb.Certificate(payee)
	pc, _ := in.cb.Certificate(payer)
	ev := bank.RefusalFraud{Payee: payee, Refusal: bank.Refusal{PayeeCert: cert.Raw, PayerCert: pc.Raw, Data: refusal}, Record: fake.Marshal(), Spend: spend.Marshal()}
	if culprit, err := VerifyRefusalFraud(suite.Default(), in.cb.Root(), ev); err == nil {
		t.Errorf("forged evidence verified against honest payee %s", culprit)
	}
}
