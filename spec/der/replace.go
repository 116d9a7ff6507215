package der

import (
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// ReplaceContent returns b with the contents of one DER element replaced
// by value: the element, at any depth of the element that starts b, whose
// contents are exactly b[start:end]. The lengths of that element and of
// every element enclosing it are re-encoded; bytes after the first
// element stay. It reports false, and returns b, when no element has
// those contents. A fault injector uses it to substitute a field of
// another length and keep the encoding well-formed.
func ReplaceContent(b []byte, start, end int, value []byte) ([]byte, bool) {
	in := cryptobyte.String(b)
	var el cryptobyte.String
	var tag asn1.Tag
	if !in.ReadAnyASN1Element(&el, &tag) {
		return b, false
	}
	out, ok := replaceIn(el, 0, tag, start, end, value)
	if !ok {
		return b, false
	}
	return append(out, in...), true
}

// replaceIn re-encodes the element el (tag, at offset off of the input)
// with the contents at [start, end) replaced, looking into constructed
// contents.
func replaceIn(el cryptobyte.String, off int, tag asn1.Tag, start, end int, value []byte) ([]byte, bool) {
	hdr := el
	var content cryptobyte.String
	if !hdr.ReadAnyASN1(&content, &tag) {
		return nil, false
	}
	cs := off + len(el) - len(content)
	ce := off + len(el)
	var inner []byte
	switch {
	case cs == start && ce == end:
		inner = value
	case tag&0x20 != 0 && start >= cs && end <= ce: // constructed
		rest := content
		pos := cs
		found := false
		for !rest.Empty() {
			var child cryptobyte.String
			var ct asn1.Tag
			if !rest.ReadAnyASN1Element(&child, &ct) {
				return nil, false
			}
			if !found && start >= pos && end <= pos+len(child) {
				c, ok := replaceIn(child, pos, ct, start, end, value)
				if !ok {
					return nil, false
				}
				inner = append(inner, c...)
				found = true
			} else {
				inner = append(inner, child...)
			}
			pos += len(child)
		}
		if !found {
			return nil, false
		}
	default:
		return nil, false
	}
	var bld cryptobyte.Builder
	bld.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes(inner) })
	out, err := bld.Bytes()
	return out, err == nil
}
