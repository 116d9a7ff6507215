package der

import (
	"iter"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Element is one DER element of a byte string, by offsets into it:
// b[Start:End] is the element with its header, b[Content:End] its
// content.
type Element struct {
	Tag                 asn1.Tag
	Start, Content, End int
}

// Outer returns the element b starts with; ok is false if b does not
// start with one DER element. Bytes after it are not read.
func Outer(b []byte) (e Element, ok bool) {
	for _, e := range Elements(b, 0, len(b)) {
		return e, true
	}
	return Element{}, false
}

// Elements yields the DER elements of b[from:to] in order, each with its
// index, by offsets into b, and stops at the first bytes that are not one
// DER element (which it does not yield). It panics if from and to are not
// a range of b.
func Elements(b []byte, from, to int) iter.Seq2[int, Element] {
	return func(yield func(int, Element) bool) {
		s := cryptobyte.String(b[from:to])
		for i := 0; !s.Empty(); i++ {
			start := to - len(s)
			var el, content cryptobyte.String
			var tag asn1.Tag
			if !s.ReadAnyASN1Element(&el, &tag) {
				return
			}
			if hdr := el; !hdr.ReadAnyASN1(&content, &tag) {
				return
			}
			end := start + len(el)
			if !yield(i, Element{Tag: tag, Start: start, Content: end - len(content), End: end}) {
				return
			}
		}
	}
}
