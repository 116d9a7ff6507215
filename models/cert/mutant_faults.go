package cert

import (
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/dualoffline/dualoffline/models"
)

// faultKindMutants are issue 13's mutants for the fault kinds that act:
// each bug sits where one kind's message arrives, and only that kind
// reaches it (conformance's TestFaultKindsKill checks this).
func faultKindMutants(m models.MutantOf) []models.Mutant {
	return []models.Mutant{
		// replay: a request from an earlier session.
		m("payer-checks-open-requests-only", "R1", "the payer SIM refuses a payment request it has a session open for but does not look up the requests it already paid, so a request it paid opens a new payer session when it comes again"),
		// extend: bytes appended to a message.
		m("sim-ignores-trailing-bytes", "R1", "the SIM decodes the first DER element of a message it receives and ignores whatever follows it, so bytes appended on the way are accepted"),
	}
}

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
