package chain

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// refield replaces exactly the field it is given, in the published and
// the repaired payment: each field of a real QR payment substituted by a
// value long enough to change its DER length's encoding reads back as that
// value with every other field's bytes kept; a span that is not a field
// (shifted by one) changes nothing; AGREE's fixed-width fields are never
// re-encoded.
func TestRefield(t *testing.T) {
	for _, in := range []*Instance{newInstance(t, 1), newLiteral(t, suite.All()[0])} {
		a, b := in.Wallets()[0], in.Wallets()[1]
		if err := in.Fund(a, 1000); err != nil {
			t.Fatal(err)
		}
		mark := in.w.Mark()
		if _, err := in.Pay(a, b, 230, nil); err != nil {
			t.Fatal(err)
		}
		var qr, agree *world.Message
		for _, p := range []world.PartyID{a, b} {
			for _, m := range in.w.Delivered(p, mark) {
				switch m.Type {
				case MsgQR:
					qr = &m
				case MsgAgree:
					agree = &m
				}
			}
		}
		if qr == nil || agree == nil {
			t.Fatalf("the payment delivered no QR (%v) or no AGREE (%v)", qr != nil, agree != nil)
		}
		if _, ok := refield(*agree, fields(*agree)[0], []byte{1}); ok {
			t.Error("AGREE's amount was re-encoded")
		}
		m := *qr
		spans := fields(m)
		if len(spans) < 5 {
			t.Fatalf("QR has %d fields", len(spans))
		}
		for i, f := range spans {
			value := bytes.Repeat([]byte{0x41}, 300)
			out, ok := refield(m, f, value)
			if !ok {
				t.Fatalf("field %s not replaced", f.Name)
			}
			got := fields(out)
			if len(got) != len(spans) {
				t.Fatalf("%s: %d fields after, %d before", f.Name, len(got), len(spans))
			}
			for j, g := range got {
				want := m.Payload[spans[j].Start:spans[j].End]
				if j == i {
					want = value
				}
				if g.Name != spans[j].Name || !bytes.Equal(out.Payload[g.Start:g.End], want) {
					t.Errorf("replacing %s left field %s as %x, want %x", f.Name, g.Name, out.Payload[g.Start:g.End], want)
				}
			}
			shifted := world.Span{Name: f.Name, Start: f.Start + 1, End: f.End}
			if same, ok := refield(m, shifted, value); ok || !bytes.Equal(same.Payload, m.Payload) {
				t.Errorf("a span that is not a field was replaced (%v)", ok)
			}
		}
	}
}
