package apdu

import (
	"bytes"
	"testing"
)

// ReplaceValue replaces the value ValueSpans numbers n, at any depth, and
// nothing else: after re-marshaling, span n holds the new value (long
// enough to change its length encoding) and every other span its old
// bytes; an n past the last value reports false; the input is unchanged.
func TestReplaceValue(t *testing.T) {
	items := []TLV{
		{Tag: 0xDF01, Value: []byte{1, 2}},
		{Tag: 0xDF02},
		{Tag: 0xE1, Children: []TLV{{Tag: 0xDF03, Value: []byte{3}}, {Tag: 0xE2, Children: []TLV{{Tag: 0xDF04, Value: []byte{4, 4}}}}}},
		{Tag: 0xDF05, Value: []byte{5}},
	}
	orig := Marshal(items)
	old, err := ValueSpans(orig)
	if err != nil {
		t.Fatal(err)
	}
	value := bytes.Repeat([]byte{0xAA}, 200)
	for n := range old {
		got, ok := ReplaceValue(items, n, value)
		if !ok {
			t.Fatalf("value %d not replaced", n)
		}
		b := Marshal(got)
		spans, err := ValueSpans(b)
		if err != nil || len(spans) != len(old) {
			t.Fatalf("value %d: %d spans after, %d before (%v)", n, len(spans), len(old), err)
		}
		for i, s := range spans {
			want := orig[old[i].Start:old[i].End]
			if i == n {
				want = value
			}
			if s.Name != old[i].Name || !bytes.Equal(b[s.Start:s.End], want) {
				t.Errorf("replacing value %d: span %d (%s) is %x, want %x", n, i, s.Name, b[s.Start:s.End], want)
			}
		}
	}
	if _, ok := ReplaceValue(items, len(old), value); ok {
		t.Errorf("value %d of %d replaced", len(old), len(old))
	}
	if _, ok := ReplaceValue(items, -1, value); ok {
		t.Error("value -1 replaced")
	}
	if !bytes.Equal(Marshal(items), orig) {
		t.Error("ReplaceValue modified its input")
	}
}
