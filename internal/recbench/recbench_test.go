package recbench

import (
	"bytes"
	"context"
	"testing"

	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// TestFindsInjectedDoubleSpends runs a small workload with a high
// double-spend rate under both suites: every injected double spend is
// found, nothing else is flagged, every upload reconciles.
func TestFindsInjectedDoubleSpends(t *testing.T) {
	for _, s := range suite.All() {
		t.Run(string(s.ID()), func(t *testing.T) {
			rep, err := Run(context.Background(), Config{Records: 400, Seed: 3, Suite: s, DoubleSpendRate: 0.05, Wallets: 8, Chunk: 16})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Injected == 0 {
				t.Fatal("the workload injected no double spend")
			}
			if !rep.OK() {
				t.Fatalf("injected %d, found %d, missed %d, false %d, invalid %d (%s), orphans %d",
					rep.Injected, rep.Found, rep.Missed, rep.FalseFlags, rep.Invalid, rep.FirstReason, rep.Orphans)
			}
			// One per record and one per coin, and one more for a
			// double spend of a coin's first hop (its holding is the
			// bare coin again).
			if lo, hi := rep.Records+rep.Coins, rep.Records+rep.Coins+rep.Injected; rep.Verifies < lo || rep.Verifies > hi {
				t.Errorf("%d verifications for %d records of %d coins, want %d..%d", rep.Verifies, rep.Records, rep.Coins, lo, hi)
			}
			if rep.IndexCoins == 0 || rep.BytesPerCoin > 48 {
				t.Errorf("index: %d coins, %.1f B/coin", rep.IndexCoins, rep.BytesPerCoin)
			}
		})
	}
}

// TestTamperedUploadRefused: a record whose signature does not verify is
// counted invalid, not reconciled.
func TestTamperedUploadRefused(t *testing.T) {
	c := Config{Records: 8, Seed: 1, Wallets: 4}.withDefaults()
	w, err := newWorld(c)
	if err != nil {
		t.Fatal(err)
	}
	ups, _, err := w.genCoin(c, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range ups {
		if ch := w.check(u); ch.err != nil {
			t.Fatalf("upload %d: %v", i, ch.err)
		}
		bad := upload{holding: u.holding, record: append([]byte(nil), u.record...)}
		bad.record[len(bad.record)-3] ^= 1 // inside the signature
		if ch := w.check(bad); ch.err == nil {
			t.Fatalf("upload %d with a flipped signature bit reconciled", i)
		}
	}
	// A record of hop 2 presented with the coin's root instead of its
	// real holding does not spend that holding's coin.
	if ch := w.check(upload{holding: ups[0].holding, record: ups[2].record}); ch.err == nil {
		t.Fatal("a record presented with another holding reconciled")
	}
}

// TestDeterministic: the same seed gives the same uploads.
func TestDeterministic(t *testing.T) {
	c := Config{Records: 8, Seed: 5, Wallets: 4, DoubleSpendRate: 0.5}.withDefaults()
	var got [2][]upload
	for i := range got {
		w, err := newWorld(c)
		if err != nil {
			t.Fatal(err)
		}
		if got[i], _, err = w.genCoin(c, 1, 4); err != nil {
			t.Fatal(err)
		}
	}
	for i := range got[0] {
		if string(got[0][i].record) != string(got[1][i].record) || string(got[0][i].holding) != string(got[1][i].holding) {
			t.Fatalf("upload %d differs between two runs of one seed", i)
		}
	}
}

// BenchmarkReconcile reconciles 20000 records per op (GM, all cores) and
// reports records/s and the ratio to raw parallel verification.
//
//	go test -run XXX -bench Reconcile -count 6 ./internal/recbench/
func BenchmarkReconcile(b *testing.B) {
	var rep *Report
	for b.Loop() {
		var err error
		if rep, err = Run(context.Background(), Config{Records: 20000, Seed: 1, DoubleSpendRate: DefaultDoubleSpendRate}); err != nil {
			b.Fatal(err)
		}
		if !rep.OK() {
			b.Fatalf("reconciliation wrong: %+v", rep)
		}
	}
	b.ReportMetric(rep.RecordsPerSec, "records/s")
	b.ReportMetric(rep.Ratio, "x-raw-verify")
	b.ReportMetric(rep.CPURatio, "x-raw-verify-cpu")
	b.ReportMetric(rep.BytesPerCoin, "B/coin")
}

// BenchmarkCheck reconciles pre-generated uploads on one goroutine, next
// to BenchmarkVerify, the bare signature verification it is set against:
// the difference is reconciliation's own cost per record.
//
//	go test -run XXX -bench 'Check|Verify' -count 10 ./internal/recbench/
func BenchmarkCheck(b *testing.B) {
	c := Config{Records: 800, Seed: 1}.withDefaults()
	w, err := newWorld(c)
	if err != nil {
		b.Fatal(err)
	}
	var ups []upload
	for n := range c.Records / c.Hops {
		u, _, err := w.genCoin(c, n, c.Hops)
		if err != nil {
			b.Fatal(err)
		}
		ups = append(ups, u...)
	}
	i := 0
	suite.Uncached(func() { // each check verifies, as Run's do
		for b.Loop() {
			if ch := w.check(ups[i%len(ups)]); ch.err != nil {
				b.Fatal(ch.err)
			}
			i++
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	m, err := NewRaw(suite.Default(), 1)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	suite.Uncached(func() { // each verification computed, as Raw.Burst's
		for b.Loop() {
			it := &m.items[i%len(m.items)]
			if it.pub.Verify(it.tbs, it.sig) != nil {
				b.Fatal("bad signature")
			}
			i++
		}
	})
}

// TestUploadedTBS: the signed bytes check takes from an upload are the
// record's TBS.
func TestUploadedTBS(t *testing.T) {
	c := Config{Records: 4, Seed: 2, Wallets: 4}.withDefaults()
	w, err := newWorld(c)
	if err != nil {
		t.Fatal(err)
	}
	ups, _, err := w.genCoin(c, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range ups {
		rec, err := transfer.Parse(u.record)
		if err != nil {
			t.Fatal(err)
		}
		got := der.Open(u.record, der.Application(transfer.TagRecord), transfer.MaxRecordDER, "record").
			Element("tbs", der.Application(transfer.TagRecordTBS), transfer.MaxRecordDER)
		if !bytes.Equal(got, rec.TBS()) {
			t.Fatalf("upload %d: raw TBS differs from the record's", i)
		}
	}
}
