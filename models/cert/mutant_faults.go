package cert

import (
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// framed is the payload a SIM's decoder reads: all of it, or under
// sim-ignores-trailing-bytes only its first DER element.
func (se *SIM) framed(b []byte) []byte {
	if !se.mutated("sim-ignores-trailing-bytes") {
		return b
	}
	var el cryptobyte.String
	var tag cbasn1.Tag
	if in := cryptobyte.String(b); in.ReadAnyASN1Element(&el, &tag) {
		return el
	}
	return b
}
