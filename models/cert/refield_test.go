package cert

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// Refield replaces exactly the field it is given: in every message of a
// real payment, each field substituted by a value long enough to change
// its DER length's encoding reads back as that value, every other field
// keeps its bytes, bytes after the message stay, and a span that is not a
// field (shifted by one) changes nothing and reports false.
func TestRefield(t *testing.T) {
	in := newInstanceSuite(t, 4, Recovering, suite.All()[0])
	in.Fund("wallet-A", 1000)
	msgs := capture(t, in, "wallet-A", "wallet-B", 230)
	for _, typ := range []string{MsgPayeeHello, MsgPayerHello, MsgProceed, MsgTx, MsgDeduct, MsgDeducted} {
		m := world.Message{Type: typ, Payload: append(bytes.Clone(msgs[typ]), 0xEE)}
		spans := Fields(m)
		if len(spans) == 0 {
			t.Fatalf("%s: no fields", typ)
		}
		for i, f := range spans {
			value := bytes.Repeat([]byte{0x41}, 300)
			out, ok := Refield(m, f, value)
			if !ok {
				t.Fatalf("%s: field %s not replaced", typ, f.Name)
			}
			if out.Payload[len(out.Payload)-1] != 0xEE {
				t.Errorf("%s/%s: the byte after the message is lost", typ, f.Name)
			}
			got := Fields(out)
			if len(got) != len(spans) {
				t.Fatalf("%s/%s: %d fields after, %d before", typ, f.Name, len(got), len(spans))
			}
			for j, g := range got {
				want := m.Payload[spans[j].Start:spans[j].End]
				if j == i {
					want = value
				}
				if g.Name != spans[j].Name || !bytes.Equal(out.Payload[g.Start:g.End], want) {
					t.Errorf("%s: replacing %s left field %s as %x, want %x", typ, f.Name, g.Name, out.Payload[g.Start:g.End], want)
				}
			}
			shifted := world.Span{Name: f.Name, Start: f.Start + 1, End: f.End}
			if same, ok := Refield(m, shifted, value); ok || !bytes.Equal(same.Payload, m.Payload) {
				t.Errorf("%s: a span that is not a field was replaced (%v)", typ, ok)
			}
		}
	}
}
