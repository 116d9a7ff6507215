package conformance

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/all"
	"github.com/dualoffline/dualoffline/models/world"
)

// faultKind pairs a fault kind with a public mutant that only that kind
// reaches, and the sub-property whose properties kill it. A kind that
// shows no model device anything other kinds do not has, instead, a test
// of that claim in equivalent; a kind that earns its place only on an
// external device names in external the wallet bug of examples/vendor
// (-wallet-bug) that only it finds there, which that package's
// TestWalletBugsNeedTheirCut kills with the kind scheduled and passes
// with it switched off; a kind with none of these says why in pending.
type faultKind struct {
	kind       world.FaultKind
	mutant     string // scheme~mutation
	sub        string
	checks     int // cases per property, when the kind needs more than the test's default
	equivalent func(t *testing.T)
	external   string // examples/vendor -wallet-bug NAME
	pending    string
}

// faultKindMutants has an entry for every kind world.ChannelFaults lists,
// rollback, clone, the cut while a session finishes (crash-end), the
// partition of the master nodes and the power cut of an online operation.
var faultKindMutants = []faultKind{
	{kind: world.FaultDuplicate, mutant: "chip~payer-marks-challenge-on-ack", sub: "R1.2"},
	{kind: world.FaultBitFlip, mutant: "chip~card-ignores-class-byte", sub: "R1.1"},
	{kind: world.FaultTruncate, mutant: "chip~payee-closes-on-short-frame", sub: "R1.1"},
	{kind: world.FaultExtend, mutant: "cert~sim-ignores-trailing-bytes", sub: "R1.1"},
	{kind: world.FaultReplay, mutant: "cert~payer-checks-open-requests-only", sub: "R1.2"},
	{kind: world.FaultRedirect, mutant: "chip~card-answers-stray-initiate", sub: "R1.5"},
	{kind: world.FaultCrashAt, mutant: "chip~payer-logs-before-spending", sub: "R2.1"},
	{kind: world.FaultSkew, mutant: "cert~accept-not-yet-valid-cert", sub: "R1.4"},
	{kind: world.FaultClone, mutant: "cert~payee-seen-per-peer-device", sub: "R2.2"},
	{kind: world.FaultRollback, mutant: "chip~bank-skips-chip-repeated-counter", sub: "R2.3"},
	// Under a loss each device receives what a cut of its peer leaves it
	// (drop's test, over the references and the catalogue), and on a
	// model device crash-before is crash-at:0 or crash-after: their tests
	// check it, and spec/requirements.md (the crash profile) says why
	// both stay scheduled. An external device has no crash-at (the
	// harness counts none of its writes: interactive's
	// TestExternalWalletCuts), so there crash-before and crash-after are
	// the only cuts, and each finds a wallet bug no other kind does.
	// On a model device crash-after has no mutant of its own: to its peer
	// the cut after step k is the loss of the reply (drop's test), to the
	// handler a restart from all of step k's writes, which the next
	// step's crash-before or crash-at:0 gives, or after its last step the
	// power cycle after the payment of R2.1, R5.2 and R5.5 (a payer that
	// reports an acknowledged payment only when its session closes was
	// tried: mail hands the unreported coin back, and crash-end cuts the
	// close).
	// In a payment session the loss has no mutant: each device receives
	// what a cut of its peer leaves it (dropEquivalents, over the
	// references and the catalogue), so only both devices up with the
	// exchange unfinished tell it from a cut, and the bug built for that
	// (chip's payee crediting at the session's end, its payer restoring
	// its coins when the session ends with no CONFIRM) R5.4's withholding
	// payee kills with drop switched off: to the payer a withheld CONFIRM
	// is a lost one. Between the chain's master nodes the loss is its own
	// (world.LossyNetwork: a drop naming a node): the node that misses
	// one block stays up, keeps its memory and gets the blocks after it,
	// where a cut restarts it and its peers sync it afresh. Its mutant
	// sends each block to each peer once per connection, which no cut
	// and no partition reaches.
	{kind: world.FaultDrop, mutant: "chain~gossip-sends-each-block-once", sub: "R5.6", equivalent: dropEquivalents},
	{kind: world.FaultCrashBefore, equivalent: crashBeforeEquivalents, external: "undo-open-session"},
	// crash-after's external bug was log-at-session-end (examples/vendor):
	// since R5.4 reads the payer's receipts, a cut before the CONFIRM
	// finds it too (TestWalletBugsCaught).
	{kind: world.FaultCrashAfter, pending: "no wallet bug of examples/vendor is found by a power cut after an operation alone: log-at-session-end, which was, is now found under crash-before too by R5.4's receipt check (a restarted payer holds no logged record of a payment its payee holds); a model device's crash-after is crash-at or crash-before (crashBeforeEquivalents)"},
	{kind: world.FaultCrashEnd, mutant: "cert~payer-sweeps-spent-at-close", sub: "R2.1"},
	{kind: world.FaultReorder, mutant: "cert~payee-rearms-hello-after-tx", sub: "R1.2"},
	{kind: world.FaultDelay, mutant: "chip~payee-times-out-after-commit", sub: "R1.2"},
	{kind: world.FaultField, mutant: "cert~sim-caches-signatures", sub: "R1.1"},
	{kind: world.FaultFieldFlip, mutant: "chip~confirm-matches-challenge-short", sub: "R1.1"},
	// The relay's mutant is found under relay only because no property
	// schedules a plain delay of seconds (drawn delays are 0–64 ms, the
	// boundary one 10 minutes, where the mutant's session timeout refuses
	// cleanly): delay@2:3000 leaves it what relay@2:3000 does, the payee
	// credited and the payer not debited. It shows the time a hop adds,
	// not a bug only a relay reaches (a hop that starts its own session,
	// or forwards altered): none was found.
	{kind: world.FaultRelay, mutant: "chip~payee-relay-check-after-commit", sub: "R1.6"},
	{kind: world.FaultPartition, mutant: "chain~node-ignores-signer-limit", sub: "R2.6"},
	{kind: world.FaultPartition, mutant: "chain~node-flags-uploads-only", sub: "R2.3"},
	{kind: world.FaultPartition, mutant: "chain~bank-credits-unconfirmed-deposit", sub: "R2.6", checks: 20},
	// chain~node-never-reorgs is no entry: R5.1's power cut of a master
	// node mid-block forks the chain too, and kills it with partitions
	// switched off.
	{kind: faultOnlineCut, mutant: "chip~withdraw-retry-debits-again", sub: "R5.1"},
	{kind: faultOnlineCut, mutant: "chip~reconcile-clears-log-before-upload", sub: "R5.2"},
}

// TestFaultKindsKill checks that each mutant is killed by its own
// sub-property with every fault kind scheduled, and survives its whole
// requirement (every sub-property the mutant's Breaks names) when its
// kind is switched off in every profile: it is the acting fault that
// finds the bug, and no other property of the requirement reaches it.
// Under -short the second run is the entry's sub-property only: the
// whole requirement costs a minute and more per mutant. Runs are under
// the GM suite (CheckMutants' suite).
//
// The kills (and the equivalence and external checks) run first, side by
// side: nothing is switched off while they run. The survivals then run
// one at a time, each with its kind switched off: SwitchOff is global,
// and every Check running beside one would see its kind gone.
func TestFaultKindsKill(t *testing.T) {
	for _, k := range append(slices.Clone(world.ChannelFaults), world.FaultRollback, world.FaultClone, world.FaultCrashEnd) {
		if !slices.ContainsFunc(faultKindMutants, func(fk faultKind) bool { return fk.kind == k }) {
			t.Errorf("fault kind %s has no entry in faultKindMutants (a mutant, or why not yet)", k)
		}
	}
	byName := map[string]models.Mutant{}
	for _, m := range all.Mutants() {
		byName[m.Scheme.Info().Name] = m
	}
	kills := &killer{}
	checks := 20
	if testing.Short() {
		checks = 8
	}
	opts := func(fk faultKind, only string) Options {
		n := checks
		if fk.checks > 0 {
			n = fk.checks
			if testing.Short() {
				n *= 5 // rapid runs a fifth of the checks under -short
			}
		}
		return Options{Checks: n, Only: []string{only}}
	}
	killed := make([]bool, len(faultKindMutants))
	t.Run("kill", func(t *testing.T) {
		for i, fk := range faultKindMutants {
			t.Run(string(fk.kind), func(t *testing.T) {
				t.Parallel()
				if fk.external != "" {
					externalKill(t, fk.kind, fk.external)
				}
				if fk.equivalent != nil {
					fk.equivalent(t)
				}
				if fk.mutant == "" && (fk.external != "" || fk.equivalent != nil) {
					return
				}
				if fk.mutant == "" {
					t.Skip(fk.pending)
				}
				m, ok := byName[fk.mutant]
				if !ok {
					t.Fatalf("no mutant %s in all.Mutants()", fk.mutant)
				}
				if r := kills.kill(t, m, opts(fk, fk.sub)); !r.Killed {
					t.Fatalf("%s survived %s with %s scheduled", fk.mutant, fk.sub, fk.kind)
				} else {
					t.Logf("%s killed by %v", fk.mutant, r.KilledBy)
				}
				killed[i] = true
			})
		}
	})
	t.Run("survive", func(t *testing.T) {
		for i, fk := range faultKindMutants {
			if fk.mutant == "" {
				continue
			}
			t.Run(string(fk.kind), func(t *testing.T) {
				if !killed[i] {
					t.Skipf("%s was not killed with every kind scheduled (kill/%s failed): its survival with %s switched off would show nothing", fk.mutant, fk.kind, fk.kind)
				}
				m := byName[fk.mutant]
				defer SwitchOff(fk.kind)()
				off := string(m.Breaks)
				if testing.Short() {
					off = fk.sub
				}
				if r := survives(t, m, opts(fk, off)); r.Killed {
					t.Fatalf("%s killed by %v with %s switched off: the fault kind is not what finds it", fk.mutant, r.KilledBy, fk.kind)
				}
			})
		}
	})
}

// externalKill checks that examples/vendor's TestWalletBugsNeedTheirCut
// holds bug as the one kind finds alone: that bugs_test.go's cutOnly, read
// with go/parser, has an entry {bug, world.KIND, ...} (package main cannot
// be imported: its test runs the wallet, this one checks the pointer).
func externalKill(t *testing.T, kind world.FaultKind, bug string) {
	t.Helper()
	entries, err := cutOnlyEntries(filepath.Join("..", "examples", "vendor", "bugs_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(entries, [2]string{bug, string(kind)}) {
		t.Fatalf("examples/vendor's cutOnly has no entry {%q, %s} (it has %q): the wallet bug only %s finds is not tested", bug, kind, entries, kind)
	}
	t.Logf("on an external wallet only %s finds -wallet-bug %s (examples/vendor TestWalletBugsNeedTheirCut)", kind, bug)
}

// cutOnlyEntries parses the Go file at path and returns, for each element
// of its package-level var cutOnly, the bug (its first field, a string
// literal) and the fault kind (its second, world.NAME, a constant of
// package world named here).
func cutOnlyEntries(path string) ([][2]string, error) {
	kinds := map[string]world.FaultKind{"FaultCrashBefore": world.FaultCrashBefore, "FaultCrashAfter": world.FaultCrashAfter, "FaultDrop": world.FaultDrop, "FaultCrashAt": world.FaultCrashAt, "FaultCrashEnd": world.FaultCrashEnd}
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	found := false
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Names) != 1 || vs.Names[0].Name != "cutOnly" || len(vs.Values) != 1 {
				continue
			}
			found = true
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			if !ok {
				return nil, fmt.Errorf("%s: cutOnly is not a composite literal", path)
			}
			for _, e := range lit.Elts {
				el, ok := e.(*ast.CompositeLit)
				if !ok || len(el.Elts) < 2 {
					return nil, fmt.Errorf("%s: an element of cutOnly is not {bug, kind, ...}", path)
				}
				bl, ok := el.Elts[0].(*ast.BasicLit)
				sel, ok2 := el.Elts[1].(*ast.SelectorExpr)
				if !ok || !ok2 || bl.Kind != token.STRING {
					return nil, fmt.Errorf("%s: an element of cutOnly is not {\"bug\", world.KIND, ...}", path)
				}
				bug, err := strconv.Unquote(bl.Value)
				if err != nil {
					return nil, err
				}
				pkg, ok := sel.X.(*ast.Ident)
				k, known := kinds[sel.Sel.Name]
				if !ok || pkg.Name != "world" || !known {
					return nil, fmt.Errorf("%s: cutOnly's kind of %s is not a power cut or loss of package world", path, bug)
				}
				out = append(out, [2]string{bug, string(k)})
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("%s declares no var cutOnly", path)
	}
	return out, nil
}

// seen is what one device can see after a payment: its store, its view
// and the messages delivered to it in the payment's session (but one it
// lost power handling or right after, which left it nothing).
type seen struct {
	Store    map[string][]byte
	View     models.View
	Received []string // "type hash" of each delivery, in order
}

// faultState is what a payment under a plan leaves: what each device
// sees, and, for the harness, the banks' ledger and audit.
type faultState struct {
	Devices map[world.PartyID]seen
	Ledger  models.Ledger
	Audit   models.Audit
}

// fundedPair returns a fresh instance of sch in w and its first two
// wallets, the first funded with fundAmount.
func fundedPair(t *testing.T, sch models.Scheme, w *world.World) (models.Instance, world.PartyID, world.PartyID) {
	t.Helper()
	in, err := sch.New(w, models.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ws := in.Wallets()
	if err := in.Fund(ws[0], fundAmount); err != nil {
		t.Fatal(err)
	}
	return in, ws[0], ws[1]
}

// faultRun runs the payment of paymentAmount from the first wallet of a
// fresh instance of sch at seed (funded with fundAmount) to the second
// under plan, then, when reconcile is set, both reconciliations, and
// returns what it left and the payment.
func faultRun(t *testing.T, sch models.Scheme, seed uint64, plan world.Plan, reconcile bool) (faultState, models.Payment) {
	t.Helper()
	w := world.New(seed)
	in, a, b := fundedPair(t, sch, w)
	from := w.Trace().Len()
	p, err := in.Pay(a, b, paymentAmount, plan)
	if err != nil {
		t.Fatalf("%s: pay under %v: %v", sch.Info().Name, plan, err)
	}
	// A message whose handling a cut interrupted, or whose handler lost
	// power right after it, leaves its device nothing: it is no part of
	// what the device received.
	lostPower := func(e world.Event) bool {
		return slices.ContainsFunc(plan, func(f world.Fault) bool {
			return f.Step == e.Step && (f.Kind == world.FaultCrashAt || f.Kind == world.FaultCrashAfter) && slices.Contains(p.Outcome.Crashes, e.To)
		})
	}
	received := map[world.PartyID][]string{}
	for _, e := range w.Trace().Events()[from:] {
		if e.Kind == world.KindDeliver && e.Session == p.Outcome.Session && !lostPower(e) {
			received[e.To] = append(received[e.To], e.Type+" "+e.Hash)
		}
	}
	if reconcile {
		for _, x := range []world.PartyID{a, b} {
			if err := in.Reconcile(x); err != nil {
				t.Fatalf("%s: reconcile %s after %v: %v", sch.Info().Name, x, plan, err)
			}
		}
	}
	st := faultState{Devices: map[world.PartyID]seen{}, Ledger: in.Ledger(), Audit: in.Audit()}
	views := map[world.PartyID]models.View{}
	for _, x := range in.Wallets() {
		views[x] = in.View(x)
	}
	for _, id := range w.Devices() {
		d := w.Device(id)
		m := map[string][]byte{}
		for _, k := range d.Keys("") {
			m[k], _ = d.Get(k)
		}
		st.Devices[id] = seen{Store: m, View: views[id], Received: received[id]}
	}
	return st, p
}

// cleanFlows is the clean payment of faultRun for every reference scheme
// at seed 1.
func cleanFlows(t *testing.T) map[string]models.Payment {
	out := map[string]models.Payment{}
	for _, sch := range all.Schemes() {
		_, p := faultRun(t, sch, 1, nil, false)
		if !p.Received {
			t.Fatalf("%s: the clean payment did not complete", sch.Info().Name)
		}
		out[sch.Info().Name] = p
	}
	return out
}

// crashBeforeEquivalents checks what the crash-before entry of
// faultKindMutants claims: on a model device, whose writes the harness
// counts, a cut before handling step k is the cut at the handling's
// first write (crash-at:0) when the clean run's handling of step k
// writes, and the cut after the handling (crash-after) when it writes
// nothing. Over every step of the clean payment of every reference
// scheme, the two leave every device's store, every view, the ledger,
// the audit and every message a device received the same, after the
// payment and after both parties reconcile. A device the harness cannot count writes in (an external
// one) has no crash-at: there crash-before is the only cut before a
// handling's writes.
func crashBeforeEquivalents(t *testing.T) {
	flows := cleanFlows(t)
	n := 0
	for _, sch := range all.Schemes() {
		clean := flows[sch.Info().Name]
		for i := range clean.Outcome.Steps {
			step := i + 1
			before := world.Fault{Step: step, Kind: world.FaultCrashBefore}
			same := world.Fault{Step: step, Kind: world.FaultCrashAfter}
			if clean.Outcome.Writes[i] > 0 {
				same = world.Fault{Step: step, Kind: world.FaultCrashAt, Arg: 0}
			}
			cut := clean.Outcome.Recipients[i]
			for _, reconcile := range []bool{false, true} {
				got, p := faultRun(t, sch, 1, world.Plan{before}, reconcile)
				if !slices.Equal(p.Outcome.Crashes, []world.PartyID{cut}) {
					t.Fatalf("%s: %v cut %v, want %s", sch.Info().Name, before, p.Outcome.Crashes, cut)
				}
				want, _ := faultRun(t, sch, 1, world.Plan{same}, reconcile)
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s, reconciled %v: %v does not leave what %v leaves (-%v +%v):\n%s", sch.Info().Name, reconcile, before, same, same, before, d)
				}
				n++
			}
		}
	}
	t.Logf("%d cases: on every model device crash-before is crash-at:0, or crash-after where the handling writes nothing", n)
}

// dropEquivalents checks what the drop entry of faultKindMutants claims,
// about each device's inputs: under the loss of message k each device
// receives what a power cut of its peer leaves it, and so keeps what it
// keeps then. Over every step k of the clean payment of every reference
// scheme and of every mutant of the catalogue (its R5 mutants
// under -short: dropSchemes; a wrong pairing shows on a mutant, which a reference
// hides by keeping every cut balanced), the sender of message k sees (its
// store, its view, what it received) after the payment under drop@k what
// it sees under crash-before@k, its receiver cut before handling it; and
// for k > 1 the receiver sees what it sees under crash-after@k-1, the
// sender cut after handling the message it answers with message k. The
// receiver of a lost first message is no case: no cut of its peer leaves
// it nothing received (its peer has sent nothing before), and its own cut
// before handling it is not what its peer does.
func dropEquivalents(t *testing.T) {
	n := 0
	for _, sch := range dropSchemes() {
		name := sch.Info().Name
		_, clean := faultRun(t, sch, 1, nil, false)
		for i := range clean.Outcome.Steps {
			step := i + 1
			to := clean.Outcome.Recipients[i]
			var from world.PartyID
			for id := range clean.Outcome.Recipients {
				if clean.Outcome.Recipients[id] != to {
					from = clean.Outcome.Recipients[id]
				}
			}
			lost, _ := faultRun(t, sch, 1, world.Plan{{Step: step, Kind: world.FaultDrop}}, false)
			pairs := []struct {
				who world.PartyID
				cut world.Fault
			}{{from, world.Fault{Step: step, Kind: world.FaultCrashBefore}}}
			if step > 1 {
				pairs = append(pairs, struct {
					who world.PartyID
					cut world.Fault
				}{to, world.Fault{Step: step - 1, Kind: world.FaultCrashAfter}})
			}
			for _, c := range pairs {
				want, _ := faultRun(t, sch, 1, world.Plan{c.cut}, false)
				if d := cmp.Diff(want.Devices[c.who], lost.Devices[c.who]); d != "" {
					t.Errorf("%s: %s sees drop@%d other than %v (-%v +drop@%d):\n%s", name, c.who, step, c.cut, c.cut, step, d)
				}
				n++
			}
		}
	}
	t.Logf("%d cases: under the loss of a message each device receives, and keeps, what a power cut of its peer leaves it", n)
}

// dropSchemes are the schemes dropEquivalents runs: every reference, and
// every mutant of the catalogue, or under -short those that break R5
// (atomicity), whose bugs sit in what a device persists when.
func dropSchemes() []models.Scheme {
	out := all.Schemes()
	for _, m := range all.Mutants() {
		if !testing.Short() || m.Breaks == "R5" {
			out = append(out, m.Scheme)
		}
	}
	return out
}
