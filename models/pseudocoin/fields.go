package pseudocoin

import (
	"fmt"

	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/der"
)

// fields splits a payment message into its fields for the channel's
// field faults (world.Session.Fields: R1.1's substitution of a field and
// the flip of a bit in one): the content of every element of the
// message's outer TLV, in order, named "<message> <n>". A record's
// inputs and signatures are one field each ("PAY input i", "PAY
// signature i"), not one per list: a payment spending two holdings has
// a signature per input key, and a receiver that checks only the first
// must meet a fault in the second. Nil for bytes that are not a message.
func fields(m world.Message) []world.Span {
	o, ok := der.Outer(m.Payload)
	if !ok {
		return nil
	}
	var out []world.Span
	for i, e := range der.Elements(m.Payload, o.Content, o.End) {
		if o.Tag == tagRecord && (i == 1 || i == 9) && e.Tag == casn1.SEQUENCE {
			// The inputs (field 1) and the signatures (field 9): one
			// field per element, its content (not its tag and length).
			what := map[int]string{1: "input", 9: "signature"}[i]
			for j, x := range der.Elements(m.Payload, e.Content, e.End) {
				out = append(out, world.Span{Name: fmt.Sprintf("%s %s %d", m.Type, what, j), Start: x.Content, End: x.End})
			}
			continue
		}
		if e.Content < e.End {
			out = append(out, world.Span{Name: fmt.Sprintf("%s %d", m.Type, i), Start: e.Content, End: e.End})
		}
	}
	return out
}
