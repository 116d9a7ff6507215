package apdu

import (
	"fmt"

	"github.com/dualoffline/dualoffline/spec"
)

// Status words (SW1<<8 | SW2) with their ISO/IEC 7816-4 meanings.
const (
	SWOK                        uint16 = 0x9000 // normal processing
	SWWrongLength               uint16 = 0x6700 // wrong length
	SWSecurityNotSatisfied      uint16 = 0x6982 // security status not satisfied
	SWAuthMethodBlocked         uint16 = 0x6983 // authentication method blocked
	SWReferencedDataInvalidated uint16 = 0x6984 // reference data not usable
	SWConditionsNotSatisfied    uint16 = 0x6985 // conditions of use not satisfied
	SWWrongData                 uint16 = 0x6A80 // incorrect parameters in the command data field
	SWFuncNotSupported          uint16 = 0x6A81 // function not supported
	SWRecordNotFound            uint16 = 0x6A83 // record not found
	SWFileFull                  uint16 = 0x6A84 // not enough memory space in the file
	SWWrongP1P2                 uint16 = 0x6B00 // wrong parameters P1-P2
	SWINSNotSupported           uint16 = 0x6D00 // instruction code not supported or invalid
	SWCLANotSupported           uint16 = 0x6E00 // class not supported
	SWUnknown                   uint16 = 0x6F00 // no precise diagnosis
)

var swNames = map[uint16]string{
	SWOK:                        "normal processing",
	SWWrongLength:               "wrong length",
	SWSecurityNotSatisfied:      "security status not satisfied",
	SWAuthMethodBlocked:         "authentication method blocked",
	SWReferencedDataInvalidated: "reference data not usable",
	SWConditionsNotSatisfied:    "conditions of use not satisfied",
	SWWrongData:                 "incorrect parameters in the command data field",
	SWFuncNotSupported:          "function not supported",
	SWRecordNotFound:            "record not found",
	SWFileFull:                  "not enough memory space in the file",
	SWWrongP1P2:                 "wrong parameters P1-P2",
	SWINSNotSupported:           "instruction code not supported or invalid",
	SWCLANotSupported:           "class not supported",
	SWUnknown:                   "no precise diagnosis",
}

// TagErrorCode is the private primitive data object ('DF7F') an error
// response carries: the ASCII spec code, so that codes sharing a status
// word stay apart.
const TagErrorCode uint32 = 0xDF7F

// swOf is the table of SWFor; every code in spec.Codes has an entry.
var swOf = map[spec.Code]uint16{
	spec.CodeMalformed:       SWWrongData,
	spec.CodeUnknownVersion:  SWFuncNotSupported,
	spec.CodeBadSignature:    SWSecurityNotSatisfied,
	spec.CodeBadSeal:         SWSecurityNotSatisfied,
	spec.CodeCertExpired:     SWSecurityNotSatisfied,
	spec.CodeCertNotYetValid: SWSecurityNotSatisfied,
	spec.CodeCertRevoked:     SWAuthMethodBlocked,
	spec.CodeUntrustedIssuer: SWSecurityNotSatisfied,
	spec.CodeWrongRecipient:  SWWrongData,
	spec.CodeReplay:          SWReferencedDataInvalidated,
	spec.CodeDoubleSpend:     SWReferencedDataInvalidated,
	spec.CodeLimitExceeded:   SWFileFull,
	spec.CodeValueMismatch:   SWWrongData,
	spec.CodeBadDenomination: SWWrongData,
	spec.CodeBadCurrency:     SWWrongData,
	spec.CodeWrongSuite:      SWWrongData,
	spec.CodeInsufficient:    SWConditionsNotSatisfied,
	spec.CodeUnimplemented:   SWINSNotSupported,
	spec.CodeInternal:        SWUnknown,
}

// codeOf is the table of CodeFor: the representative code of each status
// word.
var codeOf = map[uint16]spec.Code{
	SWWrongData:                 spec.CodeMalformed,
	SWWrongLength:               spec.CodeMalformed,
	SWWrongP1P2:                 spec.CodeMalformed,
	SWFuncNotSupported:          spec.CodeUnknownVersion,
	SWSecurityNotSatisfied:      spec.CodeBadSignature,
	SWAuthMethodBlocked:         spec.CodeCertRevoked,
	SWReferencedDataInvalidated: spec.CodeReplay,
	SWFileFull:                  spec.CodeLimitExceeded,
	SWConditionsNotSatisfied:    spec.CodeInsufficient,
	SWINSNotSupported:           spec.CodeUnimplemented,
	SWCLANotSupported:           spec.CodeUnimplemented,
	SWUnknown:                   spec.CodeInternal,
}

// SWFor returns the status word of an error response for code:
//
//	code                                         SW    ISO meaning
//	malformed, wrong-recipient, value-mismatch,  6A80  incorrect data field
//	  bad-denomination, bad-currency, wrong-suite
//	unknown-version                              6A81  function not supported
//	bad-signature, bad-seal, cert-expired,       6982  security status not
//	  cert-not-yet-valid, untrusted-issuer             satisfied
//	cert-revoked                                 6983  authentication method blocked
//	replay, double-spend                         6984  reference data not usable
//	insufficient-funds                           6985  conditions of use not satisfied
//	limit-exceeded                               6A84  not enough memory space
//	unimplemented                                6D00  INS not supported
//	internal                                     6F00  no precise diagnosis
//
// The empty code (no error) maps to 9000, and a code outside spec.Codes
// to 6F00 like internal.
func SWFor(code spec.Code) uint16 {
	if code == "" {
		return SWOK
	}
	if sw, ok := swOf[code]; ok {
		return sw
	}
	return SWUnknown
}

// CodeFor returns the representative code of a status word, the first
// code of the SWFor table that maps to it, plus 6700 and 6B00 (malformed)
// and 6E00 (unimplemented): 6A80, 6700, 6B00 → malformed; 6A81 →
// unknown-version; 6982 → bad-signature; 6983 → cert-revoked; 6984 →
// replay; 6A84 → limit-exceeded; 6985 → insufficient-funds; 6D00, 6E00 →
// unimplemented; 6F00 → internal. It returns "" for 9000 and fallback for
// any other status word (6A83 included).
func CodeFor(sw uint16, fallback spec.Code) spec.Code {
	if sw == SWOK {
		return ""
	}
	if c, ok := codeOf[sw]; ok {
		return c
	}
	return fallback
}

// Response is an R-APDU (ISO/IEC 7816-4 §5.1): response data and the
// status word SW1<<8 | SW2. Data of length zero is the same as no data:
// ParseResponse returns nil.
type Response struct {
	Data []byte
	SW   uint16
}

// validSW reports whether SW1 is one ISO/IEC 7816-4 defines: '61'..'6F'
// or '90'..'9F'.
func validSW(sw uint16) bool {
	sw1 := sw >> 8
	return (sw1 >= 0x61 && sw1 <= 0x6F) || (sw1 >= 0x90 && sw1 <= 0x9F)
}

// Marshal encodes the response: Data then SW1 SW2. It fails with
// malformed when SW1 is outside '61'..'6F' and '90'..'9F' or the encoding
// would exceed MaxResponse.
func (r Response) Marshal() ([]byte, error) {
	if !validSW(r.SW) {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: response status word %04X is not an ISO status word", r.SW)
	}
	if n := len(r.Data) + 2; n > MaxResponse {
		return nil, spec.Errorf(spec.CodeMalformed, "apdu: response encodes to %d bytes, cap %d", n, MaxResponse)
	}
	b := make([]byte, 0, len(r.Data)+2)
	b = append(b, r.Data...)
	return append(b, byte(r.SW>>8), byte(r.SW)), nil
}

// ParseResponse decodes one R-APDU occupying all of b: 2 to MaxResponse
// bytes, the last two the status word, whose SW1 must be in '61'..'6F' or
// '90'..'9F'. The data is not interpreted. For every accepted b,
// Marshal(ParseResponse(b)) == b.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, spec.Errorf(spec.CodeMalformed, "apdu: response is %d bytes, at least 2", len(b))
	}
	if len(b) > MaxResponse && spec.Makes("tlv-strict") {
		return Response{}, spec.Errorf(spec.CodeMalformed, "apdu: response is %d bytes, cap %d", len(b), MaxResponse)
	}
	n := len(b) - 2
	r := Response{Data: clone(b[:n]), SW: uint16(b[n])<<8 | uint16(b[n+1])}
	if !validSW(r.SW) && spec.Makes("apdu-sw") {
		return Response{}, spec.Errorf(spec.CodeMalformed, "apdu: response status word %04X is not an ISO status word", r.SW)
	}
	return r, nil
}

// ErrorResponse returns the response that reports err: 9000 with no data
// for a nil err; otherwise the status word SWFor(spec.CodeOf(err)) and,
// as data, the one object TagErrorCode holding the code in ASCII. An err
// that carries no code, or an unknown one, is reported as internal. Only
// the code crosses the interface: the detail text stays with the sender.
func ErrorResponse(err error) Response {
	if err == nil {
		return Response{SW: SWOK}
	}
	code := spec.CodeOf(err)
	if !code.Known() {
		code = spec.CodeInternal
	}
	return Response{
		Data: Marshal([]TLV{{Tag: TagErrorCode, Value: []byte(code)}}),
		SW:   SWFor(code),
	}
}

// Err returns nil for status 9000 and otherwise a *spec.Error. Its code is
// the one in the TagErrorCode object of the data when the data is a valid
// TLV sequence holding that object at top level with a known code that
// SWFor maps to this very status word; otherwise CodeFor(SW, internal). A
// carried code that contradicts the status word is ignored (and said so in
// the detail): the code refines the status word, it never overrides it.
// Status words outside the CodeFor table, warnings (62xx, 63xx) and 61xx
// included, are malformed: the receiver cannot interpret the answer, which
// is a fault of the answer, not of the receiver. Only 6F00 is internal.
func (r Response) Err() error {
	if r.SW == SWOK {
		return nil
	}
	what := fmt.Sprintf("apdu: card status %04X", r.SW)
	if name, ok := swNames[r.SW]; ok {
		what += " (" + name + ")"
	}
	code := CodeFor(r.SW, spec.CodeMalformed)
	if items, err := Parse(r.Data); err == nil {
		if t, ok := Find(items, TagErrorCode); ok {
			switch carried := spec.Code(t.Value); {
			case !carried.Known():
				what += fmt.Sprintf(", unknown carried code %q ignored", t.Value)
			case SWFor(carried) != r.SW && spec.Makes("apdu-sw"):
				what += fmt.Sprintf(", carried code %q contradicts the status and is ignored", carried)
			default:
				code = carried
			}
		}
	}
	return spec.Errorf(code, "%s", what)
}
