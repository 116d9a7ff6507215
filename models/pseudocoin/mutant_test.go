package pseudocoin

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// payRecord pays and returns the record the payee stored.
func payRecord(t *testing.T, in *Instance, from, to world.PartyID, v int64) *Record {
	t.Helper()
	r, err := ParseRecord(modeltest.PaidPayload(t, in.w, in, from, to, v, msgPay))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// opened reports what the merchant and the agent bank open in a record.
func opened(in *Instance, merchant world.PartyID, r *Record) []string {
	var out []string
	for _, o := range in.AdversaryOpen(merchant, r.Marshal()) {
		out = append(out, o.Label)
	}
	return out
}

var mutantScenarios = map[string]func(t *testing.T, in *Instance) []string{
	mutantEscrowFixed: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		r1 := payRecord(t, in, "wallet-A", "wallet-B", 100)
		r2 := payRecord(t, in, "wallet-A", "wallet-C", 200)
		return []string{fmt.Sprintf("escrows share bytes 8..40 (the ephemeral point): %v", bytes.Equal(r1.Escrow[8:40], r2.Escrow[8:40]))}
	},
	mutantEscrowToPayee: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		return opened(in, "wallet-B", payRecord(t, in, "wallet-A", "wallet-B", 100))
	},
	mutantEscrowToAgent: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		return opened(in, "wallet-B", payRecord(t, in, "wallet-A", "wallet-B", 100))
	},
	mutantUploadClear: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		payRecord(t, in, "wallet-A", "wallet-B", 100)
		modeltest.MustReconcile(t, in, "wallet-A")
		var out []string
		for _, o := range in.AgentView("wallet-A") {
			out = append(out, fmt.Sprintf("%s names wallet-A: %v", o.Label, bytes.Contains(o.Bytes, []byte("wallet-A"))))
		}
		return out
	},
	mutantMintClear: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		var out []string
		for _, o := range in.AgentView("wallet-A") {
			_, reqErr := ParseMintRequest(o.Bytes)
			_, _, replyErr := ParseMintReply(o.Bytes)
			out = append(out, fmt.Sprintf("%s reads as a mint request: %v, as a reply: %v", o.Label, reqErr == nil, replyErr == nil))
		}
		return out
	},
	mutantLargeNotLogged: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		payRecord(t, in, "wallet-A", "wallet-B", models.DefaultThreshold+1)
		modeltest.MustReconcile(t, in, "wallet-A")
		var out []string
		for _, o := range in.AgentView("wallet-A") {
			out = append(out, o.Label)
		}
		return out
	},
	mutantTrustEscrow: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		if err := in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptEscrowOther, Other: "wallet-C"}); err != nil {
			t.Fatal(err)
		}
		payRecord(t, in, "wallet-A", "wallet-B", 100)
		mark := in.w.Trace().Len()
		modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
		var out []string
		for _, e := range in.w.Trace().Events()[mark:] {
			if e.Kind == world.KindOnline && e.Code != "" {
				out = append(out, fmt.Sprintf("refused %s from %s: %s", e.Type, e.From, e.Code))
			}
		}
		for _, tr := range in.TraceReceived("wallet-B") {
			out = append(out, "traced to "+tr.Payer)
		}
		return out
	},
	mutantNoSeen: func(t *testing.T, in *Instance) []string {
		return modeltest.RepeatedToPayee(t, in, modeltest.PayObs, 900, nil)
	},
	mutantNoDoubleCheck: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		clone := modeltest.MustClone(t, in, "wallet-A")
		payRecord(t, in, "wallet-A", "wallet-B", 100)
		payRecord(t, in, clone, "wallet-C", 100)
		modeltest.MustReconcile(t, in, "wallet-B", "wallet-C")
		return []string{fmt.Sprintf("%d double spends flagged", len(in.Ledger().DoubleSpends))}
	},
	mutantNoInputSig: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 100000)
		// A bit of the input key's signature (the PAY's last bytes)
		// flips: two full bundles, so both PAYs have the same shape.
		n := len(payRecord(t, in, "wallet-A", "wallet-B", 100).Marshal())
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultBitFlip, Arg: (n - 30) * 8}})
	},
	mutantNoDeskSig: func(t *testing.T, in *Instance) []string {
		if err := in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptForgedCoin, Value: 500}); err != nil {
			t.Fatal(err)
		}
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 500, nil)
	},
	mutantNoInvoiceCert: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		if err := in.Corrupt("wallet-B", models.Corruption{Kind: models.CorruptSelfSignedCert}); err != nil {
			t.Fatal(err)
		}
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)
	},
	mutantNoRecordRules: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 100)
		if err := in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptForgedLineage, Value: 400}); err != nil {
			t.Fatal(err)
		}
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 500, nil)
	},
	mutantRefundEarly: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)
		modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
		return append(obs, fmt.Sprintf("after reconciliation A worth %d, B worth %d", in.View("wallet-A").Offline()+in.View("wallet-A").Account, in.View("wallet-B").Offline()+in.View("wallet-B").Account))
	},
	mutantNoRefund: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultDrop}})
		modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
		return append(obs, fmt.Sprintf("after reconciliation A worth %d", in.View("wallet-A").Offline()+in.View("wallet-A").Account))
	},
	mutantLimitsNotReset: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 50000, nil)
		modeltest.MustReconcile(t, in, "wallet-A")
		return append(obs, modeltest.PayObs(in, "wallet-A", "wallet-B", 100, nil)...)
	},
	mutantLargeAtT: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		payRecord(t, in, "wallet-A", "wallet-B", models.DefaultThreshold)
		modeltest.MustReconcile(t, in, "wallet-A")
		var out []string
		for _, o := range in.AgentView("wallet-A") {
			out = append(out, o.Label)
		}
		return out
	},
	mutantChangeStable: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		r1 := payRecord(t, in, "wallet-A", "wallet-B", 100)
		r2 := payRecord(t, in, "wallet-A", "wallet-C", 200)
		return []string{fmt.Sprintf("the two records pay their change to one key: %v", bytes.Equal(r1.ChangeKey, r2.ChangeKey))}
	},
	mutantEscrowToDesk: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		payRecord(t, in, "wallet-A", "wallet-B", 100)
		modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
		return []string{fmt.Sprintf("%d records traced, wallet-B worth %d", len(in.TraceReceived("wallet-B")), in.View("wallet-B").Offline()+in.View("wallet-B").Account)}
	},
	mutantTraceMinter: func(t *testing.T, in *Instance) []string {
		// wallet-C withdraws and pays wallet-A, which pays wallet-B with
		// that value: the trace must name wallet-A, not wallet-C.
		modeltest.MustFund(t, in, "wallet-C", 900)
		payRecord(t, in, "wallet-C", "wallet-A", 500)
		payRecord(t, in, "wallet-A", "wallet-B", 300)
		modeltest.MustReconcile(t, in, "wallet-A", "wallet-B")
		var payers []string
		for _, tr := range in.TraceReceived("wallet-B") {
			payers = append(payers, tr.Payer)
		}
		return payers
	},
	mutantPayRemainder: func(t *testing.T, in *Instance) []string {
		// One full bundle and a remainder of 40000 fen: a payment of 100
		// spends the full one, whose value says nothing of the payer.
		modeltest.MustFund(t, in, "wallet-A", 90000)
		r := payRecord(t, in, "wallet-A", "wallet-B", 100)
		return []string{fmt.Sprintf("the record spends %d fen", r.InputValue())}
	},
	mutantFirstInputSig: func(t *testing.T, in *Instance) []string {
		// A payment spending a bundle and a received holding; a bit of
		// the second input's signature flips (a field-bit fault on the
		// PAY's field 11, "PAY signature 1": fields).
		modeltest.MustFund(t, in, "wallet-A", 1000)
		modeltest.MustFund(t, in, "wallet-C", 1000)
		payRecord(t, in, "wallet-C", "wallet-A", 600)
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 1300, world.Plan{{Step: 3, Kind: world.FaultFieldFlip, Arg: 11 + 16*301}})
	},
	mutantSeenFirstInput: func(t *testing.T, in *Instance) []string {
		// A clone repeats a payment with a holding the payee never saw
		// as the record's first input and the repeated bundle second.
		modeltest.MustFund(t, in, "wallet-A", 300)
		modeltest.MustFund(t, in, "wallet-C", 600)
		payRecord(t, in, "wallet-C", "wallet-A", 600)
		clone := modeltest.MustClone(t, in, "wallet-A")
		payRecord(t, in, "wallet-A", "wallet-B", 200)
		return modeltest.PayObs(in, clone, "wallet-B", 800, nil)
	},
	mutantSeenLastInput: func(t *testing.T, in *Instance) []string {
		// A clone repeats a payment of received value together with a
		// bundle the payee never saw: the repeated holding is not the
		// record's last input.
		modeltest.MustFund(t, in, "wallet-C", 600)
		payRecord(t, in, "wallet-C", "wallet-A", 600)
		clone := modeltest.MustClone(t, in, "wallet-A")
		payRecord(t, in, "wallet-A", "wallet-B", 600)
		modeltest.MustFund(t, in, clone, 300)
		return modeltest.PayObs(in, clone, "wallet-B", 900, nil)
	},
	mutantDoubleFirstInput: func(t *testing.T, in *Instance) []string {
		// The clone spends the bundle again after a holding only it was
		// paid: the record's second input is the one spent twice.
		modeltest.MustFund(t, in, "wallet-A", 1000)
		clone := modeltest.MustClone(t, in, "wallet-A")
		payRecord(t, in, "wallet-A", "wallet-B", 1000)
		modeltest.MustFund(t, in, "wallet-C", 500)
		payRecord(t, in, "wallet-C", clone, 500)
		payRecord(t, in, clone, "wallet-C", 1500)
		modeltest.MustReconcile(t, in, "wallet-A", clone)
		return []string{fmt.Sprintf("%d double spends flagged", len(in.Ledger().DoubleSpends))}
	},
	mutantRefundTwice: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 900)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 100, world.Plan{{Step: 3, Kind: world.FaultDrop}})
		// The payee renounces the key first; the payer's upload then clears
		// the record and settles it (more than once on the desk's path).
		modeltest.MustReconcile(t, in, "wallet-B", "wallet-A")
		return append(obs, fmt.Sprintf("after reconciliations A worth %d", in.View("wallet-A").Offline()+in.View("wallet-A").Account))
	},
	mutantCumulativeBefore: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		obs := modeltest.PayObs(in, "wallet-A", "wallet-B", 30000, nil)
		return append(obs, modeltest.PayObs(in, "wallet-A", "wallet-B", 20001, nil)...)
	},
	mutantNoLimits: func(t *testing.T, in *Instance) []string {
		modeltest.MustFund(t, in, "wallet-A", 90000)
		return modeltest.PayObs(in, "wallet-A", "wallet-B", 50001, nil)
	},
}

// Every mutant behaves observably differently from the reference in a
// short run that shows its bug.
func TestMutantsObservable(t *testing.T) {
	modeltest.MutantsObservable(t, Mutants(), mutantScenarios, func(t *testing.T, mutation string) *Instance {
		return modeltest.New(t, Scheme{mutation: mutation}, 3, suite.Default()).(*Instance)
	})
}
