package chain

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/spec"
)

// refusalOf stages an insider payment of kind by wallet-A to wallet-B,
// reconciles everyone and returns the one piece of evidence the nodes
// published.
func refusalOf(t *testing.T, kind models.InsiderKind, amount int64) (*Instance, bank.DoubleSpend) {
	t.Helper()
	in := newScheme(t, Scheme{})
	mustFund(t, in, "wallet-A", 100)
	mustFund(t, in, "wallet-C", 200)
	if err := in.Insider("wallet-A", models.InsiderPlan{Kind: kind, Other: "wallet-C"}); err != nil {
		t.Fatal(err)
	}
	if p, err := in.Pay("wallet-A", "wallet-B", amount, nil); err != nil || !p.Received {
		t.Fatalf("insider %s: %+v %v", kind, p, err)
	}
	in.Insider("wallet-A", models.InsiderPlan{})
	mustReconcile(t, in, "wallet-B", "wallet-A", "wallet-C")
	ds := in.DoubleSpends()
	if len(ds) != 1 {
		t.Fatalf("insider %s: %d flags, want 1", kind, len(ds))
	}
	return in, ds[0]
}

// TestRefusalEvidence: the nodes refuse an insider payment whose sealed
// inputs are wrong and publish evidence that names the insider and
// verifies with the root alone; framed variants of it do not verify.
func TestRefusalEvidence(t *testing.T) {
	for kind, amount := range map[models.InsiderKind]int64{models.InsiderWrongSum: 200, models.InsiderDuplicateInput: 200, models.InsiderNotOwned: 200, models.InsiderOtherPayee: 100} {
		t.Run(string(kind), func(t *testing.T) {
			in, d := refusalOf(t, kind, amount)
			if got, err := in.VerifyEvidence(d); err != nil || got != in.Names["wallet-A"] {
				t.Fatalf("evidence names %q (%v), want %q", got, err, in.Names["wallet-A"])
			}
			bcert := in.bb.dir.byID[in.Names["wallet-B"]]
			as, err := parseAttestations(d.RecordB)
			if err != nil {
				t.Fatal(err)
			}
			framings := map[string]func(*bank.DoubleSpend){
				"another accused": func(e *bank.DoubleSpend) { e.CulpritCert = bcert.Raw },
				"transfer altered": func(e *bank.DoubleSpend) {
					e.HoldingA = append(bytes.Clone(e.HoldingA[:len(e.HoldingA)-1]), e.HoldingA[len(e.HoldingA)-1]^1)
				},
				"another coin":    func(e *bank.DoubleSpend) { e.Coin.Serial[15] ^= 1 },
				"one node signed": func(e *bank.DoubleSpend) { e.RecordB = marshalAttestations(as[:1]) },
				"one node twice":  func(e *bank.DoubleSpend) { e.RecordB = marshalAttestations([]attestation{as[0], as[0], as[0]}) },
				"refusal altered": func(e *bank.DoubleSpend) {
					e.HoldingB = append(bytes.Clone(e.HoldingB[:len(e.HoldingB)-1]), e.HoldingB[len(e.HoldingB)-1]^1)
				},
				"no attestations": func(e *bank.DoubleSpend) { e.RecordB = nil },
				"payer's cert signs": func(e *bank.DoubleSpend) {
					e.RecordB = marshalAttestations([]attestation{{cert: e.CulpritCert, sig: as[0].sig}})
				},
			}
			// The majority is the verifier's count: evidence signed by 3
			// nodes is no majority of a consortium of 7, whatever the
			// refusal says.
			if got, err := VerifyEvidence(in.bb.s, in.cb.Root(), 7, d); err == nil {
				t.Errorf("refusal evidence of a 4-node consortium verifies for one of 7, naming %q", got)
			}
			for name, frame := range framings {
				e := d
				frame(&e)
				if got, err := in.VerifyEvidence(e); err == nil {
					t.Errorf("%s: framed evidence verifies, naming %q", name, got)
				} else if c := spec.CodeOf(err); !c.Known() || c == spec.CodeInternal {
					t.Errorf("%s: untyped refusal: %v", name, err)
				}
			}
		})
	}
}

func init() {
	mutantScenarios["refusal-names-payee"] = func(t *testing.T, in *Instance) []string {
		var obs []string
		for _, d := range in.insiderFlags(t) {
			who, err := in.VerifyEvidence(d)
			obs = append(obs, d.Culprit+" "+who+" "+errString(err))
		}
		return obs
	}
	mutantScenarios["unknown-coin-waits"] = func(t *testing.T, in *Instance) []string {
		mustFund(t, in, "wallet-A", 100)
		if err := in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptStorage, Value: 500}); err != nil {
			t.Fatal(err)
		}
		obs := payObs(in, "wallet-A", "wallet-B", 300, nil)
		mustReconcile(t, in, "wallet-A", "wallet-B")
		for _, d := range in.DoubleSpends() {
			obs = append(obs, "flag names "+d.Culprit)
		}
		return obs
	}
}

func (in *Instance) insiderFlags(t *testing.T) []bank.DoubleSpend {
	mustFund(t, in, "wallet-A", 100)
	if err := in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderWrongSum}); err != nil {
		t.Fatal(err)
	}
	payObs(in, "wallet-A", "wallet-B", 200, nil)
	in.Insider("wallet-A", models.InsiderPlan{})
	mustReconcile(t, in, "wallet-B", "wallet-A")
	return in.DoubleSpends()
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestRefusalEvidenceBitFlips: every single bit flip of the refusal or the
// attestations is refused with a typed error (or, for a flip that leaves
// the Refusal a valid statement, by a signature that no longer verifies),
// never a panic.
func TestRefusalEvidenceBitFlips(t *testing.T) {
	in, d := refusalOf(t, models.InsiderWrongSum, 200)
	for _, field := range []string{"refusal", "attestations"} {
		src := d.HoldingB
		if field == "attestations" {
			src = d.RecordB
		}
		step := 1
		if testing.Short() {
			step = 7
		}
		for i := 0; i < len(src)*8; i += step {
			b := bytes.Clone(src)
			b[i/8] ^= 1 << (i % 8)
			e := d
			if field == "attestations" {
				e.RecordB = b
			} else {
				e.HoldingB = b
			}
			if got, err := in.VerifyEvidence(e); err == nil {
				t.Fatalf("%s bit %d flipped: evidence verifies, naming %q", field, i, got)
			} else if c := spec.CodeOf(err); !c.Known() || c == spec.CodeInternal {
				t.Fatalf("%s bit %d flipped: untyped refusal: %v", field, i, err)
			}
		}
	}
}

// TestRefusalOtherPayeeNeedsIt: master nodes' signatures on an
// other-payee refusal of an honest payment, whose transfer names its
// clear payee, do not make evidence against its payer.
func TestRefusalOtherPayeeNeedsIt(t *testing.T) {
	in := newScheme(t, Scheme{})
	mustFund(t, in, "wallet-A", 100)
	if p, err := in.Pay("wallet-A", "wallet-B", 100, nil); err != nil || !p.Received {
		t.Fatalf("honest payment: %+v %v", p, err)
	}
	var raw []byte
	for _, e := range in.Own["wallet-A"].out {
		raw = e.Payment
	}
	pay, err := ParsePayment(raw)
	if err != nil {
		t.Fatal(err)
	}
	c, err := in.bb.check(&Tx{Payment: pay})
	if err != nil {
		t.Fatal(err)
	}
	ev := in.refusalEvidence(&invalidSpend{c: c, coin: c.transfer.Inputs[0], reason: ReasonOtherPayee})
	if got, err := in.VerifyEvidence(ev); err == nil {
		t.Fatalf("other-payee evidence against an honest payment verifies, naming %q", got)
	} else if spec.CodeOf(err) != spec.CodeWrongRecipient {
		t.Errorf("refused with %v, want wrong-recipient", err)
	}
}
