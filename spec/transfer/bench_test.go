package transfer

import (
	"testing"

	"github.com/dualoffline/dualoffline/spec/coin"
)

// benchRecord is a payment of ¥37.45 from a ¥100 coin: nine outputs.
func benchRecord(b *testing.B) *Signed {
	var parent coin.Serial
	parent[0] = 7
	outs, err := Split(parent, 10000, 3745, "wallet-0001", "wallet-0002")
	if err != nil {
		b.Fatal(err)
	}
	return &Signed{Record: Record{Version: Version1, Parent: parent, ParentValue: 10000, Outputs: outs, Payer: "wallet-0001", Payee: "wallet-0002", Counter: 9}, Signature: make([]byte, 71)}
}

// Benchmarks of the record encodings reconciliation repeats per record.
//
//	go test -run XXX -bench . -count 10 ./spec/transfer/
func BenchmarkRecordTBS(b *testing.B) {
	rec := benchRecord(b)
	for b.Loop() {
		rec.TBS()
	}
}

func BenchmarkRecordID(b *testing.B) {
	rec := benchRecord(b)
	for b.Loop() {
		rec.ID()
	}
}

func BenchmarkRecordParse(b *testing.B) {
	raw := benchRecord(b).Marshal()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}
