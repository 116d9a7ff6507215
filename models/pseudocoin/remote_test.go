package pseudocoin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/conformance/adapter"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/device/devicetest"
	"github.com/dualoffline/dualoffline/models/loopback"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

func external(s suite.Suite, mutation string, wallets ...world.PartyID) models.Config {
	return models.Config{Suite: s, External: wallets, Dial: loopback.Hosts(NewHost, mutation)}
}

// payment is what a payment's outcome says, without what differs
// between an own and an external element that behave alike (the bytes).
type payment struct {
	Paid, Received bool
	Refused        []string // party: code
	Crashes        int
}

// outcome is what a run comes to: each payment's outcome, the wallets'
// views (coin values only: an external element has its own keys and
// randomness, so its holdings have other names), the audit, the ledger,
// the double-spend culprits, and what the central bank traced each
// payee's reconciliation to: every payment it exchanged, its amount and
// its payer.
type outcome struct {
	Payments []payment
	devicetest.Outcome
	Traced  [][]string
	Uploads []int // uploads and mint rounds each wallet's agent bank carried
}

func observeRun(in *Instance, pays []models.Payment) outcome {
	o := outcome{Outcome: devicetest.Observe(in)}
	for _, p := range pays {
		po := payment{Paid: p.Paid, Received: p.Received, Crashes: len(p.Outcome.Crashes)}
		for _, r := range p.Outcome.Rejections {
			po.Refused = append(po.Refused, fmt.Sprintf("%s: %s", r.Party, spec.CodeOf(r.Err)))
		}
		o.Payments = append(o.Payments, po)
	}
	for _, id := range in.Wallets() {
		var tr []string
		for _, t := range in.TraceReceived(id) {
			tr = append(tr, fmt.Sprintf("%d from %s %v", t.Value, t.Payer, t.Err))
		}
		slices.Sort(tr)
		o.Traced = append(o.Traced, tr)
		o.Uploads = append(o.Uploads, len(in.AgentView(id)))
	}
	return o
}

// runWith builds an instance with cfg, checks how many external elements
// it has, and runs steps, which return the payments they made.
func runWith(t *testing.T, cfg models.Config, steps func(in *Instance) ([]models.Payment, error)) outcome {
	t.Helper()
	in := devicetest.Open[*Instance](t, Scheme{}, 42, cfg)
	devicetest.Linked(t, in.Links, cfg)
	pays, err := steps(in)
	if err != nil {
		t.Fatal(err)
	}
	return observeRun(in, pays)
}

// scenario funds, pays both ways (one above T, one INVOICE lost, one
// refused for want of limits, a payee and a payer losing power),
// reconciles and deposits, and pays again.
func scenario(in *Instance) ([]models.Payment, error) {
	a, b := in.Wallets()[0], in.Wallets()[1]
	var pays []models.Payment
	pay := func(from, to world.PartyID, v int64, plan world.Plan) func() error {
		return func() error {
			p, err := in.Pay(from, to, v, plan)
			pays = append(pays, p)
			return err
		}
	}
	steps := []func() error{
		func() error { return in.Fund(a, 80000) },
		func() error { return in.Fund(b, 1000) },
		pay(a, b, 1200, nil),
		pay(b, a, 700, nil),
		pay(a, b, 25000, nil), // above T
		pay(a, b, 500, world.Plan{{Kind: world.FaultDrop, Step: 2}}),
		pay(b, a, 60000, nil), // beyond the limits and the means
		pay(a, b, 200, world.Plan{{Kind: world.FaultCrashAfter, Step: 3}}),
		pay(b, a, 100, world.Plan{{Kind: world.FaultCrashBefore, Step: 2}}),
		func() error { in.Restart(a); in.Restart(b); return nil },
		func() error { return in.Reconcile(a) },
		func() error { return in.Reconcile(b) },
		func() error { return in.Reconcile(a) },
		func() error { _, err := in.Deposit(b); return err },
		pay(a, b, 300, nil),
		func() error { return in.Reconcile(b) },
	}
	for i, s := range steps {
		if err := s(); err != nil {
			return pays, fmt.Errorf("step %d: %w", i, err)
		}
	}
	return pays, nil
}

// The payments' outcomes, the views, the audit, the ledger and what the
// central bank traced come out the same whether wallet-A (or wallet-B,
// or every wallet) is the model's own element or an external one served
// by Host.
func TestExternalWalletBehavesLikeTheModelsOwn(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			own := runWith(t, models.Config{Suite: s}, scenario)
			if len(own.Payments) != 8 || !own.Payments[0].Paid || own.Payments[4].Received || own.Audit.Held == 0 {
				t.Fatalf("the scenario does not do what it says: %+v", own)
			}
			// The control: an element that never resets its offline
			// limits, so a later payment is refused.
			devicetest.LikeOwn(t, own, func(ext []world.PartyID) outcome { return runWith(t, external(s, "", ext...), scenario) },
				func() outcome { return runWith(t, external(s, mutantLimitsNotReset, "wallet-A"), scenario) })
		})
	}
}

// A clone of an external element (Link.Fork) and a rollback of one
// (Link.Save, Link.Load) double spend as the model's own element does:
// the desk keeps one payment and flags the culprit.
func TestExternalWalletCloneAndRollback(t *testing.T) {
	s := suite.Default()
	steps := func(in *Instance) ([]models.Payment, error) {
		a, b, c := in.Wallets()[0], in.Wallets()[1], in.Wallets()[2]
		var pays []models.Payment
		if err := in.Fund(a, 1000); err != nil {
			return nil, err
		}
		snap := in.Snapshot(a)
		clone, err := in.Clone(a)
		if err != nil {
			return nil, err
		}
		for _, p := range []struct{ from, to world.PartyID }{{a, b}, {clone, c}} {
			pay, err := in.Pay(p.from, p.to, 600, nil)
			if err != nil {
				return nil, err
			}
			pays = append(pays, pay)
		}
		for _, w := range []world.PartyID{a, clone, b, c} {
			if err := in.Reconcile(w); err != nil {
				return nil, err
			}
		}
		in.Restore(a, snap)
		pay, err := in.Pay(a, c, 300, nil)
		if err != nil {
			return nil, err
		}
		pays = append(pays, pay)
		for _, w := range []world.PartyID{a, c} {
			if err := in.Reconcile(w); err != nil {
				return nil, err
			}
		}
		return pays, nil
	}
	own := runWith(t, models.Config{Suite: s}, steps)
	got := runWith(t, external(s, "", "wallet-A"), steps)
	if d := cmp.Diff(own, got); d != "" {
		t.Errorf("(-own +external):\n%s", d)
	}
	if len(got.Culprit) == 0 || got.Culprit[0] != "wallet-A" {
		t.Errorf("double spends flagged: %v, want wallet-A's", got.Culprit)
	}
	// The rollback destroyed the bundle the first reconciliation minted
	// for the change (its key is gone): lost alike, own or external.
	if got.Audit.Lost != 400 {
		t.Errorf("the audit: %+v, want the 400 fen the rollback destroyed lost", got.Audit)
	}
}

// What must reach inside an element refuses an external one.
func TestExternalWalletCannotBeReachedInto(t *testing.T) {
	in := devicetest.Open[*Instance](t, Scheme{}, 1, external(nil, "", "wallet-A"))
	for name, err := range map[string]error{
		"corrupt": in.Corrupt("wallet-A", models.Corruption{Kind: models.CorruptCounter}),
		"insider": in.Insider("wallet-A", models.InsiderPlan{Kind: models.InsiderWrongSum}),
	} {
		if spec.CodeOf(err) != spec.CodeUnimplemented {
			t.Errorf("%s of an external wallet: %v, want unimplemented", name, err)
		}
	}
}

// The host refuses what it must, and a refused operation changes
// nothing on the element.
func TestHostRefusalsChangeNothing(t *testing.T) {
	if _, err := NewHost(nil, mutantNoDoubleCheck); err == nil {
		t.Error("a host took a desk mutant")
	}
	in, l, _ := devicetest.Funded[*Instance](t, Scheme{}, 3, external(nil, "", "wallet-A"), "wallet-A", 1000, OpState, func(s WireState) int { return len(s.Holdings) })
	devicetest.Refusals(t, l, "element", map[string]devicetest.Call{
		"state with a member":          {Op: OpState, Params: map[string]any{"x": 1}},
		"provision again":              {Op: OpProvision, Params: Provisioning{}},
		"keygen again":                 {Op: OpKeygen, Params: map[string]any{"party": "x", "suite": "GM", "seed": "00"}},
		"start-payer with a member":    {Op: OpStartPayer, Params: map[string]any{"payee": "wallet-B", "amount": 1, "x": 1}},
		"start-payee with a member":    {Op: OpStartPayee, Params: map[string]any{"amount": 1, "x": 1}},
		"withdraw nothing":             {Op: OpWithdraw, Params: device.AmountParams{Amount: 0}},
		"withdraw-done with none":      {Op: OpWithdrawDone, Params: struct{}{}},
		"mint-request of no key":       {Op: OpMintRequest, Params: MintRequestParams{Keys: 0}},
		"mint-request of too many":     {Op: OpMintRequest, Params: MintRequestParams{Keys: MaxMintKeys + 1}},
		"mint-reply with none pending": {Op: OpMintReply, Params: MintReplyParams{Reply: []byte{1, 2, 3}}},
		"upload-answer with none":      {Op: OpUploadAnswer, Params: UploadAnswerParams{Cleared: true, CRL: in.cb.CRL().Raw}},
		"upload-answer with a bad CRL": {Op: OpUploadAnswer, Params: UploadAnswerParams{Cleared: true, CRL: []byte{0x30, 0}}},
		"upload with a member":         {Op: OpUpload, Params: map[string]any{"deposit": false, "extra": 1}},
		"unknown operation":            {Op: "pseudocoin.mint", Params: struct{}{}},
	})
	// An upload pending: a second is refused, and a bad answer to it
	// changes nothing.
	var up SealedResult
	if err := l.Call(OpUpload, UploadParams{}, &up); err != nil || len(up.Sealed) == 0 {
		t.Fatalf("upload: %v", err)
	}
	before, _ := l.Save()
	for name, c := range map[string]struct {
		op     string
		params any
	}{
		"a second upload":         {OpUpload, UploadParams{}},
		"a refused name too long": {OpUploadAnswer, UploadAnswerParams{Cleared: true, Refused: []string{"00112233445566778899"}, CRL: in.cb.CRL().Raw}},
	} {
		if err := l.Call(c.op, c.params, nil); spec.CodeOf(err) != spec.CodeMalformed {
			t.Errorf("%s: %v, want malformed", name, err)
		}
		if after, _ := l.Save(); !bytes.Equal(before, after) {
			t.Errorf("%s: a refused operation changed the element", name)
		}
	}
	// The element still works: the pending upload goes through.
	if err := in.Reconcile("wallet-A"); err != nil {
		t.Fatal(err)
	}
	if v := in.View("wallet-A"); v.Offline() != 1000 {
		t.Errorf("after the refusals the element holds %d, want 1000", v.Offline())
	}
}

// brokenLink answers one operation, once armed, with a result the
// protocol does not allow.
type brokenLink struct {
	models.Link
	op     string
	result func(result any)
	armed  *bool
}

func (l brokenLink) Call(op string, params, result any) error {
	if err := l.Link.Call(op, params, result); err != nil {
		return err
	}
	if op == l.op && *l.armed {
		l.result(result)
	}
	return nil
}

// A result that does not parse (a holding, a log record) or that breaks
// the session (a HELLO that is not one) is the device breaking the
// protocol: an error wrapping models.ErrBroken, never a verdict on the
// scheme.
func TestMalformedResultIsAProtocolError(t *testing.T) {
	for name, c := range map[string]struct {
		op     string
		result func(any)
		run    func(in *Instance) error
	}{
		"a holding that does not parse": {OpState, func(r any) { r.(*WireState).Holdings = append(r.(*WireState).Holdings, []byte{0x30, 1}) },
			func(in *Instance) error { _, _, _, err := in.ext["wallet-A"].state(); return err }},
		"a holding twice": {OpState, func(r any) { s := r.(*WireState); s.Holdings = append(s.Holdings, s.Holdings...) },
			func(in *Instance) error { _, _, _, err := in.ext["wallet-A"].state(); return err }},
		"a log record that does not parse": {OpState, func(r any) { s := r.(*WireState); s.Log = append(s.Log, WireLog{Record: []byte{5}}) },
			func(in *Instance) error { _, _, _, err := in.ext["wallet-A"].state(); return err }},
		"a payer session opened with an INVOICE": {OpStartPayer, func(r any) { r.(*device.MessageResult).Message.Type = msgInvoice },
			func(in *Instance) error { _, err := in.Pay("wallet-A", "wallet-B", 100, nil); return err }},
		"a pending withdrawal of negative value": {OpPending, func(r any) { r.(*WirePending).Withdrawal = &WireWithdrawal{Request: "r", Amount: -5000} },
			func(in *Instance) error { return in.Fund("wallet-A", 100) }},
		"a pending upload without a request id": {OpPending, func(r any) { r.(*WirePending).Upload = &WireSealed{Sealed: []byte{1}} },
			func(in *Instance) error { return in.Reconcile("wallet-A") }},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := external(nil, "", "wallet-A")
			dial := cfg.Dial
			armed := false
			cfg.Dial = func(id world.PartyID) (models.Link, error) {
				l, err := dial(id)
				return brokenLink{Link: l, op: c.op, result: c.result, armed: &armed}, err
			}
			in := devicetest.Open[*Instance](t, Scheme{}, 4, cfg)
			if err := in.Fund("wallet-A", 1000); err != nil {
				t.Fatal(err)
			}
			armed = true
			acct := in.agent.Balance("wallet-A")
			if err := c.run(in); !errors.Is(err, models.ErrBroken) {
				t.Errorf("%v, want a broken device", err)
			}
			if got := in.agent.Balance("wallet-A"); got != acct {
				t.Errorf("the account went from %d to %d on what the device broke", acct, got)
			}
		})
	}
}

// VendorBinary is vendorBin for the external test package.
var VendorBinary = vendorBin

// TestMain removes the examples/vendor build, if a test made one, once
// every test and benchmark that runs it is done.
func TestMain(m *testing.M) {
	code := m.Run()
	if vendorBuilt {
		if bin, err := vendorBin(); err == nil {
			os.RemoveAll(filepath.Dir(bin))
		}
	}
	os.Exit(code)
}

// vendorBuilt says whether vendorBin ran.
var vendorBuilt bool

// vendorBin builds examples/vendor once, for the tests that run the
// element as a separate process.
var vendorBin = sync.OnceValues(func() (string, error) {
	vendorBuilt = true
	dir, err := os.MkdirTemp("", "pseudocoin-vendor-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "vendor")
	out, err := exec.Command("go", "build", "-o", bin, "../../examples/vendor").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build examples/vendor: %v\n%s", err, out)
	}
	return bin, nil
})

// Through examples/vendor, as check --impl plays it (one process per
// element, its state in a directory), every wallet external: the same
// outcome as the model's own elements; with the vendor's
// -device-mutant limits-not-reset, not (the control).
func TestVendorProcessBehavesLikeTheModelsOwn(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds examples/vendor and starts a process per element; the full suite runs it")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command to build examples/vendor with: %v", err)
	}
	bin, err := vendorBin()
	if err != nil {
		t.Fatal(err)
	}
	s := suite.Default()
	own := runWith(t, models.Config{Suite: s}, scenario)
	for _, c := range []struct {
		args []string
		same bool
	}{{nil, true}, {[]string{"-device-mutant", mutantLimitsNotReset}, false}} {
		devs := &adapter.Devices{Config: adapter.Config{Command: append([]string{bin}, c.args...)}}
		cfg := models.Config{Suite: s, External: []world.PartyID{"wallet-A", "wallet-B", "wallet-C"}, Dial: devs.Dial}
		got := runWith(t, cfg, scenario)
		devs.CloseAll()
		if d := cmp.Diff(own, got); (d == "") != c.same {
			t.Errorf("vendor %v: same outcome as the model's own %v, want %v (-own +vendor):\n%s", c.args, d == "", c.same, d)
		}
	}
}
