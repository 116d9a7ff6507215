package der

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// TestElements: the offsets of a SEQUENCE's members, found in place, and
// a walk that stops at the first bytes that are not one element.
func TestElements(t *testing.T) {
	// SEQUENCE { INTEGER 5, OCTET STRING "ab", SEQUENCE {} } and a stray byte.
	b := []byte{0x30, 0x0b, 0x02, 0x01, 0x05, 0x04, 0x02, 'a', 'b', 0x30, 0x00, 0xff, 0x01, 0x00}
	o, ok := Outer(b)
	if want := (Element{Tag: asn1.SEQUENCE, Start: 0, Content: 2, End: 13}); !ok || o != want {
		t.Fatalf("Outer = %+v, %v, want %+v, true", o, ok, want)
	}
	var got []Element
	for i, e := range Elements(b, o.Content, o.End) {
		if i != len(got) {
			t.Fatalf("index %d, want %d", i, len(got))
		}
		got = append(got, e)
	}
	want := []Element{
		{Tag: asn1.INTEGER, Start: 2, Content: 4, End: 5},
		{Tag: asn1.OCTET_STRING, Start: 5, Content: 7, End: 9},
		{Tag: asn1.SEQUENCE, Start: 9, Content: 11, End: 11},
	}
	// 0xff 0x01 0x00 is a high tag number form cryptobyte does not read:
	// the walk ends before it.
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Elements (-want +got):\n%s", d)
	}
	if _, ok := Outer([]byte{0x30, 0x05, 0x02}); ok {
		t.Errorf("Outer of a truncated element: ok")
	}
	if n := len(slices.Collect(func(yield func(Element) bool) {
		for _, e := range Elements(b, 0, 1) {
			yield(e)
		}
	})); n != 0 {
		t.Errorf("one byte of a header: %d elements, want none", n)
	}
}
