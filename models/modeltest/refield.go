package modeltest

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
)

// Refield is a scheme's field substitution (the functions behind the
// world's FaultField) as RefieldEach checks it.
type Refield struct {
	Fields  func(world.Message) []world.Span                              // the fields of a message
	Refield func(world.Message, world.Span, []byte) (world.Message, bool) // the message with one field replaced
	// Value is what field f is replaced by (in) and how the replaced
	// field reads back (out), for a field whose encoding differs between
	// the two. Where Value is nil or returns a nil in, in and out are 300
	// bytes of 0x41, long enough to change a DER or TLV length's encoding.
	Value func(f world.Span) (in, out []byte)
}

// RefieldEach requires that r replaces exactly the field it is given in
// m: each field of m replaced is reported replaced, and the result has
// the same fields, the replaced one reading back as the value and every
// other keeping its bytes; a span that is not a field (the field shifted
// by one byte) changes nothing and is reported not replaced. after, when
// not nil, checks the scheme's own concerns of each replacement.
func RefieldEach(t *testing.T, m world.Message, r Refield, after func(f world.Span, out world.Message)) {
	t.Helper()
	spans := r.Fields(m)
	for i, f := range spans {
		in := bytes.Repeat([]byte{0x41}, 300)
		value := in
		if r.Value != nil {
			if repl, v := r.Value(f); repl != nil {
				in, value = repl, v
			}
		}
		out, ok := r.Refield(m, f, in)
		if !ok {
			t.Fatalf("%s: field %s not replaced", m.Type, f.Name)
		}
		got := r.Fields(out)
		if len(got) != len(spans) {
			t.Fatalf("%s/%s: %d fields after, %d before", m.Type, f.Name, len(got), len(spans))
		}
		for j, g := range got {
			want := m.Payload[spans[j].Start:spans[j].End]
			if j == i {
				want = value
			}
			if g.Name != spans[j].Name || !bytes.Equal(out.Payload[g.Start:g.End], want) {
				t.Errorf("%s: replacing %s left field %s as %x, want %x", m.Type, f.Name, g.Name, out.Payload[g.Start:g.End], want)
			}
		}
		shifted := world.Span{Name: f.Name, Start: f.Start + 1, End: f.End}
		if same, ok := r.Refield(m, shifted, in); ok || !bytes.Equal(same.Payload, m.Payload) {
			t.Errorf("%s: a span that is not a field was replaced (%v)", m.Type, ok)
		}
		if after != nil {
			after(f, out)
		}
	}
}
