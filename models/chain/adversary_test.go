package chain

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// doubleSpend sets up wallet-A with one 500-fen coin, clones it, and has
// A pay B and the clone pay C 300 fen each: two transfers of one coin.
func doubleSpend(t *testing.T, s suite.Suite) (in *Instance, clone world.PartyID, pb, pc TxID) {
	in = newInstanceSuite(t, 11, s)
	modeltest.MustFund(t, in, "wallet-A", 500)
	clone, err := in.Clone("wallet-A")
	if err != nil || clone != "wallet-A~clone1" {
		t.Fatalf("clone %q %v", clone, err)
	}
	for _, pay := range []struct{ from, to world.PartyID }{{"wallet-A", "wallet-B"}, {clone, "wallet-C"}} {
		p, err := in.Pay(pay.from, pay.to, 300, nil)
		if err != nil || !p.Received {
			t.Fatalf("%s → %s: %+v %v", pay.from, pay.to, p, err)
		}
	}
	return in, clone, lastSent(t, in, "wallet-A"), lastSent(t, in, clone)
}

// R2.3–R2.6: a cloned wallet pays one coin to B and to C. In every order
// of the four uploads, with the backbone whole, split in halves (a fork),
// or split with a majority, the double spend is flagged with evidence
// naming wallet-A that verifies with public data only; the honest payees
// are never named; exactly one of the two payments reaches k
// confirmations (at every node, once healed) and the other never does
// anywhere, at any moment; the winner's payee holds the 300 fen, the
// loser's nothing; value is conserved once all is settled; and the flags
// are the same in every order (which payment wins is not: R2.7 is expected
// to fail).
func TestCloneDoubleSpendEveryOrder(t *testing.T) {
	splits := []struct {
		name   string
		groups [][]int
	}{
		{"whole", nil},
		{"fork", [][]int{{0, 1}, {2, 3}}},
		{"majority", [][]int{{0, 1, 2}, {3}}},
	}
	for _, s := range suite.All() {
		for _, split := range splits {
			t.Run(string(s.ID())+"/"+split.name, func(t *testing.T) {
				var first []bank.DoubleSpend
				winners := map[string]int{}
				for _, order := range modeltest.ShortOrders(t, s, modeltest.Permutations([]world.PartyID{"wallet-A", "wallet-A~clone1", "wallet-B", "wallet-C"})) {
					in, clone, pb, pc := doubleSpend(t, s)
					// A and B sync with nodes 0 and 1, the clone with 3, C with 2.
					if split.groups != nil {
						in.Partition(split.groups...)
					}
					check := func(after string) {
						if anyFinal(in, pb) && anyFinal(in, pc) {
							t.Fatalf("order %v: both payments final after %s", order, after)
						}
					}
					for _, w := range order {
						modeltest.MustReconcile(t, in, w)
						check("reconciling " + string(w))
					}
					if split.groups != nil {
						forked := false
						for _, nd := range in.bb.nodes[1:] {
							forked = forked || nd.best != in.bb.nodes[0].best
						}
						if split.name == "fork" && !forked {
							t.Fatalf("order %v: the halves did not fork", order)
						}
						in.Heal()
						for _, w := range order {
							modeltest.MustReconcile(t, in, w)
							check("healing and reconciling " + string(w))
						}
					}
					var win, lose TxID
					switch {
					case allFinal(in, pb) && !anyFinal(in, pc):
						win, lose = pb, pc
					case allFinal(in, pc) && !anyFinal(in, pb):
						win, lose = pc, pb
					default:
						t.Fatalf("order %v: B's payment %v, C's %v", order, statuses(in, pb), statuses(in, pc))
					}
					if win == pb {
						winners["B"]++
					} else {
						winners["C"]++
					}
					if st := statuses(in, lose); st[0] == statusFinal || st[0] == statusPending {
						t.Fatalf("order %v: the losing payment is %v", order, st)
					}
					ds := in.Ledger().DoubleSpends
					if len(ds) != 1 {
						t.Fatalf("order %v: %d flags", order, len(ds))
					}
					for _, d := range ds {
						got, err := in.VerifyEvidence(d)
						if err != nil || got != "wallet-A" || d.Culprit != "wallet-A" {
							t.Fatalf("order %v: evidence names %q (%q): %v", order, d.Culprit, got, err)
						}
					}
					b, c := in.View("wallet-B").Offline(), in.View("wallet-C").Offline()
					if (win == pb && (b != 300 || c != 0)) || (win == pc && (c != 300 || b != 0)) {
						t.Fatalf("order %v: B holds %d, C %d", order, b, c)
					}
					if in.Awaiting("wallet-B")+in.Awaiting("wallet-C") != 0 {
						t.Fatalf("order %v: a payee still waits for a payment that cannot settle", order)
					}
					checkBalanced(t, in, "the double spend settled")
					// A and its clone share one address: both see the winner's
					// 200-fen change, one coin.
					if a, c := in.View("wallet-A"), in.View(clone); a.Offline() != 200 || !cmp.Equal(a.Coins, c.Coins) {
						t.Fatalf("order %v: A holds %v, its clone %v, want the one 200-fen change", order, a.Coins, c.Coins)
					}
					if first == nil {
						first = ds
					} else if diff := cmp.Diff(first, ds); diff != "" {
						t.Fatalf("order %v changed the flags (-want +got):\n%s", order, diff)
					}
				}
				t.Logf("the payment to B won in %d orders, to C in %d", winners["B"], winners["C"])
			})
		}
	}
}

// Evidence is not forgeable: one payment twice, a payment swapped for an
// honest party's, an opened transfer swapped or altered, another accused.
func TestEvidenceRefusesFraming(t *testing.T) {
	in, _, _, _ := doubleSpend(t, suite.Default())
	for _, w := range in.Wallets() {
		in.Reconcile(w)
	}
	ds := in.Ledger().DoubleSpends
	if len(ds) != 1 {
		t.Fatalf("%d flags", len(ds))
	}
	d := ds[0]
	// An honest payment by B, to frame B with.
	in.Reconcile("wallet-B")
	if p, _ := in.Pay("wallet-B", "wallet-C", 100, nil); !p.Received {
		t.Fatal("B could not pay")
	}
	honest := in.Own["wallet-B"].outEntries()[0].p.Marshal()
	bcert, _ := in.Bank().Cert("wallet-B")
	framings := map[string]func(*bank.DoubleSpend){
		"one payment twice": func(e *bank.DoubleSpend) { e.RecordB, e.HoldingB = e.RecordA, e.HoldingA },
		"transfers swapped": func(e *bank.DoubleSpend) { e.HoldingA, e.HoldingB = e.HoldingB, e.HoldingA },
		"transfer altered": func(e *bank.DoubleSpend) {
			e.HoldingA = append(bytes.Clone(e.HoldingA[:len(e.HoldingA)-1]), e.HoldingA[len(e.HoldingA)-1]^1)
		},
		"honest payment":        func(e *bank.DoubleSpend) { e.RecordB = honest },
		"another accused":       func(e *bank.DoubleSpend) { e.CulpritCert = bcert.Raw },
		"another coin":          func(e *bank.DoubleSpend) { e.Coin.Serial[15] ^= 1 },
		"not a chain coin":      func(e *bank.DoubleSpend) { e.Coin.Serial[0] = 1 },
		"root of another world": func(e *bank.DoubleSpend) {},
	}
	for name, frame := range framings {
		t.Run(name, func(t *testing.T) {
			e := d
			frame(&e)
			root := in.Bank().Root()
			if name == "root of another world" {
				root = newInstance(t, 99).Bank().Root()
			}
			if got, err := VerifyEvidence(suite.Default(), root, 4, e); err == nil {
				t.Fatalf("framed evidence verifies, naming %q", got)
			} else if c := spec.CodeOf(err); !c.Known() || c == spec.CodeInternal {
				t.Fatalf("untyped refusal: %v", err)
			}
		})
	}
}

// A wallet restored from a backup spends coins it already spent: the
// chain flags it at the reconciliation that sees both, and only the first
// payment settles.
func TestRollbackDoubleSpend(t *testing.T) {
	in := newInstance(t, 12)
	in.Fund("wallet-A", 500)
	snap := in.Snapshot("wallet-A")
	in.Pay("wallet-A", "wallet-B", 300, nil)
	first := lastSent(t, in, "wallet-A")
	in.Reconcile("wallet-A")
	in.Reconcile("wallet-B")
	in.Restore("wallet-A", snap)
	if in.View("wallet-A").Offline() != 500 {
		t.Fatal("the rollback did not restore the coin")
	}
	if p, _ := in.Pay("wallet-A", "wallet-C", 400, nil); !p.Received {
		t.Fatalf("C refused the rolled-back payment offline: %v", p.Outcome.Rejections)
	}
	second := lastSent(t, in, "wallet-A")
	in.Reconcile("wallet-C")
	if !allFinal(in, first) || anyFinal(in, second) {
		t.Fatalf("first %v, second %v", statuses(in, first), statuses(in, second))
	}
	ds := in.Ledger().DoubleSpends
	if len(ds) != 1 || ds[0].Culprit != "wallet-A" {
		t.Fatalf("flags %v", ds)
	}
	if _, err := in.VerifyEvidence(ds[0]); err != nil {
		t.Fatal(err)
	}
	if in.View("wallet-C").Offline() != 0 || in.Awaiting("wallet-C") != 0 {
		t.Fatal("C kept value from a double spend")
	}
	in.Reconcile("wallet-A")
	checkBalanced(t, in, "the rollback settled")
}

// R1.1, R1.2, R1.6: tampering with any field of either message of a
// payment (and bit flips, truncation, extension, replay from an earlier
// session, duplication, redirection) never creates or destroys value:
// every refusal is typed, and after both wallets reconcile, both are in
// the pre-state or both in the post-state.
func TestTamperEveryField(t *testing.T) {
	setup := func() *Instance {
		in := newInstance(t, 3)
		for _, w := range []world.PartyID{"wallet-A", "wallet-C"} {
			modeltest.MustFund(t, in, w, 1000)
		}
		// An earlier session for the replay pool.
		if p, _ := in.Pay("wallet-C", "wallet-A", 50, nil); !p.Received {
			t.Fatal("setup payment refused")
		}
		return in
	}
	clean, err := setup().Pay("wallet-A", "wallet-B", 230, nil)
	if err != nil || !clean.Received {
		t.Fatalf("the clean payment: %+v %v", clean, err)
	}
	faults := modeltest.TamperFaults(clean.Outcome.Steps, 10, 0)
	for step := 1; step <= clean.Outcome.Steps; step++ {
		faults = append(faults, world.Fault{Step: step, Kind: world.FaultBitFlip, Arg: 8*600 + 3})
	}
	modeltest.TamperEveryField(t, func(*testing.T) models.Instance { return setup() },
		func(in models.Instance, w world.PartyID) int64 { return total(in.(*Instance), w) }, faults)
}

// snapshotAll serialises every device store, view and the books, for
// "changes nothing" checks.
func snapshotAll(in *Instance) string {
	var b bytes.Buffer
	for _, id := range in.Wallets() {
		b.Write(storeOf(in.Own[id].dev))
		fmt.Fprintf(&b, "%+v\n", in.View(id))
	}
	for _, nd := range in.bb.nodes {
		b.Write(storeOf(nd.dev))
	}
	fmt.Fprintf(&b, "%+v %+v\n", in.Audit(), in.Ledger())
	return b.String()
}

// Bad input — malformed QR payloads, agreements, blocks, uploads, and
// payments with certificates that are garbage, self-made or from another
// central bank — is refused with a typed error (never internal) and
// changes no wallet, node or book.
func TestBadInputRefused(t *testing.T) {
	in := newInstance(t, 3)
	in.Fund("wallet-A", 1000)
	in.Fund("wallet-C", 1000)
	in.Pay("wallet-A", "wallet-B", 230, nil)
	good := in.Own["wallet-A"].outEntries()[0].p
	in.Reconcile("wallet-A")

	// A payment from a wallet of another world's central bank.
	other := newInstance(t, 4)
	other.Fund("wallet-A", 1000)
	other.Pay("wallet-A", "wallet-B", 230, nil)
	foreign := other.Own["wallet-A"].outEntries()[0].p

	withCert := func(p *Payment, cert []byte) []byte {
		q := *p
		q.Cert = cert
		return q.Marshal()
	}
	agentCert := in.agents[0].Cert.Raw
	var qrs = map[string][]byte{
		"empty":              nil,
		"one byte":           {0x78},
		"wrong tag":          append([]byte{0x30}, good.Marshal()[1:]...),
		"truncated":          good.Marshal()[:500],
		"trailing":           append(good.Marshal(), 0),
		"over the QR cap":    bytes.Repeat([]byte{0x78}, MaxPaymentDER+1),
		"garbage cert":       withCert(good, []byte{0x30, 0x03, 0x02, 0x01, 0x00}),
		"agent cert":         withCert(good, agentCert),
		"foreign payment":    foreign.Marshal(),
		"foreign cert":       withCert(good, foreign.Cert),
		"block as payment":   in.bb.blocks[in.bb.nodes[0].best].raw,
		"receipt as payment": in.Own["wallet-B"].inbox[firstKeyOf(in.Own["wallet-B"].inbox)].Receipt,
	}
	before := snapshotAll(in)
	for name, qr := range qrs {
		t.Run("QR/"+name, func(t *testing.T) {
			for _, amount := range []int64{230, 1} {
				err := in.Inject("wallet-B", true, amount, qr)
				if c := spec.CodeOf(err); err == nil || c == spec.CodeInternal || !c.Known() {
					t.Fatalf("amount %d: %v", amount, err)
				}
			}
			if p := mustParse(qr); p != nil {
				err := in.InjectUpload(in.bb.nodes[1].party(), (&Tx{Payment: p}).Marshal())
				if c := spec.CodeOf(err); err == nil || c == spec.CodeInternal || !c.Known() {
					t.Fatalf("upload: %v", err)
				}
			}
		})
	}
	for name, ag := range map[string][]byte{
		"empty":      nil,
		"short":      make([]byte, AgreeSize-1),
		"long":       make([]byte, AgreeSize+1),
		"bad check":  make([]byte, AgreeSize),
		"QR payload": good.Marshal(),
	} {
		t.Run("AGREE/"+name, func(t *testing.T) {
			err := in.Inject("wallet-C", false, 0, ag)
			if c := spec.CodeOf(err); err == nil || c == spec.CodeInternal || !c.Known() {
				t.Fatalf("%v", err)
			}
		})
	}
	block := in.bb.blocks[in.bb.nodes[0].best].raw
	for i := 0; i < len(block); i += 3 {
		bad := bytes.Clone(block)
		bad[i] ^= 0x10
		// A fresh node view would accept the genuine block; a flipped
		// one must be refused or be that very block (a no-op).
		if err := in.Inject(in.bb.nodes[2].party(), false, 0, bad); err != nil {
			if c := spec.CodeOf(err); c == spec.CodeInternal || !c.Known() {
				t.Fatalf("block byte %d: untyped %v", i, err)
			}
		}
	}
	for name, up := range map[string][]byte{
		"empty":         nil,
		"payment entry": {0xa0, 0x00},
		"mint garbage":  {0x7b, 0x03, 0x02, 0x01, 0x01},
		"block":         block,
	} {
		err := in.InjectUpload(in.bb.nodes[0].party(), up)
		if c := spec.CodeOf(err); err == nil || c == spec.CodeInternal || !c.Known() {
			t.Fatalf("upload %s: %v", name, err)
		}
	}
	if after := snapshotAll(in); after != before {
		t.Fatalf("bad input changed state:\n%s", cmp.Diff(before, after))
	}
}

func firstKeyOf[V any](m map[string]V) string {
	if ks := slices.Sorted(maps.Keys(m)); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

func mustParse(b []byte) *Payment {
	p, err := ParsePayment(b)
	if err != nil {
		return nil
	}
	return p
}

// R6.6: the offline limits (amount per payment, cumulative amount, count)
// are enforced by the payer's wallet before anything moves, and reset
// when it reconciles; the wallet keeps paying from its own unconfirmed
// change in between.
func TestLimits(t *testing.T) {
	in := newInstance(t, 3)
	modeltest.MustFund(t, in, "wallet-A", 60000)
	before := snapshotAll(in)
	p, _ := in.Pay("wallet-A", "wallet-B", 50001, nil)
	if p.Received || p.Paid || len(p.Outcome.Rejections) == 0 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeLimitExceeded {
		t.Fatalf("a payment over ¥500: %+v", p.Outcome.Rejections)
	}
	if snapshotAll(in) != before {
		t.Fatal("a refused payment changed state")
	}
	modeltest.CountLimit(t, in)
	modeltest.MustReconcile(t, in, "wallet-A")
	if v := in.View("wallet-A"); v.Spent != 0 || v.Payments != 0 {
		t.Fatalf("limits not reset: %+v", v)
	}
	if p, _ := in.Pay("wallet-A", "wallet-B", 100, nil); !p.Received {
		t.Fatalf("limits not reset online: %v", p.Outcome.Rejections)
	}
	in.Reconcile("wallet-A")
	in.Reconcile("wallet-B")
	if b := in.View("wallet-B"); b.Offline() != 1100 {
		t.Fatalf("B holds %d, want 1100", b.Offline())
	}
	checkBalanced(t, in, "the limits run")
}

// R1.4: a wallet that has synced refuses a revoked wallet as payee (from
// the blacklist) and as payer (from the revocation list); one that has not
// synced still accepts it.
func TestRevokedWalletRefused(t *testing.T) {
	in := newInstance(t, 3)
	modeltest.RevokedRefused(t, in, in.Bank().Revoke)
}

// A payment outside the payee's time window is refused (clock skew).
func TestTimeWindow(t *testing.T) {
	in := newInstance(t, 3)
	in.Fund("wallet-A", 1000)
	in.World().Device("wallet-A").SetSkew(Window + time.Second)
	p, _ := in.Pay("wallet-A", "wallet-B", 100, nil)
	if p.Received || len(p.Outcome.Rejections) != 1 || spec.CodeOf(p.Outcome.Rejections[0].Err) != spec.CodeReplay {
		t.Fatalf("a payment from the future: %+v", p.Outcome.Rejections)
	}
	// The payer committed: the payment settles when it uploads.
	in.Reconcile("wallet-A")
	in.Reconcile("wallet-B")
	if in.View("wallet-B").Offline() != 100 {
		t.Fatal("the payment the payee refused offline did not settle through the chain")
	}
}

// R3.4: the central bank recovers the payer of every payment from its
// sealed identity escrow; nobody else can open it.
func TestTracePayer(t *testing.T) {
	in := newInstance(t, 3)
	in.Fund("wallet-C", 1000)
	in.Pay("wallet-C", "wallet-A", 100, nil)
	qr := in.Own["wallet-C"].outEntries()[0].p.Marshal()
	if id, err := in.TracePayer(qr); err != nil || id != "wallet-C" {
		t.Fatalf("trace: %q %v", id, err)
	}
	if _, err := newInstance(t, 4).TracePayer(qr); spec.CodeOf(err) != spec.CodeBadSeal {
		t.Fatalf("another chain key opened the escrow: %v", err)
	}
}

// R1.3: the payer sees only the payee's address. If the agreement names
// an address no certified wallet holds, the payer pays it offline (it
// cannot tell), the chain refuses the payment at upload, and the payer's
// coins come back at its reconciliation: nothing moves.
func TestUncertifiedPayeeRefused(t *testing.T) {
	in := newInstance(t, 3)
	in.Fund("wallet-A", 1000)
	var nobody Address
	copy(nobody[:], "an address, no key")
	b := binary.BigEndian.AppendUint64(nil, 230)
	b = append(b, nobody[:]...)
	b = append(b, "nonce-01"...)
	b = append(b, agreeCheck(in.bb.s, b)...)
	if err := in.Inject("wallet-A", false, 0, b); err != nil {
		t.Fatalf("the payer refused: %v", err)
	}
	if v := in.View("wallet-A"); v.Offline() != 770 || len(v.Pending) == 0 {
		t.Fatalf("the payer did not commit: %+v", v)
	}
	modeltest.MustReconcile(t, in, "wallet-A")
	if v := in.View("wallet-A"); v.Offline() != 1000 || len(v.Pending) != 0 {
		t.Fatalf("after reconciling: %+v", v)
	}
	checkBalanced(t, in, "the refused payment")
}

func TestNoSelfPayment(t *testing.T) {
	in := newInstance(t, 3)
	if _, err := in.Pay("wallet-A", "wallet-A", 1, nil); spec.CodeOf(err) != spec.CodeWrongRecipient {
		t.Fatalf("self payment: %v", err)
	}
	if _, err := in.Pay("wallet-A", "nobody", 1, nil); err == nil {
		t.Fatal("payment to an unknown wallet")
	}
	if _, err := in.Pay("wallet-A", "wallet-B", 0, nil); spec.CodeOf(err) != spec.CodeValueMismatch {
		t.Fatalf("zero payment: %v", err)
	}
	if _, err := (Scheme{Nodes: 3}).New(world.New(1), models.Config{}); spec.CodeOf(err) != spec.CodeMalformed {
		t.Fatalf("three nodes: %v", err)
	}
	if _, err := (Scheme{Nodes: 8, Confirmations: 3}).New(world.New(1), models.Config{}); spec.CodeOf(err) != spec.CodeMalformed {
		t.Fatalf("k below n/2: %v", err)
	}
}
