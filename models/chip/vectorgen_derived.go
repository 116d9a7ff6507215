package chip

import (
	"encoding/hex"
	"fmt"

	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/apdu"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// apduStatusWords adds, from the clean TRANSFER case, responses that
// refuse with a status word, so the terminal's reading of status words
// and of the code in DF7F is pinned: the code carried, one a status word
// stands for but not as its representative, a carried code that
// contradicts the status word (ignored), a status word with no code (its
// representative code), 6F00 (internal, which the terminal takes as
// malformed), a warning and a status byte outside ISO's (malformed).
func apduStatusWords(_ *vgen.Gen, b *vgen.Builder) {
	for _, c := range []struct {
		Name, Comment string
		sw            uint16
		carried       string
		want          spec.Code
		checks        []string
	}{
		{"transfer-refused-with-code", "the card refuses: status 6982 carrying bad-signature in DF7F", 0x6982, "bad-signature", spec.CodeBadSignature, nil},
		{"transfer-refused-code-contradicts-status", "status 6A80 carrying replay in DF7F, a code 6A80 does not stand for: the status word's code", 0x6A80, "replay", spec.CodeMalformed, []string{"apdu-sw"}},
		{"transfer-refused-without-code", "status 6984 with no data: its representative code", 0x6984, "", spec.CodeReplay, nil},
		{"transfer-warning-status", "status 6300, a warning: not an answer the terminal can use", 0x6300, "", spec.CodeMalformed, nil},
		{"transfer-refused-cert-expired", "status 6982 carrying cert-expired, a code 6982 stands for but not its representative (bad-signature)", 0x6982, "cert-expired", spec.CodeCertExpired, nil},
		{"transfer-refused-6f00", "status 6F00 with no data: its code internal, which the terminal takes as malformed", 0x6F00, "", spec.CodeMalformed, []string{"apdu-sw"}},
		{"transfer-status-6000", "status 6000 carrying malformed in DF7F: SW1 60 is not an ISO status byte", 0x6000, "malformed", spec.CodeMalformed, nil},
	} {
		grp, _, in := vgen.Derive[APDUTransferInput](b, "transfer-valid")
		if in == nil {
			return
		}
		var data []byte
		if c.carried != "" {
			data = apdu.Marshal([]apdu.TLV{{Tag: apdu.TagErrorCode, Value: []byte(c.carried)}})
		}
		in.Response = vgen.H(append(data, byte(c.sw>>8), byte(c.sw)))
		b.Invalid(grp, c.Name, c.Comment, "R1.1", c.want, append([]string{"ModifiedField"}, c.checks...), in, nil)
	}
}

// apduExtendedConfirm adds, from the clean CONFIRM case, the same command
// in the extended length form, which the short form can carry: a second
// encoding the length rules refuse.
func apduExtendedConfirm(_ *vgen.Gen, b *vgen.Builder) {
	grp, _, in := vgen.Derive[APDUConfirmInput](b, "confirm-valid")
	if in == nil {
		return
	}
	raw, err := hex.DecodeString(in.Command)
	if err != nil || len(raw) < 6 || int(raw[4]) != len(raw)-5 {
		b.Err = fmt.Errorf("vectors: confirm-valid is not a short case 3 command")
		return
	}
	ext := append(append([]byte{}, raw[:4]...), 0x00, 0x00, raw[4])
	in.Command = vgen.H(append(ext, raw[5:]...))
	b.Invalid(grp, "confirm-extended-length", "the clean CONFIRM with its Lc in the extended form (00 00 Lc), which the short form can carry", "R1.1", spec.CodeMalformed,
		[]string{"NonCanonical", "apdu-length"}, in, nil)
}

// apduDerived adds the cases derived from the clean chip APDU cases.
func apduDerived(g *vgen.Gen, b *vgen.Builder) {
	apduStatusWords(g, b)
	apduExtendedConfirm(g, b)
	apduPins(g, b)
}
