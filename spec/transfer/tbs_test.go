package transfer

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/dualoffline/dualoffline/spec/coin"
	"github.com/dualoffline/dualoffline/spec/der"
	"github.com/dualoffline/dualoffline/spec/detrand"
)

// builderTBS and builderMarshal are the record encodings written with the
// cryptobyte builder: the reference the one-pass encoders must match.
func builderTBS(r *Record) []byte {
	return der.Marshal(der.Application(TagRecordTBS), func(b *der.Builder) {
		b.AddASN1Int64(int64(r.Version))
		b.AddASN1OctetString(r.Parent[:])
		b.AddASN1Int64(r.ParentValue)
		b.AddASN1(0x30, func(b *der.Builder) {
			for _, o := range r.Outputs {
				b.AddASN1(0x30, func(b *der.Builder) {
					b.AddASN1OctetString(o.Serial[:])
					b.AddASN1Int64(o.Value)
					der.AddUTF8(b, o.Holder)
				})
			}
		})
		der.AddUTF8(b, r.Payer)
		der.AddUTF8(b, r.Payee)
		b.AddASN1OctetString(r.Challenge[:])
		b.AddASN1Uint64(r.Counter)
	})
}

func builderMarshal(s *Signed) []byte {
	return der.Marshal(der.Application(TagRecord), func(b *der.Builder) {
		b.AddBytes(builderTBS(&s.Record))
		b.AddASN1OctetString(s.Signature)
	})
}

// TestTBSMatchesBuilder compares the encoders with the reference on
// seeded random records, valid or not: negative and huge values, long
// ids, no outputs and many, long signatures.
func TestTBSMatchesBuilder(t *testing.T) {
	r := detrand.New(1, "tbs reference")
	str := func() string { return strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(300)) }
	num := func() int64 { return int64(r.Uint64()) >> uint(r.IntN(64)) }
	for i := range 3000 {
		rec := Record{Version: int(num()), ParentValue: num(), Payer: str(), Payee: str(), Counter: r.Uint64() >> uint(r.IntN(64))}
		r.Read(rec.Parent[:])
		r.Read(rec.Challenge[:])
		for range r.IntN(20) {
			o := Output{Value: num(), Holder: str()}
			r.Read(o.Serial[:])
			rec.Outputs = append(rec.Outputs, o)
		}
		if got, want := rec.TBS(), builderTBS(&rec); !bytes.Equal(got, want) {
			t.Fatalf("record %d: TBS\n%x\nwant\n%x", i, got, want)
		}
		s := &Signed{Record: rec, Signature: r.Bytes(r.IntN(200))}
		if got, want := s.Marshal(), builderMarshal(s); !bytes.Equal(got, want) {
			t.Fatalf("record %d: Marshal differs", i)
		}
	}
	// A holding of a lineage of such records.
	h := &Holding{Root: &coin.Signed{Coin: coin.New(coin.Serial{1}, 10000, coin.Serial{}, "AGENT"), Signature: make([]byte, 70)}}
	for i := range MaxHops + 2 {
		want := der.Marshal(der.Application(TagHolding), func(b *der.Builder) {
			b.AddBytes(h.Root.Marshal())
			b.AddASN1(0x30, func(b *der.Builder) {
				for _, r := range h.Chain {
					b.AddBytes(builderMarshal(r))
				}
			})
			b.AddASN1OctetString(h.Serial[:])
		})
		if got := h.Marshal(); !bytes.Equal(got, want) {
			t.Fatalf("holding of %d records differs", i)
		}
		rec := Record{Version: Version1, Parent: h.Serial, ParentValue: 10000, Payer: "A", Payee: "B", Counter: uint64(i)}
		rec.Outputs, _ = Split(h.Serial, 10000, 3745, "A", "B")
		h = h.Extend(&Signed{Record: rec, Signature: r.Bytes(71)}, rec.Outputs[0].Serial)
	}
	// And a real payment round-trips.
	var parent coin.Serial
	outs, err := Split(parent, 10000, 3745, "A", "B")
	if err != nil {
		t.Fatal(err)
	}
	s := &Signed{Record: Record{Version: Version1, Parent: parent, ParentValue: 10000, Outputs: outs, Payer: "A", Payee: "B"}, Signature: make([]byte, 70)}
	back, err := Parse(s.Marshal())
	if err != nil || !bytes.Equal(back.Marshal(), builderMarshal(s)) {
		t.Fatalf("round trip: %v", err)
	}
}

// TestChildSerialPinned pins ChildSerial: serials are part of the signed
// records of the published vectors, so its construction may not drift.
func TestChildSerialPinned(t *testing.T) {
	var parent coin.Serial
	for i := range parent {
		parent[i] = byte(i)
	}
	want := sha256.Sum256(append(append([]byte("dualoffline child serial v1\x00"), parent[:]...), 0x01, 0x02))
	if got := ChildSerial(parent, 0x0102); !bytes.Equal(got[:], want[:coin.SerialSize]) {
		t.Fatalf("ChildSerial = %x, want %x", got, want[:coin.SerialSize])
	}
}

// TestParseTipAgrees: on holdings ParseHolding accepts (lineages of 0 to
// MaxHops records), ParseTip returns the same root bytes, last record,
// hop count and serial, and the last record's TBS; framing errors fail
// both.
func TestParseTipAgrees(t *testing.T) {
	r := detrand.New(3, "parse tip")
	h := &Holding{Root: &coin.Signed{Coin: coin.New(coin.Serial{9}, 10000, coin.Serial{}, "AGENT"), Signature: make([]byte, 70)}, Serial: coin.Serial{9}}
	for hops := 0; hops <= MaxHops; hops++ {
		b := h.Marshal()
		full, err := ParseHolding(b)
		if err != nil {
			t.Fatal(err)
		}
		tip, err := ParseTip(b)
		if err != nil {
			t.Fatalf("%d hops: %v", hops, err)
		}
		if !bytes.Equal(tip.Root, full.Root.Marshal()) || tip.Hops != len(full.Chain) || tip.Serial != full.Serial {
			t.Fatalf("%d hops: tip %+v disagrees with the holding", hops, tip)
		}
		if hops == 0 {
			if tip.Last != nil || tip.LastTBS != nil {
				t.Fatal("a bare coin has a last record")
			}
		} else if last := full.Chain[hops-1]; !bytes.Equal(tip.Last.Marshal(), last.Marshal()) || !bytes.Equal(tip.LastTBS, last.TBS()) {
			t.Fatalf("%d hops: last record differs", hops)
		}
		for _, bad := range [][]byte{b[:len(b)-1], append(bytes.Clone(b), 0), nil} {
			_, e1 := ParseHolding(bad)
			_, e2 := ParseTip(bad)
			if e1 == nil || e2 == nil {
				t.Fatalf("%d hops: a broken frame accepted (holding %v, tip %v)", hops, e1, e2)
			}
		}
		rec := Record{Version: Version1, Parent: h.Serial, ParentValue: 10000, Payer: "A", Payee: "B", Counter: uint64(hops)}
		rec.Outputs, _ = Split(h.Serial, 10000, 1+r.Int64N(9999), "A", "B")
		h = h.Extend(&Signed{Record: rec, Signature: r.Bytes(71)}, rec.Outputs[0].Serial)
	}
	if _, err := ParseTip(h.Marshal()); err == nil {
		t.Fatalf("a chain of %d records accepted", MaxHops+1)
	}
}
