package bank

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// entryIDs are the ids of entries, for comparisons.
func entryIDs(es []Entry) map[[32]byte]bool {
	out := map[[32]byte]bool{}
	for _, e := range es {
		out[e.Record.ID()] = true
	}
	return out
}

// A Sealed agent (chip's issuance desk) registers its hand-overs and the
// deposits it takes sealed: the central bank knows them (AllEntries,
// conflicts), Entries, what the agent banks read, does not list them;
// a record of such a lineage registered in the clear later (a payee's
// upload) brings its lineage into the clear with it.
func TestSealedAgentKeepsItsRecordsOutOfEntries(t *testing.T) {
	f := newFixture(t, suite.Default())
	desk, err := f.cb.AddAgent("DESK", agentReserve)
	if err != nil {
		t.Fatal(err)
	}
	desk.Sealed = true
	desk.Open(walletA, opening)
	clear := len(f.cb.Registry().Entries())
	hs, err := desk.Withdraw(walletA, 300)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.cb.Registry().Entries()); got != clear {
		t.Fatalf("the desk's hand-overs are in Entries: %d entries, %d before", got, clear)
	}
	all := entryIDs(f.cb.Registry().AllEntries())
	for _, h := range hs {
		if !all[h.Chain[0].ID()] {
			t.Fatalf("the desk's hand-over of %s is not registered", h.Serial)
		}
	}
	// A deposit at the desk is sealed too, and still flags a double spend
	// of the coin with a record uploaded in the clear.
	if _, err := desk.Deposit(walletA, f.items(t, walletA, "DESK", hs[:1])); err != nil {
		t.Fatal(err)
	}
	if got := len(f.cb.Registry().Entries()); got != clear {
		t.Fatalf("the deposit at the desk is in Entries: %d entries, %d before", got, clear)
	}
	spend := f.record(t, hs[0], walletA, walletB, statedValue(hs[0]), 7)
	f.add(t, hs[0], spend)
	if len(f.cb.Registry().DoubleSpends()) != 1 {
		t.Fatalf("a payment of a coin deposited at the desk is not flagged: %v", f.cb.Registry().DoubleSpends())
	}
	// The payment is in the clear, and with it the hand-over it carries;
	// the sealed deposit record stays sealed.
	in := entryIDs(f.cb.Registry().Entries())
	if !in[spend.ID()] || !in[hs[0].Chain[0].ID()] {
		t.Errorf("a record uploaded in the clear, or the hand-over its holding carries, is not in Entries")
	}
	if len(hs) > 1 && in[hs[1].Chain[0].ID()] {
		t.Errorf("the hand-over of an unspent coin is in Entries")
	}
	if len(in) != clear+2 {
		t.Errorf("Entries holds %d records, want the %d before, the payment and its hand-over", len(in), clear)
	}
}

// AddSealed registers a record sealed; Add of the same record later
// unseals it, and a record added sealed after being in the clear stays
// in the clear.
func TestAddSealed(t *testing.T) {
	f := newFixture(t, suite.Default())
	hs := f.withdraw(t, walletA, 300)
	reg := f.cb.Registry()
	recs := make([]*transfer.Signed, 2)
	for i := range recs {
		recs[i] = f.record(t, hs[i], walletA, walletB, statedValue(hs[i]), uint64(10+i))
	}
	if err := reg.AddSealed(hs[0], recs[0]); err != nil {
		t.Fatal(err)
	}
	f.add(t, hs[1], recs[1])
	if err := reg.AddSealed(hs[1], recs[1]); err != nil {
		t.Fatal(err)
	}
	in, all := entryIDs(reg.Entries()), entryIDs(reg.AllEntries())
	if in[recs[0].ID()] || !all[recs[0].ID()] || !in[recs[1].ID()] {
		t.Fatalf("sealed %v in clear %v, in all %v; clear then sealed: in clear %v", true, in[recs[0].ID()], all[recs[0].ID()], in[recs[1].ID()])
	}
	f.add(t, hs[0], recs[0])
	if !entryIDs(reg.Entries())[recs[0].ID()] {
		t.Errorf("a sealed record added in the clear stays out of Entries")
	}
}

// HolderFor hands each coin of a withdrawal to its own holder; the
// account debited is the withdrawer's.
func TestHolderFor(t *testing.T) {
	f := newFixture(t, suite.Default())
	f.agent.HolderFor = func(holder string, i int) string { return fmt.Sprintf("%s-%d", holder, i) }
	before := f.agent.Balance(walletA)
	hs := f.withdraw(t, walletA, 3)
	if len(hs) != 2 || f.agent.Balance(walletA) != before-3 {
		t.Fatalf("withdrawal of 3 fen: %d coins, account %d → %d", len(hs), before, f.agent.Balance(walletA))
	}
	for i, h := range hs {
		if want, got := fmt.Sprintf("%s-%d", walletA, i), h.Chain[0].Outputs[0].Holder; got != want || h.Chain[0].Payee != want {
			t.Errorf("coin %d handed to %q (payee %q), want %q", i, got, h.Chain[0].Payee, want)
		}
	}
}

// AddChangesNothing is true exactly when Add would change nothing: not
// for an unknown record, not for a sealed one added in the clear (Add
// reveals it), but for a sealed one inside a sealed operation and for one
// in the clear.
func TestAddChangesNothing(t *testing.T) {
	f := newFixture(t, suite.Default())
	hs := f.withdraw(t, walletA, 300)
	reg := f.cb.Registry()
	rec := f.record(t, hs[0], walletA, walletB, statedValue(hs[0]), 10)
	if reg.AddChangesNothing(rec.ID()) {
		t.Fatal("an unknown record: AddChangesNothing")
	}
	if err := reg.AddSealed(hs[0], rec); err != nil {
		t.Fatal(err)
	}
	if reg.AddChangesNothing(rec.ID()) {
		t.Error("a sealed record, added in the clear next (it would be revealed): AddChangesNothing")
	}
	inside := false
	reg.Sealing(func() { inside = reg.AddChangesNothing(rec.ID()) })
	if !inside {
		t.Error("a sealed record inside a sealed operation: not AddChangesNothing")
	}
	f.add(t, hs[0], rec)
	if !reg.AddChangesNothing(rec.ID()) || !reg.AddChangesNothing(hs[0].Chain[0].ID()) {
		t.Error("a record in the clear, or the hand-over it carries: not AddChangesNothing")
	}
}

// ClearedSince lists what joined Entries since a mark, once, in the order
// it did: a record registered in the clear at once, a sealed one only
// when it is revealed.
func TestClearedSince(t *testing.T) {
	f := newFixture(t, suite.Default())
	hs := f.withdraw(t, walletA, 300)
	reg := f.cb.Registry()
	_, mark := reg.ClearedSince(0)
	sealed := f.record(t, hs[0], walletA, walletB, statedValue(hs[0]), 10)
	clear := f.record(t, hs[1], walletA, walletB, statedValue(hs[1]), 11)
	if err := reg.AddSealed(hs[0], sealed); err != nil {
		t.Fatal(err)
	}
	f.add(t, hs[1], clear)
	got, mark := reg.ClearedSince(mark)
	if len(got) != 1 || got[0].Record.ID() != clear.ID() {
		t.Fatalf("after a sealed and a clear upload: %d cleared, want the clear record only", len(got))
	}
	f.add(t, hs[0], sealed)
	got, mark = reg.ClearedSince(mark)
	if len(got) != 1 || got[0].Record.ID() != sealed.ID() {
		t.Fatalf("after the sealed record's reveal: %d cleared, want it", len(got))
	}
	if got, _ := reg.ClearedSince(mark); len(got) != 0 {
		t.Errorf("nothing changed, yet %d cleared", len(got))
	}
	all, _ := reg.ClearedSince(0)
	if diff := cmp.Diff(entryIDs(reg.Entries()), entryIDs(all)); diff != "" {
		t.Errorf("everything cleared since the start is not Entries (-want +got):\n%s", diff)
	}
}
