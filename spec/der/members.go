package der

import (
	"iter"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/spec"
)

// Members reads list, a SEQUENCE OF whole elements (as Reader.Element
// returns it), one member at a time, so that a caller parsing each
// member (by its own Open) meets the failures in the order of the bytes.
// It yields each member, one DER element of any tag with its header,
// aliasing list, with a nil error; at most max of them (max < 0: no
// cap). A list that is not a SEQUENCE, a member that is not one DER
// element, or a member beyond max is yielded as a malformed *spec.Error
// naming what, and ends the list. Bytes after the SEQUENCE are not read:
// the caller's check that the structure re-encodes to its input refuses
// them.
func Members(list []byte, max int, what string) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		in := cryptobyte.String(list)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, asn1.SEQUENCE) {
			yield(nil, spec.Errorf(spec.CodeMalformed, "%s: not a SEQUENCE", what))
			return
		}
		for n := 0; !seq.Empty(); n++ {
			if n == max {
				yield(nil, spec.Errorf(spec.CodeMalformed, "%s: more than %d members", what, max))
				return
			}
			var el cryptobyte.String
			var tag asn1.Tag
			if !seq.ReadAnyASN1Element(&el, &tag) {
				yield(nil, spec.Errorf(spec.CodeMalformed, "%s: member %d is not one DER element", what, n))
				return
			}
			if !yield(el, nil) {
				return
			}
		}
	}
}
