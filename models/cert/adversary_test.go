package cert

import (
	"bytes"
	"testing"
	"time"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// tamperFaults lists, for a payment of the given number of steps, the
// substitution of every field of every message, and at every step a bit
// flip, a truncation, an extension, a replay from an earlier session, a
// duplicate and a redirection to a third wallet.
func tamperFaults(steps int) []world.Fault { return modeltest.TamperFaults(steps, 8, 131) }

func tamperSetup(t *testing.T, v Variant) *Instance {
	in := newInstance(t, 3, v)
	for _, w := range []world.PartyID{"wallet-A", "wallet-C"} {
		modeltest.MustFund(t, in, w, 1000)
	}
	// Earlier sessions for the replay pool: C pays A, A pays C.
	for _, p := range [][2]world.PartyID{{"wallet-C", "wallet-A"}, {"wallet-A", "wallet-C"}} {
		if pay, err := in.Pay(p[0], p[1], 50, nil); err != nil || !pay.Received {
			t.Fatalf("%v: %+v %v", p, pay, err)
		}
	}
	return in
}

// R1.1, R1.2, R1.5 for cert: tampering with any field of any message of a
// payment (and bit flips, truncation, extension, replay from an earlier
// session, duplication, redirection) never creates or destroys value: after
// both phones reconcile, both are in the pre-state or both in the
// post-state, every refusal is typed, and nothing is flagged.
func TestTamperEveryField(t *testing.T) {
	t.Parallel()
	clean, _ := tamperSetup(t, Recovering).Pay("wallet-A", "wallet-B", 230, nil)
	refusals := modeltest.TamperEveryField(t, func(t *testing.T) models.Instance { return tamperSetup(t, Recovering) },
		func(in models.Instance, w world.PartyID) int64 { return total(in.(*Instance), w) }, tamperFaults(clean.Outcome.Steps))
	// The refusals exercise the checks, not one catch-all. (The payer's
	// signature covers the sealed coins and is checked first, as the
	// patent orders it, so tampering never reaches the seal.)
	for _, c := range []spec.Code{spec.CodeMalformed, spec.CodeUnknownVersion, spec.CodeBadSignature, spec.CodeReplay} {
		if refusals[c] == 0 {
			t.Errorf("no tampering was refused with %s (refusals: %v)", c, refusals)
		}
	}
}

// The same faults on cert-literal: every refusal is typed and no value is
// ever created; the only way value goes missing is the documented gap.
func TestTamperEveryFieldLiteral(t *testing.T) {
	t.Parallel()
	clean, _ := tamperSetup(t, Literal).Pay("wallet-A", "wallet-B", 230, nil)
	for _, f := range tamperFaults(clean.Outcome.Steps) {
		in := tamperSetup(t, Literal)
		a0, b0 := total(in, "wallet-A"), total(in, "wallet-B")
		p, err := in.Pay("wallet-A", "wallet-B", 230, world.Plan{f})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Outcome.Rejections {
			if c := spec.CodeOf(r.Err); c == spec.CodeInternal || !c.Known() {
				t.Fatalf("%v: step %d: %s refused %s with an untyped error: %v", f, r.Step, r.Party, r.Type, r.Err)
			}
		}
		for _, w := range []world.PartyID{"wallet-A", "wallet-B", "wallet-C"} {
			modeltest.MustReconcile(t, in, w)
		}
		checkAccounted(t, in, f.String())
		da, db, lost := total(in, "wallet-A")-a0, total(in, "wallet-B")-b0, in.Audit().Lost
		ok := da == 0 && db == 0 && lost == 0 || da == -230 && db == 230 && lost == 0 || da == -230 && db == 0 && lost == 230
		if !ok {
			t.Fatalf("%v: payer moved %d, payee %d, %d lost", f, da, db, lost)
		}
	}
}

// capture runs a clean payment with endpoints that record every message
// and returns the payloads by type.
func capture(t testing.TB, in *Instance, payer, payee world.PartyID, amount int64) map[string][]byte {
	t.Helper()
	p, q := in.Own[payer], in.Own[payee]
	start, err := q.StartPayee(payer, amount)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{start.Type: start.Payload}
	rec := func(ep world.Endpoint) world.Endpoint {
		return func(m world.Message) ([]world.Message, error) {
			out, err := ep(m)
			for _, r := range out {
				got[r.Type] = r.Payload
			}
			return out, err
		}
	}
	out := in.World().RunSession(&world.Session{
		Channel:   world.NearField,
		Start:     []world.Message{start},
		Endpoints: map[world.PartyID]world.Endpoint{payer: rec(p.payerEndpoint), payee: rec(q.payeeEndpoint)},
	})
	if len(out.Rejections) > 0 || len(got) != 6 {
		t.Fatalf("captured payment: %+v", out)
	}
	q.payee, p.payers = nil, map[string]*payerSession{}
	return got
}

// Garbage on the wire, and valid messages out of place, are refused with a
// typed error by both roles of both variants, and change no device.
func TestGarbageRefused(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 3, v)
			in.Fund("wallet-A", 1000)
			in.Fund("wallet-C", 1000)
			msgs := capture(t, in, "wallet-C", "wallet-B", 120)
			junk := [][]byte{nil, {0x30}, {0x70}, {0x70, 0x00}, {0x73, 0x80}, {0x7F, 0x81, 0x01}, make([]byte, 5000),
				append([]byte{0x73, 0x84, 0x7F, 0xFF, 0xFF, 0xFF}, make([]byte, 64)...)}
			for _, typ := range []string{MsgPayeeHello, MsgPayerHello, MsgProceed, MsgTx, MsgDeduct, MsgDeducted} {
				b := msgs[typ]
				junk = append(junk, b, b[:len(b)/2], append(bytes.Clone(b), 0), flipByte(b, len(b)/3))
			}
			before, audit := storeDigest(in), in.Audit()
			for i, j := range junk {
				for _, asPayee := range []bool{false, true} {
					err := in.Inject("wallet-A", asPayee, 100, j)
					if !asPayee && bytes.Equal(j, msgs[MsgPayeeHello]) {
						// Another payee's fresh request is answered, not
						// refused; answering it changes nothing.
						if err != nil {
							t.Errorf("a valid request refused: %v", err)
						}
						continue
					}
					if c := spec.CodeOf(err); c == "" || c == spec.CodeInternal || !c.Known() {
						t.Errorf("junk %d (%d bytes), as payee %v: error %v", i, len(j), asPayee, err)
					}
				}
			}
			if err := in.Inject("nobody", false, 1, nil); err == nil {
				t.Error("injection into an unknown wallet")
			}
			if after := storeDigest(in); after != before {
				t.Fatal("garbage changed a device's persistent state")
			}
			if after := in.Audit(); after != audit {
				t.Fatalf("garbage changed the books: %+v → %+v", audit, after)
			}
		})
	}
}

func flipByte(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x5A
	return c
}

// The agent's HSM-sealed coin strings: the SIM opens them with the key its
// agent provisioned and refuses, typed and without any change, an envelope
// whose coin string was altered, sealed under another HSM, addressed to
// another wallet, or already delivered.
func TestIssueSealedCoinStrings(t *testing.T) {
	modeltest.EachSuite(t, func(t *testing.T, s suite.Suite) {
		in := newInstanceSuite(t, 21, Recovering, s)
		hs, err := in.agent.Withdraw("wallet-A", 700) // 500 + 200: two coins
		if err != nil {
			t.Fatal(err)
		}
		good, err := in.issue("wallet-A", hs)
		if err != nil {
			t.Fatal(err)
		}
		agent, holder, items, err := parseIssue(good)
		if err != nil || agent != AgentID || holder != "wallet-A" || len(items) != 2 {
			t.Fatalf("ISSUE: %q %q %d %v", agent, holder, len(items), err)
		}
		// The string form is the HSM's sealed coin, and only the HSM
		// key opens it.
		sealed, err := coin.ParseSealedString(items[0].coinString)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := in.hsm.Open(sealed); err != nil || !bytes.Equal(c.Marshal(), hs[0].Root.Marshal()) {
			t.Fatalf("the agent's HSM does not open its own coin string: %v", err)
		}
		otherHSM, _ := coin.NewHSM(s, bytes.NewReader(bytes.Repeat([]byte{7}, 24)))
		foreign, _ := otherHSM.Seal(bytes.NewReader(make([]byte, 12)), hs[0].Root)
		rekeyed := *sealed
		rekeyed.Ciphertext = bytes.Clone(sealed.Ciphertext)
		rekeyed.Ciphertext[3] ^= 1
		withCoin := func(str string) []byte {
			it := append([]issueItem(nil), items...)
			it[0].coinString = str
			return encodeIssue(AgentID, "wallet-A", it)
		}
		cases := []struct {
			name    string
			payload []byte
			want    spec.Code
		}{
			{"altered ciphertext", withCoin(rekeyed.String()), spec.CodeBadSeal},
			{"another HSM", withCoin(foreign.String()), spec.CodeUntrustedIssuer},
			{"not base64url", withCoin(items[0].coinString[:10] + "+" + items[0].coinString[11:]), spec.CodeMalformed},
			{"padded", withCoin(items[0].coinString + "="), spec.CodeMalformed},
			{"for another wallet", encodeIssue(AgentID, "wallet-B", items), spec.CodeWrongRecipient},
			{"from an unknown agent", encodeIssue("OTHER-BANK", "wallet-A", items), spec.CodeUntrustedIssuer},
			{"record swapped", encodeIssue(AgentID, "wallet-A", []issueItem{{items[0].coinString, items[1].record}}), spec.CodeValueMismatch},
			{"truncated", good[:len(good)-1], spec.CodeMalformed},
			{"no items", encodeIssue(AgentID, "wallet-A", nil), spec.CodeMalformed},
		}
		before := storeDigest(in)
		for _, c := range cases {
			if err := in.InjectIssue("wallet-A", c.payload); spec.CodeOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if storeDigest(in) != before {
			t.Fatal("a refused ISSUE changed the SIM")
		}
		if err := in.InjectIssue("wallet-A", good); err != nil {
			t.Fatal(err)
		}
		if v := in.View("wallet-A"); v.Offline() != 700 {
			t.Fatalf("after the ISSUE the SIM holds %d", v.Offline())
		}
		if err := in.InjectIssue("wallet-A", good); spec.CodeOf(err) != spec.CodeReplay {
			t.Fatalf("the same ISSUE twice: %v", err)
		}
		checkBalanced(t, in, "the ISSUE")
	})
}

// R1.5: a TX sealed to payee B, presented to C (even in a session C opened
// for the same nonce and amount with the same payer), is refused, C cannot
// open its coins, and C's balance does not move.
func TestSealedToPayeeOnly(t *testing.T) {
	in := newInstance(t, 5, Recovering)
	in.Fund("wallet-A", 1000)
	msgs := capture(t, in, "wallet-A", "wallet-B", 230)
	tx, err := parseMessage(msgs[MsgTx], TagTx)
	if err != nil {
		t.Fatal(err)
	}
	c := in.Own["wallet-C"]
	for _, info := range [][]byte{sealInfo(tx.Nonce, "wallet-C"), sealInfo(tx.Nonce, "wallet-B")} {
		if _, err := c.Priv.Open(tx.SealedKey, info); spec.CodeOf(err) != spec.CodeBadSeal {
			t.Fatalf("C opens B's coins: %v", err)
		}
	}
	before := storeDigest(in)
	acert, _ := in.Bank().Cert("wallet-A")
	c.payee = &payeeSession{nonce: tx.Nonce, amount: 230, stage: awaitTx, payer: acert}
	if _, err := c.payeeEndpoint(world.Message{From: "wallet-A", To: "wallet-C", Payload: msgs[MsgTx]}); spec.CodeOf(err) != spec.CodeWrongRecipient {
		t.Fatalf("C took B's TX: %v", err)
	}
	// Readdressed to C, the payer's signature no longer holds.
	tx.Payee = "wallet-C"
	if _, err := c.payeeEndpoint(world.Message{From: "wallet-A", To: "wallet-C", Payload: tx.marshal()}); spec.CodeOf(err) != spec.CodeBadSignature {
		t.Fatalf("C took B's TX readdressed: %v", err)
	}
	c.payee = nil
	if storeDigest(in) != before || in.View("wallet-C").Offline() != 0 {
		t.Fatal("C's SIM changed")
	}
}

// R1.2: messages of an accepted payment replayed into a later payment
// between the same phones are refused, and credit nothing twice.
func TestReplayAcceptedPayment(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 5, v)
			in.Fund("wallet-A", 1000)
			msgs := capture(t, in, "wallet-A", "wallet-B", 230)
			before, audit := storeDigest(in), in.Audit()
			for _, typ := range []string{MsgPayeeHello, MsgProceed, MsgDeduct} {
				if err := in.Inject("wallet-A", false, 0, msgs[typ]); spec.CodeOf(err) != spec.CodeReplay {
					t.Errorf("payer took a replayed %s: %v", typ, err)
				}
			}
			for _, typ := range []string{MsgPayerHello, MsgTx, MsgDeducted} {
				if err := in.Inject("wallet-B", true, 230, msgs[typ]); spec.CodeOf(err) != spec.CodeReplay {
					t.Errorf("payee took a replayed %s: %v", typ, err)
				}
			}
			if storeDigest(in) != before || in.Audit() != audit {
				t.Fatal("a replay changed state")
			}
		})
	}
}

// R6.6: the offline limits (per payment, cumulative amount and count) are
// enforced by the payer's SIM before anything moves, and reset when it
// goes online.
func TestLimits(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 3, v)
			modeltest.MustFund(t, in, "wallet-A", 60000)
			p, _ := in.Pay("wallet-A", "wallet-B", 50001, nil)
			if p.Received || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeLimitExceeded || p.Outcome.Rejections[0].Step != 1 {
				t.Fatalf("a payment over ¥500: %+v", p.Outcome.Rejections)
			}
			if p, _ := in.Pay("wallet-A", "wallet-B", 40000, nil); !p.Received {
				t.Fatalf("¥400: %v", p.Outcome.Rejections)
			}
			p, _ = in.Pay("wallet-A", "wallet-B", 10001, nil)
			if p.Received || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeLimitExceeded {
				t.Fatalf("¥100.01 after ¥400, over the cumulative ¥500: %+v", p.Outcome.Rejections)
			}
			modeltest.MustReconcile(t, in, "wallet-A")
			modeltest.CountLimit(t, in)
			if v := in.View("wallet-A"); v.Payments != 10 || v.Spent != 1000 {
				t.Fatalf("usage %d payments, %d fen", v.Payments, v.Spent)
			}
			modeltest.MustReconcile(t, in, "wallet-A")
			if p, _ := in.Pay("wallet-A", "wallet-B", 100, nil); !p.Received {
				t.Fatalf("limits not reset online: %v", p.Outcome.Rejections)
			}
			checkBalanced(t, in, "the limits")
		})
	}
}

// refusedBefore checks a payment was refused with code at step, before any
// value moved.
func refusedBefore(t *testing.T, in *Instance, from, to world.PartyID, code spec.Code, step int) {
	t.Helper()
	a0, b0 := total(in, from), total(in, to)
	before := storeDigest(in)
	p, err := in.Pay(from, to, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Received || p.Paid || len(p.Outcome.Rejections) == 0 {
		t.Fatalf("%s → %s: %+v", from, to, p)
	}
	r := p.Outcome.Rejections[0]
	if spec.CodeOf(r.Err) != code || r.Step != step {
		t.Fatalf("%s → %s: refused at step %d with %v, want %s at step %d", from, to, r.Step, r.Err, code, step)
	}
	if storeDigest(in) != before {
		t.Fatalf("%s → %s: a refused payment changed a device", from, to)
	}
	for _, w := range []world.PartyID{from, to} {
		modeltest.MustReconcile(t, in, w)
	}
	if total(in, from) != a0 || total(in, to) != b0 {
		t.Fatalf("%s → %s: value moved", from, to)
	}
}

// R1.4: a revoked wallet is refused, as payee by the payer at step 1 and
// as payer by the payee at step 2, before any value moves, by a phone that
// has the new list; a phone that has not synced since cannot know.
func TestRevokedRefused(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 3, v)
			in.Fund("wallet-A", 1000)
			in.Fund("wallet-B", 1000)
			if err := in.Bank().Revoke("wallet-B"); err != nil {
				t.Fatal(err)
			}
			modeltest.MustReconcile(t, in, "wallet-A")
			refusedBefore(t, in, "wallet-A", "wallet-B", spec.CodeCertRevoked, 1)
			refusedBefore(t, in, "wallet-B", "wallet-A", spec.CodeCertRevoked, 2)
			// C has not synced: its stale list still accepts B (the
			// offline window a revocation cannot close).
			if p, _ := in.Pay("wallet-B", "wallet-C", 100, nil); !p.Received {
				t.Fatalf("C refused B without knowing of the revocation: %v", p.Outcome.Rejections)
			}
		})
	}
}

// R1.4: phones have clocks. Past the certificates' validity
// (bank.CertValidity) every payment is refused with cert-expired before
// anything moves; a phone whose clock runs ahead refuses a counterpart it
// sees as expired, in either role; one whose clock runs behind the
// issuance sees certificates not yet valid.
func TestExpiredRefused(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 3, v)
			in.Fund("wallet-A", 1000)
			in.Fund("wallet-B", 1000)
			// A's clock runs two years ahead: it sees B's certificate
			// expired, as payer and as payee.
			in.World().Device("wallet-A").SetSkew(bank.CertValidity + time.Hour)
			refusedBefore(t, in, "wallet-A", "wallet-B", spec.CodeCertExpired, 1)
			refusedBefore(t, in, "wallet-B", "wallet-A", spec.CodeCertExpired, 2)
			in.World().Device("wallet-A").SetSkew(-time.Hour)
			refusedBefore(t, in, "wallet-A", "wallet-B", spec.CodeCertNotYetValid, 1)
			in.World().Device("wallet-A").SetSkew(0)
			if p, _ := in.Pay("wallet-A", "wallet-B", 100, nil); !p.Received {
				t.Fatalf("with true clocks: %v", p.Outcome.Rejections)
			}
			// The world moves past the validity period: now every phone
			// sees every certificate expired.
			in.World().Advance(bank.CertValidity + 24*time.Hour)
			refusedBefore(t, in, "wallet-B", "wallet-C", spec.CodeCertExpired, 1)
			refusedBefore(t, in, "wallet-A", "wallet-B", spec.CodeCertExpired, 1)
			// The agent's certificate expired too: a withdrawal is refused
			// before the account moves.
			acct := in.View("wallet-C").Account
			if err := in.Fund("wallet-C", 100); spec.CodeOf(err) != spec.CodeCertExpired || in.View("wallet-C").Account != acct {
				t.Fatalf("withdrawal from an expired agent: %v", err)
			}
			checkBalanced(t, in, "expiry")
		})
	}
}

func TestNoSelfPayment(t *testing.T) {
	in := newInstance(t, 3, Recovering)
	if _, err := in.Pay("wallet-A", "wallet-A", 1, nil); spec.CodeOf(err) != spec.CodeWrongRecipient {
		t.Fatalf("self payment: %v", err)
	}
	if _, err := in.Pay("wallet-A", "nobody", 1, nil); err == nil {
		t.Fatal("payment to an unknown wallet")
	}
	for _, amount := range []int64{0, -5, coin.MaxChangeAmount + 1} {
		if _, err := in.Pay("wallet-A", "wallet-B", amount, nil); spec.CodeOf(err) != spec.CodeValueMismatch {
			t.Fatalf("payment of %d: %v", amount, err)
		}
	}
	// A clone is the same identity: it cannot pay its original.
	in.Fund("wallet-A", 1000)
	clone, _ := in.Clone("wallet-A")
	p, _ := in.Pay(clone, "wallet-A", 100, nil)
	if p.Received || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeWrongRecipient {
		t.Fatalf("a clone paid its original: %+v", p)
	}
}

// A power cut at any write of a deposit (or of a reconciliation that
// exchanges coins with long lineages) neither loses value nor leaves
// redeemed coins in the SIM: after the phone goes online again its SIM +
// account total is unchanged and nothing is flagged. Both variants: the
// deposit and the withdrawal are online operations outside the published
// payment flow.
//
// The cut points are the writes the operation makes on a run without a
// cut (counted first), every one of them is tried, and each case checks
// that the power cut it staged happened.
func TestDepositCrashSafe(t *testing.T) {
	for _, v := range variants {
		for _, op := range []string{"deposit", "refresh"} {
			modeltest.OnlineCrashSafe(t, modeltest.OnlineCrash{
				Name: v.String() + "/" + op, Run: modeltest.Operation(op), Refresh: op == "refresh", Deposit: op == "deposit",
				Total: func(in models.Instance, w world.PartyID) int64 { return total(in.(*Instance), w) },
				Setup: func(t *testing.T) models.Instance {
					in := newInstance(t, 5, v)
					in.Fund("wallet-A", 1000)
					if op == "refresh" {
						// Give A coins with long lineages: A→B→A… offline.
						// B holds only what A paid it, so it pays back the
						// same coins and their lineages grow.
						for i := 0; i < 3; i++ {
							in.Pay("wallet-A", "wallet-B", 100, nil)
							in.Pay("wallet-B", "wallet-A", 100, nil)
						}
					}
					return in
				},
				After: func(t *testing.T, in models.Instance) {
					if op != "refresh" {
						return
					}
					for _, h := range in.(*Instance).Own["wallet-A"].Held {
						if len(h.Chain) >= bank.ExchangeHops {
							t.Fatalf("a coin of %d hops survived the exchange", len(h.Chain))
						}
					}
				},
			})
		}
	}
}

// R2.2, R2.3, R2.4: a SIM rolled back to a snapshot pays the same coin to
// the same payee again: the payee refuses it offline with double-spend,
// and reconciliation flags the payer with evidence that verifies. The
// culprit does not get back, by mail, the change of the branch it erased.
func TestRollbackDoubleSpend(t *testing.T) {
	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			in := newInstance(t, 17, v)
			modeltest.MustFund(t, in, "wallet-A", 1000)
			a0 := total(in, "wallet-A")
			snap := in.Snapshot("wallet-A")
			if p, _ := in.Pay("wallet-A", "wallet-B", 300, nil); !p.Received {
				t.Fatalf("first payment: %v", p.Outcome.Rejections)
			}
			in.Restore("wallet-A", snap)
			if v := in.View("wallet-A"); v.Offline() != 1000 {
				t.Fatalf("restored SIM holds %d", v.Offline())
			}
			b := in.View("wallet-B").Offline()
			p, _ := in.Pay("wallet-A", "wallet-B", 300, nil)
			if p.Received || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeDoubleSpend {
				t.Fatalf("the payee took the same coin twice: %+v", p)
			}
			if in.View("wallet-B").Offline() != b {
				t.Fatal("the refused repeat raised the payee's balance")
			}
			// Spend it elsewhere too, then reconcile everyone.
			if p, _ := in.Pay("wallet-A", "wallet-C", 300, nil); !p.Received {
				t.Fatalf("payment to C: %v", p.Outcome.Rejections)
			}
			for _, w := range in.Wallets() {
				modeltest.MustReconcile(t, in, w)
			}
			for _, w := range in.Wallets() {
				modeltest.MustReconcile(t, in, w)
			}
			// cert: A wrote both payments to B and the one to C ahead and
			// is debited for what it kept (600 of its 1000); cert-literal:
			// the refused repeat was never deducted (300 kept by A's
			// rollback: the double spend the evidence charges to it).
			want := map[Variant]int64{Recovering: -600, Literal: -300}[v]
			if got := total(in, "wallet-A") - a0; got != want {
				t.Fatalf("the culprit's total moved by %d, want %d", got, want)
			}
			ds := in.Ledger().DoubleSpends
			if len(ds) == 0 {
				t.Fatal("the rollback's double spend was not flagged")
			}
			for _, d := range ds {
				if got, err := bank.VerifyEvidence(suite.Default(), in.Bank().Root(), in.Bank().CoinKey(), d); err != nil || got != "wallet-A" {
					t.Fatalf("evidence: %q %v", got, err)
				}
			}
		})
	}
}

// A payer that ignores the hop cap and hands on a coin whose lineage is
// full is refused by the payee with limit-exceeded, and the payee stores
// nothing: a holding one hop longer would not even parse (transfer.MaxHops)
// and would brick the SIM's store.
func TestPayeeRefusesFullLineage(t *testing.T) {
	in := newInstance(t, 19, Recovering)
	modeltest.MustFund(t, in, "wallet-A", 100)
	// Bounce the one-yuan coin between A and B until its lineage is full.
	from, to := world.PartyID("wallet-A"), world.PartyID("wallet-B")
	for hop := 1; hop < transfer.MaxHops; hop++ {
		if p, _ := in.Pay(from, to, 100, nil); !p.Received {
			t.Fatalf("hop %d: %v", hop, p.Outcome.Rejections)
		}
		from, to = to, from
	}
	x := in.Own[from]
	var full *transfer.Holding
	for _, h := range x.Held {
		full = h
	}
	if full == nil || len(full.Chain) != transfer.MaxHops {
		t.Fatalf("%s holds no full coin", from)
	}
	if p, _ := in.Pay(from, to, 100, nil); p.Received || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeInsufficient {
		t.Fatalf("an honest SIM spent a full coin: %+v", p)
	}
	// Forge the TX an honest SIM would not send.
	y := in.Own[to]
	if _, err := y.StartPayee(from, 100); err != nil {
		t.Fatal(err)
	}
	sess := y.payee
	sess.payer, sess.stage = x.OwnCert, awaitTx
	var challenge [transfer.ChallengeSize]byte
	copy(challenge[:], sess.nonce)
	outs, _ := transfer.Split(full.Serial, 100, 100, x.Name, y.Name)
	rec, err := transfer.Sign(x.Priv, transfer.Record{Version: transfer.Version1, Parent: full.Serial, ParentValue: 100,
		Outputs: outs, Payer: x.Name, Payee: y.Name, Challenge: challenge, Counter: 99})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := encodeCoins([]spend{{holding: full, record: rec}}, x.lineageCerts([]spend{{holding: full}}))
	if err != nil {
		t.Fatal(err)
	}
	info := sealInfo(sess.nonce, y.Name)
	key := bytes.Repeat([]byte{1}, 16)
	sealedKey, err := y.OwnCert.PublicKey.Seal(in.World().Rand("test/forge"), key, info)
	if err != nil {
		t.Fatal(err)
	}
	aead, _ := y.S.NewAEAD(key)
	tx := &message{Tag: TagTx, Nonce: sess.nonce, Amount: 100, Payer: x.Name, Payee: y.Name, SealedKey: sealedKey, Ciphertext: aead.Seal(nil, zeroNonce, plain, info)}
	b, err := tx.sign(x.Priv)
	if err != nil {
		t.Fatal(err)
	}
	before := storeDigest(in)
	if _, err := y.payeeEndpoint(world.Message{From: from, To: to, Payload: b}); spec.CodeOf(err) != spec.CodeLimitExceeded {
		t.Fatalf("the payee took a coin past the hop cap: %v", err)
	}
	y.payee = nil
	if storeDigest(in) != before {
		t.Fatal("the refusal changed a device")
	}
}

// R1.3: a wallet certified by another root (an impostor of wallet-B with
// a certificate of its own making) or under the other crypto suite is
// refused in either role, before any value moves, with untrusted-issuer
// or wrong-suite.
func TestUncertifiedRefused(t *testing.T) {
	intl, _ := suite.ByID(suite.INTL)
	in := newInstance(t, 3, Recovering)
	in.Fund("wallet-A", 1000)
	a := in.Own["wallet-A"]
	for _, foreign := range []*Instance{newInstance(t, 4, Recovering), newInstanceSuite(t, 5, Recovering, intl)} {
		impostor := foreign.Own["wallet-B"]
		before := storeDigest(in)
		// As payee: the impostor asks A to pay.
		hello, err := impostor.StartPayee("wallet-A", 100)
		if err != nil {
			t.Fatal(err)
		}
		err = in.Inject("wallet-A", false, 0, hello.Payload)
		if c := spec.CodeOf(err); c != spec.CodeUntrustedIssuer && c != spec.CodeWrongSuite {
			t.Errorf("%s impostor as payee: %v", impostor.S.ID(), err)
		}
		// As payer: the impostor answers A's request.
		req, _ := a.StartPayee("wallet-B", 100)
		m, _ := parseMessage(req.Payload, TagPayeeHello)
		reply := &message{Tag: TagPayerHello, Nonce: m.Nonce, Payer: "wallet-B", Payee: "wallet-A", Key: impostor.spki, Cert: impostor.OwnCert.Raw}
		b, err := reply.sign(impostor.Priv)
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.payeeEndpoint(world.Message{From: "wallet-B", To: "wallet-A", Payload: b})
		if c := spec.CodeOf(err); c != spec.CodeUntrustedIssuer && c != spec.CodeWrongSuite {
			t.Errorf("%s impostor as payer: %v", impostor.S.ID(), err)
		}
		a.payee = nil
		if storeDigest(in) != before {
			t.Fatal("an impostor changed a device")
		}
	}
	// The real wallet-B's certificate with the impostor's key: the key is
	// not the certified one.
	other := newInstance(t, 4, Recovering).Own["wallet-B"]
	bcert, _ := in.Bank().Cert("wallet-B")
	req := &message{Tag: TagPayeeHello, Nonce: make([]byte, NonceSize), Amount: 100, Payee: "wallet-B", Key: other.spki, Cert: bcert.Raw}
	b, _ := req.sign(other.Priv)
	if err := in.Inject("wallet-A", false, 0, b); spec.CodeOf(err) != spec.CodeUntrustedIssuer {
		t.Errorf("a stolen certificate with another key: %v", err)
	}
}
