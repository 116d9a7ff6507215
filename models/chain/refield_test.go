package chain

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// refield replaces exactly the field it is given, in the published and
// the repaired payment: each field of a real QR payment substituted by a
// value long enough to change its DER length's encoding reads back as that
// value with every other field's bytes kept (an amount, a number in two
// encodings, as the payment writes it); a span that is not a field
// (shifted by one) changes nothing; AGREE's fixed-width fields take a
// value of their width, or an amount re-encoded as 8 bytes.
func TestRefield(t *testing.T) {
	for _, in := range []*Instance{newInstance(t, 1), newLiteral(t, suite.All()[0])} {
		a, b := in.Wallets()[0], in.Wallets()[1]
		modeltest.MustFund(t, in, a, 1000)
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
		af := fields(*agree)
		if out, ok := refield(*agree, af[0], []byte{0x01, 0x2c}); !ok || !bytes.Equal(out.Payload[:8], []byte{0, 0, 0, 0, 0, 0, 0x01, 0x2c}) || !bytes.Equal(out.Payload[8:], agree.Payload[8:]) {
			t.Errorf("AGREE with a payment's amount 300: %x %v", out.Payload, ok)
		}
		if _, ok := refield(*agree, af[1], bytes.Repeat([]byte{1}, 21)); ok {
			t.Error("AGREE's fixed-width payee took 21 bytes")
		}
		m := *qr
		spans := fields(m)
		if len(spans) < 5 {
			t.Fatalf("QR has %d fields", len(spans))
		}
		modeltest.RefieldEach(t, m, modeltest.Refield{Fields: fields, Refield: refield, Value: func(f world.Span) (in, out []byte) {
			if f.Name == "amount" { // AGREE's encoding in, the payment's out
				return []byte{0, 0, 0, 0, 0, 0, 0x01, 0x2c}, []byte{0x01, 0x2c}
			}
			return nil, nil
		}}, nil)
	}
}
