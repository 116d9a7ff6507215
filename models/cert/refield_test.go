package cert

import (
	"bytes"
	"testing"

	"github.com/dualoffline/dualoffline/models/modeltest"
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
		modeltest.RefieldEach(t, m, modeltest.Refield{Fields: Fields, Refield: Refield}, func(f world.Span, out world.Message) {
			if out.Payload[len(out.Payload)-1] != 0xEE {
				t.Errorf("%s/%s: the byte after the message is lost", typ, f.Name)
			}
		})
	}
}
