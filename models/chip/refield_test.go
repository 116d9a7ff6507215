package chip

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
	"github.com/dualoffline/dualoffline/models/world"
)

// refield replaces exactly the field it is given: in every message of a
// real payment that has fields (C-APDUs and R-APDUs), each field substituted by a value
// long enough to change its TLV length's encoding (and the APDU's Lc form)
// reads back as that value with every other field's bytes kept, and a span
// that is not a field (shifted by one) changes nothing and reports false.
func TestRefield(t *testing.T) {
	in := newInstance(t, 1)
	a, b := in.Wallets()[0], in.Wallets()[1]
	modeltest.MustFund(t, in, a, 1000)
	mark := in.w.Mark()
	if p, err := in.Pay(a, b, 230, nil); err != nil || !p.Received {
		t.Fatalf("pay: %+v %v", p, err)
	}
	seen := map[string]bool{}
	for _, party := range []world.PartyID{a, b} {
		for _, m := range in.w.Delivered(party, mark) {
			spans := fields(m)
			if len(spans) > 0 {
				seen[m.Type] = true
			}
			modeltest.RefieldEach(t, m, modeltest.Refield{Fields: fields, Refield: refield}, nil)
		}
	}
	for _, typ := range []string{MsgInitiate, MsgTransfer, MsgConfirm} {
		if !seen[typ] {
			t.Errorf("no %s with fields in the payment", typ)
		}
	}
}
