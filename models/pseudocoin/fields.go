package pseudocoin

import (
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models/world"
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
	var out []world.Span
	in := cryptobyte.String(m.Payload)
	var body cryptobyte.String
	var tag casn1.Tag
	if !in.ReadAnyASN1(&body, &tag) {
		return nil
	}
	start := len(m.Payload) - len(in) - len(body)
	total := len(body)
	for i := 0; !body.Empty(); i++ {
		off := start + total - len(body)
		var el cryptobyte.String
		var et casn1.Tag
		if !body.ReadAnyASN1Element(&el, &et) {
			return out
		}
		hdr, content := el, cryptobyte.String(nil)
		if !hdr.ReadAnyASN1(&content, &et) {
			return out
		}
		cStart := off + len(el) - len(content)
		if tag == tagRecord && (i == 1 || i == 9) && et == casn1.SEQUENCE {
			// The inputs (field 1) and the signatures (field 9): one
			// field per element.
			what := map[int]string{1: "input", 9: "signature"}[i]
			list := content
			for j := 0; !list.Empty(); j++ {
				eOff, before := cStart+len(content)-len(list), len(list)
				var e, ec cryptobyte.String
				var t casn1.Tag
				if !list.ReadAnyASN1Element(&e, &t) || !e.ReadAnyASN1(&ec, &t) {
					break
				}
				// The element's content: its bytes, not its tag and length.
				end := eOff + before - len(list)
				out = append(out, world.Span{Name: fmt.Sprintf("%s %s %d", m.Type, what, j), Start: end - len(ec), End: end})
			}
			continue
		}
		if len(content) > 0 {
			out = append(out, world.Span{Name: fmt.Sprintf("%s %d", m.Type, i), Start: cStart, End: off + len(el)})
		}
	}
	return out
}
