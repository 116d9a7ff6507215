package cert

import (
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models/world"
)

// Refield returns m with the content of field f (one of Fields(m))
// replaced by value, the DER lengths around it rebuilt; bytes after the
// message stay. It is the session's world.Session.Refield: a field
// substituted from another message keeps the message well-formed, so
// only the check that covers the field can refuse it.
func Refield(m world.Message, f world.Span, value []byte) (world.Message, bool) {
	in := cryptobyte.String(m.Payload)
	var body cryptobyte.String
	var t asn1.Tag
	if !in.ReadAnyASN1(&body, &t) {
		return m, false
	}
	start := len(m.Payload) - len(in) - len(body)
	bodyLen := len(body)
	found := false
	var b cryptobyte.Builder
	b.AddASN1(t, func(b *cryptobyte.Builder) {
		for !body.Empty() {
			off := start + bodyLen - len(body)
			var el, content cryptobyte.String
			var et asn1.Tag
			if !body.ReadAnyASN1Element(&el, &et) {
				b.AddBytes(body)
				return
			}
			hdr := el
			if hdr.ReadAnyASN1(&content, &et) && off+len(el)-len(content) == f.Start && off+len(el) == f.End {
				found = true
				b.AddASN1(et, func(b *cryptobyte.Builder) { b.AddBytes(value) })
				continue
			}
			b.AddBytes(el)
		}
	})
	out, err := b.Bytes()
	if err != nil || !found {
		return m, false
	}
	m.Payload = append(out, in...)
	return m, true
}
