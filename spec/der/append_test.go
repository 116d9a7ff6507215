package der

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec/detrand"
)

// TestAppendMatchesBuilder: every append encoder gives the bytes of the
// cryptobyte builder, and every *Len function the length it appends, on
// edge values and seeded random ones.
func TestAppendMatchesBuilder(t *testing.T) {
	r := detrand.New(1, "der append")
	ints := []int64{0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32769, 1 << 40, math.MaxInt64, math.MinInt64}
	uints := []uint64{0, 1, 127, 128, 255, 256, 1<<63 - 1, 1 << 63, math.MaxUint64}
	for range 2000 {
		shift := uint(r.IntN(64))
		ints = append(ints, int64(r.Uint64())>>shift)
		uints = append(uints, r.Uint64()>>shift)
	}
	build := func(f func(b *cryptobyte.Builder)) []byte {
		var b cryptobyte.Builder
		f(&b)
		return b.BytesOrPanic()
	}
	for _, v := range ints {
		want := build(func(b *cryptobyte.Builder) { b.AddASN1Int64(v) })
		if got := AppendInt64(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("AppendInt64(%d) = %x, want %x", v, got, want)
		}
		want = build(func(b *cryptobyte.Builder) { b.AddASN1Enum(v) })
		if got := AppendEnum(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("AppendEnum(%d) = %x, want %x", v, got, want)
		}
		if n := ElementLen(Int64Len(v)); n != len(want) {
			t.Fatalf("Int64Len(%d): element %d bytes, want %d", v, n, len(want))
		}
	}
	for _, v := range uints {
		want := build(func(b *cryptobyte.Builder) { b.AddASN1Uint64(v) })
		if got := AppendUint64(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("AppendUint64(%d) = %x, want %x", v, got, want)
		}
		if n := ElementLen(Uint64Len(v)); n != len(want) {
			t.Fatalf("Uint64Len(%d): element %d bytes, want %d", v, n, len(want))
		}
	}
	for _, n := range []int{0, 1, 127, 128, 255, 256, 300, 65535, 65536, 70000} {
		s := strings.Repeat("x", n)
		want := build(func(b *cryptobyte.Builder) { AddUTF8(b, s) })
		if got := AppendUTF8(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("AppendUTF8 of %d bytes differs", n)
		}
		want = build(func(b *cryptobyte.Builder) { b.AddASN1OctetString([]byte(s)) })
		if got := AppendOctetString(nil, []byte(s)); !bytes.Equal(got, want) {
			t.Fatalf("AppendOctetString of %d bytes differs", n)
		}
		if ElementLen(n) != len(want) {
			t.Fatalf("ElementLen(%d) = %d, want %d", n, ElementLen(n), len(want))
		}
		want = build(func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes([]byte(s)) })
		})
		if got := append(AppendHeader(nil, asn1.SEQUENCE, n), s...); !bytes.Equal(got, want) {
			t.Fatalf("AppendHeader(%d) differs", n)
		}
	}
}
