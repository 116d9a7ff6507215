package pseudocoin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/bank"
	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// doubleSpendEvidence has a clone of wallet-A spend the bundle wallet-A
// spends, reconciles both payees and returns the instance and the desk's
// first evidence.
func doubleSpendEvidence(t testing.TB) (*Instance, bank.DoubleSpend) {
	t.Helper()
	in := newInstanceT(t, suite.Default())
	a, b, c := in.Wallets()[0], in.Wallets()[1], in.Wallets()[2]
	modeltest.MustFund(t, in, a, 1000)
	clone := modeltest.MustClone(t, in, a)
	if p, err := in.Pay(a, b, 1000, nil); err != nil || !p.Received {
		t.Fatalf("payment by the original: %+v %v", p, err)
	}
	if p, err := in.Pay(clone, c, 1000, nil); err != nil || !p.Received {
		t.Fatalf("payment by the clone: %+v %v", p, err)
	}
	modeltest.MustReconcile(t, in, b, c)
	if len(in.desk.doubles) == 0 {
		t.Fatal("a bundle spent twice raised no evidence")
	}
	ev := in.desk.doubles[0]
	if _, err := in.VerifyEvidence(ev); err != nil {
		t.Fatalf("the desk's own evidence does not verify: %v", err)
	}
	return in, ev
}

// A record with one signature for two inputs is refused when parsed, and
// evidence built from one is refused rather than crashing VerifyEvidence
// (review of issue 17, finding 1).
func TestEvidenceRecordMissingSignature(t *testing.T) {
	in, ev := doubleSpendEvidence(t)
	r, err := ParseRecord(ev.RecordB)
	if err != nil {
		t.Fatal(err)
	}
	// Another bundle, spent first, with no signature of its own.
	modeltest.MustFund(t, in, in.Wallets()[1], 1000)
	var other *Holding
	for _, h := range in.elementMust(t, in.Wallets()[1]).holdings() {
		if !bytes.Equal(h.h.Key(), r.Inputs[0].Key()) {
			other = h.h
		}
	}
	r.Inputs = append([]*Holding{other}, r.Inputs...)
	r.enc = nil
	crafted := r.Marshal()
	if _, err := ParseRecord(crafted); !errors.As(err, new(*spec.Error)) {
		t.Fatalf("a record with %d inputs and %d signature parses: %v", len(r.Inputs), len(r.Sigs), err)
	}
	ev.RecordA = crafted
	if _, err := in.VerifyEvidence(ev); err == nil {
		t.Fatal("evidence with an unsigned input verifies")
	}
}

// allocations reads the tag allocation tables of spec/formats.md: for each
// class heading ("APPLICATION", "PRIVATE"), every number a row allocates
// (a range "27..29" allocates each) and the row's text.
func allocations(t *testing.T) map[string]map[int][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "spec", "formats.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[int][]string{}
	class := ""
	row := regexp.MustCompile(`^\| (\d+)(?:\.\.(\d+))? \|`)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "#") {
			class = ""
		}
		if h, ok := strings.CutPrefix(line, "### `["); ok {
			if name, rest, ok := strings.Cut(h, " n]` tag allocation"); ok && rest == "" {
				class = name
				out[class] = map[int][]string{}
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if class == "" || m == nil {
			continue
		}
		lo, _ := strconv.Atoi(m[1])
		hi := lo
		if m[2] != "" {
			hi, _ = strconv.Atoi(m[2])
		}
		for n := lo; n <= hi; n++ {
			out[class][n] = append(out[class][n], line)
		}
	}
	return out
}

// No number of either tag class is allocated twice in spec/formats.md, and
// every pseudocoin tag is a [PRIVATE n] the table allocates to it, by its
// Go name (review of issue 17, finding 2: Change and ChangeRef took
// chain's [APPLICATION 27] and [APPLICATION 28]).
func TestTagAllocation(t *testing.T) {
	tables := allocations(t)
	for _, class := range []string{"APPLICATION", "PRIVATE"} {
		if len(tables[class]) == 0 {
			t.Fatalf("spec/formats.md has no %s tag allocation table", class)
		}
		for n, rows := range tables[class] {
			if len(rows) != 1 {
				t.Errorf("[%s %d] is allocated %d times: %q", class, n, len(rows), rows)
			}
		}
	}
	for name, tag := range map[string]casn1.Tag{
		"tagBundle": tagBundle, "tagRecord": tagRecord, "tagCore": tagCore, "tagEscrow": tagEscrow,
		"tagHello": tagHello, "tagInvoice": tagInvoice, "tagAck": tagAck, "tagLarge": tagLarge,
		"tagUpload": tagUpload, "tagChange": tagChange, "tagRef": tagRef, "tagSurrender": tagSurrender,
	} {
		if tag&0xE0 != 0xE0 {
			t.Errorf("%s is tag byte %#x, not a constructed [PRIVATE n]", name, uint8(tag))
			continue
		}
		rows := tables["PRIVATE"][int(tag&0x1F)]
		if len(rows) != 1 || !strings.Contains(rows[0], fmt.Sprintf("`0x%02X`", uint8(tag))) || !strings.Contains(rows[0], "`"+name+"`") {
			t.Errorf("%s ([PRIVATE %d]) is not allocated to it in spec/formats.md: %q", name, tag&0x1F, rows)
		}
	}
}

// A payment a device made before it was revoked still clears at the
// payee's reconciliation: revocation bounds what an element does after,
// not what it paid before (review of issue 17, finding 3).
func TestRevokedAfterPayingClears(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	modeltest.MustFund(t, in, a, 1000)
	if p, err := in.Pay(a, b, 500, nil); err != nil || !p.Received {
		t.Fatalf("payment: %+v %v", p, err)
	}
	if err := in.Bank().Revoke(in.View(a).Identity); err != nil {
		t.Fatal(err)
	}
	modeltest.MustReconcile(t, in, b)
	if got := in.View(b).Offline(); got != 500 {
		t.Fatalf("payee holds %d fen after reconciling, want 500", got)
	}
	if len(in.desk.records) == 0 {
		t.Fatal("the desk cleared no record of the revoked payer")
	}
	modeltest.CheckBalanced(t, in, "the payee's reconciliation")
}

// A revoked element withdraws nothing, and the desk mints it no bundles
// (review of issue 17, finding 3).
func TestRevokedGetsNoBundles(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a := in.Wallets()[0]
	modeltest.MustFund(t, in, a, 1000)
	id := in.View(a).Identity
	if err := in.Bank().Revoke(id); err != nil {
		t.Fatal(err)
	}
	if err := in.Fund(a, 1000); !errors.Is(err, spec.ErrCertRevoked) {
		t.Fatalf("a revoked element's withdrawal: %v, want cert-revoked", err)
	}
	if got := in.View(a).Offline(); got != 1000 {
		t.Fatalf("after a refused withdrawal the element holds %d fen, want 1000", got)
	}
	modeltest.CheckBalanced(t, in, "the refused withdrawal")
	in.desk.owed[id] += 1000 // as if owed from before the revocation
	k, err := in.s.GenerateKey(in.w.Rand("test"))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := in.desk.mint(id, "after-revocation", [][]byte{k.Public().SPKI()}); !errors.Is(err, spec.ErrCertRevoked) || len(out) != 0 {
		t.Fatalf("the desk minted %d bundles to a revoked element: %v", len(out), err)
	}
}

// Two bundles of the same coins minted weeks apart differ only in key and
// signature: a bundle states nothing that links a payment to when its
// payer withdrew (review of issue 17, finding 4: Bundle.Week).
func TestBundleStatesNoDate(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a := in.Wallets()[0]
	var bundles []*Bundle
	for i := 0; i < 2; i++ {
		modeltest.MustFund(t, in, a, 1000)
		for _, h := range in.elementMust(t, a).holdings() {
			if h.h.Bundle != nil && len(bundles) == i && (i == 0 || !bytes.Equal(h.h.Bundle.Key, bundles[0].Key)) {
				bundles = append(bundles, h.h.Bundle)
			}
		}
		in.w.Advance(8 * 24 * time.Hour)
	}
	if len(bundles) != 2 {
		t.Fatalf("found %d bundles, want 2", len(bundles))
	}
	x, y := *bundles[0], *bundles[1]
	y.Key = x.Key
	if diff := cmp.Diff(x.TBS(), y.TBS()); diff != "" {
		t.Fatalf("bundles of 1000 fen minted 8 days apart differ beyond their key (-want +got):\n%s", diff)
	}
}

// An insider's record that pays the payee its share and keeps a change
// worth more than its inputs leave is refused by the payee with
// value-mismatch, and stored by a payee that skips the record rules
// (review of issue 17, finding 5: the kind was skipped as inexpressible).
func TestInsiderInflatedChange(t *testing.T) {
	for _, mutation := range []string{"", mutantNoRecordRules} {
		in := modeltest.New(t, Scheme{mutation: mutation}, 1, suite.Default()).(*Instance)
		a, b := in.Wallets()[0], in.Wallets()[1]
		modeltest.MustFund(t, in, a, 500)
		if err := in.Insider(a, models.InsiderPlan{Kind: models.InsiderInflatedChange, Value: 100}); err != nil {
			t.Fatalf("mutation %q: %v", mutation, err)
		}
		p, err := in.Pay(a, b, 200, nil)
		if err != nil {
			t.Fatalf("mutation %q: %v", mutation, err)
		}
		refused := false
		for _, r := range p.Outcome.Rejections {
			refused = refused || errors.Is(r.Err, spec.ErrValueMismatch)
		}
		if want := mutation == ""; refused != want || p.Received == want {
			t.Fatalf("mutation %q: payee refused with value-mismatch %v (want %v), stored %v; rejections %+v", mutation, refused, want, p.Received, p.Outcome.Rejections)
		}
	}
}

// When its memory of paid receiving keys is full, a payer forgets the one
// it paid longest ago, not the one whose hash sorts first (review of
// issue 17, finding 6).
func TestPaidKeysForgottenByAge(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	modeltest.MustFund(t, in, a, 1000)
	e := in.elementMust(t, a)
	puts := map[string][]byte{}
	name := func(i int) string { return fmt.Sprintf("%s%016x", prefPaid, maxSeen-i) } // the oldest sorts last
	for i := 0; i < maxSeen; i++ {
		puts[name(i)] = []byte(fmt.Sprintf("%016d", i))
	}
	e.dev.Commit(puts, nil)
	if p, err := in.Pay(a, b, 100, nil); err != nil || !p.Received {
		t.Fatalf("payment: %+v %v", p, err)
	}
	if _, ok := e.dev.Get(name(0)); ok {
		t.Errorf("the receiving key paid longest ago is still remembered")
	}
	if _, ok := e.dev.Get(name(maxSeen - 1)); !ok {
		t.Errorf("the receiving key paid last before this payment is forgotten")
	}
	if n := len(e.dev.Keys(prefPaid)); n != maxSeen {
		t.Errorf("the payer remembers %d receiving keys, want %d", n, maxSeen)
	}
}

// A payment above T is logged against its payer's account when the desk
// first clears it, whoever uploads it: a payer that never reconciles
// does not keep it off the agent bank's log (review of issue 17, item 7).
func TestLargeLoggedFromPayeeUpload(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	amount := in.cfg.Threshold + 1
	modeltest.MustFund(t, in, a, amount)
	if p, err := in.Pay(a, b, amount, nil); err != nil || !p.Received {
		t.Fatalf("payment: %+v %v", p, err)
	}
	modeltest.MustReconcile(t, in, b)
	var logged []Large
	for _, o := range in.AgentView(a) {
		if l, err := ParseLarge(o.Bytes); err == nil {
			logged = append(logged, l)
		}
	}
	if len(logged) != 1 || logged[0].Amount != amount || logged[0].Account != in.agent.AccountOf(in.View(a).Identity) {
		t.Fatalf("the agent bank's log of %s after its payee reconciled: %+v, want one payment of %d fen", a, logged, amount)
	}
	modeltest.MustReconcile(t, in, a)
	larges, uploads := 0, 0 // besides the sealed mint rounds it carried
	for _, o := range in.AgentView(a) {
		if _, err := ParseLarge(o.Bytes); err == nil {
			larges++
		} else if strings.HasPrefix(o.Label, "upload ") {
			uploads++
		}
	}
	if larges != 1 || uploads != 1 {
		t.Fatalf("after the payer reconciles too the agent bank holds %d large-payment entries and %d uploads for it, want 1 and 1", larges, uploads)
	}
}

// A clone spending a bundle its original gave back at reconciliation is
// flagged in both upload orders, with evidence VerifyEvidence accepts
// naming the element (review of issue 17, item 7: the surrender first
// gave unverifiable evidence, the record first no flag at all).
func TestDoubleSpendAfterSurrender(t *testing.T) {
	for _, surrenderFirst := range []bool{true, false} {
		in := newInstanceT(t, suite.Default())
		a, b := in.Wallets()[0], in.Wallets()[1]
		modeltest.MustFund(t, in, a, 1000) // below the full bundle size: surrendered at reconciliation
		clone := modeltest.MustClone(t, in, a)
		if surrenderFirst {
			modeltest.MustReconcile(t, in, a)
		}
		if p, err := in.Pay(clone, b, 1000, nil); err != nil || !p.Received {
			t.Fatalf("surrender first %v: the clone's payment: %+v %v", surrenderFirst, p, err)
		}
		modeltest.MustReconcile(t, in, b)
		if !surrenderFirst {
			modeltest.MustReconcile(t, in, a)
		}
		if len(in.desk.doubles) == 0 {
			t.Fatalf("surrender first %v: no double spend flagged", surrenderFirst)
		}
		for _, ev := range in.desk.doubles {
			who, err := in.VerifyEvidence(ev)
			if err != nil || who != in.View(a).Identity {
				t.Fatalf("surrender first %v: evidence names %q, %v; want %s", surrenderFirst, who, err, in.View(a).Identity)
			}
		}
	}
}

// An element whose reconciliation is pending (its reply lost) does not
// spend the holdings its upload surrenders: with surrenders signed by the
// holding's key, that would be a double spend of an honest element.
func TestPendingSurrenderNotSpent(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a, b := in.Wallets()[0], in.Wallets()[1]
	modeltest.MustFund(t, in, a, 1000)
	e := in.elementMust(t, a)
	var recv []string
	for _, h := range e.holdings() {
		recv = append(recv, prefHold+h.name)
	}
	e.dev.Commit(map[string][]byte{keySync: mustJSON(syncState{Request: "pending", Recv: recv})}, nil)
	if p, _ := in.Pay(a, b, 100, nil); p.Received || p.Paid {
		t.Fatalf("an element paid out of holdings its pending upload surrenders: %+v", p)
	}
	if got := len(e.holdings()); got != len(recv) {
		t.Fatalf("the element holds %d holdings after the refused payment, want %d", got, len(recv))
	}
}

// A mint request whose reply was lost, presented again after the element
// was revoked, gets the bundles the desk minted for it: the spec's replay
// rule ("A request presented again (the reply was lost) gets the same
// bundles") has no exception, and refusing it loses the minted value for
// good (review of issue 16/17: the sealed round checked revocation first).
func TestRevokedMintRetryGetsBundles(t *testing.T) {
	in := newInstanceT(t, suite.Default())
	a := in.Wallets()[0]
	in.cb.ArmCut(1, true) // the mint, after the withdrawal: it commits, its reply is lost
	if err := in.Fund(a, 1000); !bank.NoReply(err) {
		t.Fatalf("the withdrawal with the mint reply lost: %v, want no reply", err)
	}
	e := in.elementMust(t, a)
	if _, pending := readJSON[mintState](e, keyMint); !pending {
		t.Fatal("no mint request pending after its reply was lost")
	}
	if err := in.Bank().Revoke(in.View(a).Identity); err != nil {
		t.Fatal(err)
	}
	if err := in.mintOwed(a, &ownWallet{in: in, e: e}, false); err != nil {
		t.Fatalf("the retried mint request after revocation: %v", err)
	}
	if got := in.View(a).Offline(); got != 1000 {
		t.Fatalf("after the retried mint the element holds %d fen, want 1000", got)
	}
	if got := in.Audit().Pending; got != 0 {
		t.Fatalf("after the retried mint %d fen are pending, want 0", got)
	}
	modeltest.CheckBalanced(t, in, "the retried mint")
}
