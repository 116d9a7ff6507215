package cert

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/device/devicetest"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func external(ids ...world.PartyID) models.Config {
	return models.Config{External: ids, Dial: loopback.Hosts(NewHost, "")}
}

func newRemote(t *testing.T, seed uint64, v Variant, s suite.Suite, cfg models.Config) *Instance {
	t.Helper()
	cfg.Suite = s
	in := devicetest.Open[*Instance](t, Scheme{Variant: v}, seed, cfg)
	devicetest.Linked(t, in.Links, cfg)
	return in
}

// payResult is what a Pay reports, without what differs between devices
// by construction (the session number, the write counts).
type payResult struct {
	Paid, Received bool
	Steps          int
	Delivered      int
	Rejections     []string
	Crashes        []world.PartyID
	Err            string
}

func pay(in *Instance, from, to world.PartyID, amount int64, plan world.Plan) payResult {
	p, err := in.Pay(from, to, amount, plan)
	r := payResult{Paid: p.Paid, Received: p.Received, Steps: p.Outcome.Steps, Delivered: p.Outcome.Delivered, Crashes: p.Outcome.Crashes}
	for _, rj := range p.Outcome.Rejections {
		r.Rejections = append(r.Rejections, fmt.Sprintf("%s %s", rj.Party, spec.CodeOf(rj.Err)))
	}
	if err != nil {
		r.Err = string(spec.CodeOf(err))
	}
	return r
}

// outcome is everything the scenario compares.
type outcome struct {
	Pays   []payResult
	Views  []models.View
	Values [][]int64 // each wallet's coin values, sorted
	// The audit and the ledger without the issued and redeemed totals:
	// which of two coins of equal value a wallet spends is its own choice
	// (the model's SIM breaks ties by its coin keys, which differ with its
	// key), and that decides which coins grow long lineages and how much
	// reconciliation exchanges. What stays in circulation does not depend
	// on it.
	Circulation         int64
	Held, Pending, Mail int64
	Lost                int64
	Balanced            bool
	Accounts            int64
	MailCoins           []int64
	Culprits            []string
	exchanges           int // ISSUE envelopes delivered
}

// scenario runs withdrawals, payments both ways (under a lost DEDUCTED, a
// lost TX, a tampered HELLO-PAYER and a payer's crash after PROCEED), a
// power cycle, reconciliations (with an exchange of long-lineage coins)
// and deposits through the Instance.
func scenario(t *testing.T, v Variant, s suite.Suite, cfg models.Config) outcome {
	t.Helper()
	in := newRemote(t, 42, v, s, cfg)
	a, b, c := in.Wallets()[0], in.Wallets()[1], in.Wallets()[2]
	var o outcome
	for i, step := range []func() error{
		func() error { return in.Fund(a, 3000) },
		func() error { return in.Fund(b, 1000) },
		func() error { o.Pays = append(o.Pays, pay(in, a, b, 1200, nil)); return nil },
		func() error { o.Pays = append(o.Pays, pay(in, b, a, 1700, nil)); return nil },
		func() error { o.Pays = append(o.Pays, pay(in, a, b, 1500, nil)); return nil },
		func() error { return in.Reconcile(b) }, // exchanges the coin that made four hops
		func() error {
			o.Pays = append(o.Pays, pay(in, a, b, 500, world.Plan{{Step: 6, Kind: world.FaultDrop}}))
			return nil
		},
		func() error {
			o.Pays = append(o.Pays, pay(in, b, a, 300, world.Plan{{Step: 4, Kind: world.FaultDrop}}))
			return nil
		},
		func() error {
			o.Pays = append(o.Pays, pay(in, b, a, 100, world.Plan{{Step: 2, Kind: world.FaultField, Arg: 3}}))
			return nil
		},
		func() error {
			o.Pays = append(o.Pays, pay(in, a, c, 250, world.Plan{{Step: 3, Kind: world.FaultCrashAfter}}))
			return nil
		},
		func() error { in.Restart(a); return nil },
		func() error { o.Pays = append(o.Pays, pay(in, a, c, 50000, nil)); return nil }, // insufficient
		func() error { return in.Reconcile(a) },
		func() error { return in.Reconcile(b) },
		func() error { return in.Reconcile(c) },
		func() error { return in.Reconcile(a) },
		func() error { o.Pays = append(o.Pays, pay(in, c, a, 120, nil)); return nil },
		func() error { _, err := in.Deposit(b); return err },
		func() error { return in.Reconcile(a) },
	} {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	for _, id := range in.Wallets() {
		v := in.View(id)
		var vals []int64
		for _, c := range v.Coins {
			vals = append(vals, c.Value)
		}
		slices.Sort(vals)
		o.Values = append(o.Values, vals)
		v.Coins = nil // coin ids differ: the external wallet has its own key and nonces
		o.Views = append(o.Views, v)
	}
	au := in.Audit()
	o.Circulation, o.Held, o.Pending, o.Mail, o.Lost, o.Balanced = au.Issued-au.Redeemed, au.Held, au.Pending, au.Mail, au.Lost, au.Balanced()
	l := in.Ledger()
	if l.Issued != au.Issued || l.Redeemed != au.Redeemed {
		t.Errorf("ledger %+v, audit %+v", l, au)
	}
	o.Accounts = l.Accounts
	for _, m := range l.Mail {
		o.MailCoins = append(o.MailCoins, m.Value)
	}
	slices.Sort(o.MailCoins)
	for _, d := range l.DoubleSpends {
		o.Culprits = append(o.Culprits, d.Culprit)
	}
	for _, e := range in.World().Trace().Events() {
		if e.Kind == world.KindOnline && e.Type == MsgIssue && e.Code == "" {
			o.exchanges++
		}
	}
	return o
}

// Views, payments, audit, ledger come out the same whether a wallet is
// the model's own SIM or an external wallet served by Host, in both
// variants and both suites. Under -short a suite other than the default
// runs with every wallet external only (the payer alone and the payee
// alone are the seam, not the cryptography); the full run takes each
// choice under each suite.
func TestExternalWalletBehavesLikeTheModelsOwn(t *testing.T) {
	for _, v := range variants {
		for _, s := range suite.All() {
			t.Run(v.String()+"/"+string(s.ID()), func(t *testing.T) {
				own := scenario(t, v, s, models.Config{})
				if own.exchanges <= 2 {
					t.Fatalf("the scenario exchanged no coin at reconciliation (%d ISSUEs)", own.exchanges)
				}
				exts := [][]world.PartyID{{"wallet-A"}, {"wallet-B"}, {"wallet-A", "wallet-B", "wallet-C"}}
				if testing.Short() && s.ID() != suite.Default().ID() {
					exts = exts[2:]
					t.Logf("-short: every wallet external only; %s takes each choice, as the full run does here", suite.Default().ID())
				}
				for _, ext := range exts {
					got := scenario(t, v, s, external(ext...))
					if d := cmp.Diff(own, got, cmp.AllowUnexported(outcome{}), cmpopts.IgnoreFields(outcome{}, "exchanges")); d != "" {
						t.Errorf("external %v (-own +external):\n%s", ext, d)
					}
					if got.exchanges <= 2 {
						t.Errorf("external %v: no coin exchanged at reconciliation", ext)
					}
				}
				if v == Recovering && !own.Balanced {
					t.Errorf("audit does not balance: %+v", own)
				}
			})
		}
	}
}

// doubleSpend clones or rolls back wallet-A after a withdrawal, spends the
// same value from both copies and reconciles everybody. It returns the
// culprits the bank names, the audit and the payments.
func doubleSpend(t *testing.T, v Variant, s suite.Suite, cfg models.Config, rollback bool) ([]string, models.Audit, []payResult) {
	t.Helper()
	in := newRemote(t, 7, v, s, cfg)
	a, b, c := in.Wallets()[0], in.Wallets()[1], in.Wallets()[2]
	modeltest.MustFund(t, in, a, 1000)
	var pays []payResult
	second := a
	if rollback {
		snap := in.Snapshot(a)
		pays = append(pays, pay(in, a, b, 600, nil))
		in.Restore(a, snap)
	} else {
		cid := modeltest.MustClone(t, in, a)
		if got := in.View(cid).Identity; got != string(a) {
			t.Fatalf("the clone presents %q, want %q", got, a)
		}
		second = cid
		pays = append(pays, pay(in, a, b, 600, nil))
	}
	pays = append(pays, pay(in, second, c, 600, nil))
	for _, id := range in.Wallets() {
		if err := in.Reconcile(id); err != nil {
			t.Fatalf("reconcile %s: %v", id, err)
		}
	}
	var culprits []string
	for _, d := range in.Ledger().DoubleSpends {
		culprits = append(culprits, d.Culprit)
	}
	return culprits, in.Audit(), pays
}

// Cloning or rolling back an external wallet works through the Link, and
// the bank flags the double spend exactly as it does with own SIMs.
func TestExternalWalletCloneAndRollback(t *testing.T) {
	for _, v := range variants {
		for _, s := range suite.All() {
			for _, rollback := range []bool{false, true} {
				name := v.String() + "/" + string(s.ID()) + map[bool]string{false: "/clone", true: "/rollback"}[rollback]
				t.Run(name, func(t *testing.T) {
					c1, a1, p1 := doubleSpend(t, v, s, models.Config{}, rollback)
					c2, a2, p2 := doubleSpend(t, v, s, external("wallet-A"), rollback)
					if len(c1) == 0 || c1[0] != "wallet-A" {
						t.Fatalf("own SIMs: culprits %v, want wallet-A", c1)
					}
					if d := cmp.Diff(c1, c2); d != "" {
						t.Errorf("culprits (-own +external):\n%s", d)
					}
					if d := cmp.Diff(a1, a2); d != "" {
						t.Errorf("audit (-own +external):\n%s", d)
					}
					if d := cmp.Diff(p1, p2); d != "" {
						t.Errorf("payments (-own +external):\n%s", d)
					}
				})
			}
		}
	}
}

// What must reach inside a SIM refuses an external wallet as unimplemented.
func TestExternalWalletIsOpaque(t *testing.T) {
	in := newRemote(t, 3, Recovering, suite.Default(), external("wallet-A"))
	modeltest.MustFund(t, in, "wallet-A", 500)
	for name, err := range map[string]error{
		"corrupt":      in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptCounter}),
		"inject":       in.Inject("wallet-A", false, 0, []byte{1}),
		"inject-issue": in.InjectIssue("wallet-A", []byte{1}),
	} {
		if !errors.Is(err, spec.Errorf(spec.CodeUnimplemented, "")) {
			t.Errorf("%s on an external wallet: %v, want unimplemented", name, err)
		}
	}
	// A forger on an own SIM that needs the external wallet's coins
	// cannot have them either.
	err := in.Corrupt("wallet-B", models.Corruption{Kind: models.CorruptBorrowedSignature, Other: "wallet-A"})
	if err == nil {
		t.Error("borrowing a signature from an external wallet's coins succeeded")
	}
}

// provisioned returns a Host provisioned like wallet-A of an instance.
func provisioned(t *testing.T, v Variant) (*Host, *Instance) {
	t.Helper()
	var host *Host
	dial := loopback.Dialer(func(store map[string][]byte) (loopback.Host, error) {
		h, err := NewHost(store, "")
		host = h
		return h, err
	})
	in := newRemote(t, 5, v, suite.Default(), models.Config{External: []world.PartyID{"wallet-A"}, Dial: dial})
	modeltest.MustFund(t, in, "wallet-A", 700)
	return host, in
}

// The host refuses params with unknown members, and a refused operation
// changes nothing.
func TestHostRefusesUnknownParams(t *testing.T) {
	h, err := NewHost(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err = h.Handle(OpKeygen, json.RawMessage(`{"party":"x","suite":"GM","variant":"cert","seed":"00","extra":1}`)); err == nil {
		t.Fatal("keygen with an unknown member was accepted")
	}
	if _, err = h.Handle(OpKeygen, json.RawMessage(`{"party":"x","suite":"GM","variant":"cert-2","seed":"00"}`)); err == nil {
		t.Fatal("keygen of an unknown variant was accepted")
	}
	if len(h.Store()) != 0 {
		t.Errorf("a refused keygen changed the store: %v", h.Store())
	}
	if _, err := h.Handle(OpState, json.RawMessage(`{}`)); err == nil {
		t.Error("state of a wallet not provisioned was answered")
	}

	for _, v := range variants {
		t.Run(v.String(), func(t *testing.T) {
			h, in := provisioned(t, v)
			if got, _ := h.Store()[hostVariant]; string(got) != v.String() {
				t.Fatalf("host plays %q, want %q", got, v)
			}
			before := h.Store()
			st, err := in.state("wallet-A")
			if err != nil {
				t.Fatal(err)
			}
			coin := slices.Sorted(maps.Keys(st.Coins))[0]
			now := `"now":"2026-01-01T00:00:00Z"`
			for _, c := range []struct{ op, params string }{
				{OpSignDeposit, `{"agent":"ICBC-AGENT","coins":["` + coin + `"],"extra":true}`},
				{OpSignDeposit, `{"agent":"ICBC-AGENT","coins":["` + coin + `","nope"]}`},
				{OpFinishDeposit, `{"key":"dep/00","accepted":true}`},
				{OpSettle, `{"mail":[],"certificates":[],"settled":["out/nope"]}`},
				{OpSettle, `{"mail":["00"],"certificates":[],"settled":[]}`},
				{OpReset, `{"sync":1,"crl":"00",` + now + `}`},
				{OpReset, `{"sync":1,"crl":"00"}`},
				{OpIssue, `{"issue":"3000",` + now + `}`},
				{OpCheckAgent, `{"certificate":"00",` + now + `}`},
				{OpProvision, `{}`},
				{OpState, `{"x":1}`},
				{"cert.nope", `{}`},
			} {
				if _, err := h.Handle(c.op, json.RawMessage(c.params)); err == nil {
					t.Errorf("%s %s was accepted", c.op, c.params)
				} else if spec.CodeOf(err) == spec.CodeInternal {
					t.Errorf("%s %s: %v, want a canonical refusal", c.op, c.params, err)
				}
				if d := cmp.Diff(before, h.Store()); d != "" {
					t.Errorf("refused %s changed the store:\n%s", c.op, d)
				}
			}
			// A refused offline message comes back inside the result and
			// changes nothing either.
			r, err := h.Handle(OpPayer, json.RawMessage(`{"message":{"from":"wallet-B","to":"wallet-A","type":"HELLO-PAYEE","payload":"3000"},`+now+`}`))
			if err != nil {
				t.Fatal(err)
			}
			if dr := r.(device.DeliverResult); dr.Refused == nil || !spec.Code(dr.Refused.Code).Known() {
				t.Errorf("a malformed HELLO-PAYEE: %+v, want a canonical refusal", dr)
			}
			if d := cmp.Diff(before, h.Store()); d != "" {
				t.Errorf("a refused message changed the store:\n%s", d)
			}
		})
	}
}

// An external wallet judges certificates at the time the harness gives
// it: the world's clock plus its device's skew, not its host's.
func TestExternalWalletKeepsTheHarnessClock(t *testing.T) {
	run := func(cfg models.Config) []payResult {
		in := newRemote(t, 11, Recovering, suite.Default(), cfg)
		modeltest.MustFund(t, in, "wallet-A", 1000)
		var out []payResult
		// wallet-A's clock runs three years fast: it sees B's certificate
		// expired, and B sees nothing wrong.
		in.World().Device("wallet-A").SetSkew(3 * 365 * 24 * time.Hour)
		out = append(out, pay(in, "wallet-A", "wallet-B", 100, nil))
		out = append(out, pay(in, "wallet-B", "wallet-A", 100, nil))
		in.World().Device("wallet-A").SetSkew(0)
		out = append(out, pay(in, "wallet-A", "wallet-B", 100, nil))
		// Everybody's certificate expires.
		in.World().Advance(bank.CertValidity + 24*time.Hour)
		out = append(out, pay(in, "wallet-A", "wallet-B", 100, nil))
		return out
	}
	own := run(models.Config{})
	if len(own[0].Rejections) == 0 || own[0].Rejections[0] != "wallet-A cert-expired" || !own[2].Paid || len(own[3].Rejections) == 0 {
		t.Fatalf("own SIMs: %+v", own)
	}
	if d := cmp.Diff(own, run(external("wallet-A"))); d != "" {
		t.Errorf("(-own +external):\n%s", d)
	}
}

// cert's keygen params are the shared ones with the variant: their
// member names are PROTOCOL.md §7's, and they decode strictly, variant
// included.
func TestKeygenParamsWire(t *testing.T) {
	p := KeygenParams{KeygenParams: device.KeygenParams{Party: "p", Suite: "GM", Seed: models.Hex{1}}, Variant: "cert"}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"party":"p","suite":"GM","seed":"01","variant":"cert"}`; string(b) != want {
		t.Errorf("keygen params: %s, want %s", b, want)
	}
	var got KeygenParams
	if err := device.Decode(OpKeygen, json.RawMessage(`{"party":"p","suite":"GM","variant":"cert","seed":"01"}`), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("keygen params decoded (-want +got):\n%s", diff)
	}
	if err := device.Decode(OpKeygen, json.RawMessage(`{"party":"p","suite":"GM","variant":"cert","seed":"01","extra":1}`), &got); spec.CodeOf(err) != spec.CodeMalformed {
		t.Errorf("keygen params with an unknown member: %v, want malformed", err)
	}
}
