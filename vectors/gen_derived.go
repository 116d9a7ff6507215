package vectors

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/dualoffline/dualoffline/models/chain"
	"github.com/dualoffline/dualoffline/models/chip/apdu"
	"github.com/dualoffline/dualoffline/spec"
)

// then returns a generator that runs build and then extra on the file it
// built, for cases derived from the file's own (so the kind's generator
// stays as its owner wrote it).
func then(build func(*gen) *builder, extra func(*gen, *builder)) func(*gen) *builder {
	return func(g *gen) *builder {
		b := build(g)
		if g.err == nil && b.err == nil {
			extra(g, b)
		}
		return b
	}
}

// findTest returns the test of b named name and its group.
func (b *builder) findTest(name string) (*Group, *Test) {
	id := fmt.Sprintf("%s-%s-%s-%s", b.f.Scheme, b.f.Suite, b.f.Kind, name)
	for _, grp := range b.f.TestGroups {
		for _, t := range grp.Tests {
			if t.TcID == id {
				return grp, t
			}
		}
	}
	return nil, nil
}

// timeAhead adds, from the clean case named clean, the two cases of the
// payment-time window's other side: the payee's clock exactly Window and
// Window plus a second behind the payment time (the payer's clock ahead).
// at reads and sets the input's clock.
func timeAhead[T any](b *builder, clean string, at func(*T) *int64) {
	grp, t := b.findTest(clean)
	if t == nil {
		b.err = fmt.Errorf("vectors: no case %s to derive the time-window cases from", clean)
		return
	}
	shifted := func(by int64) *T {
		var in T
		if err := json.Unmarshal(t.Input, &in); err != nil {
			b.err = err
			return nil
		}
		*at(&in) -= by
		return &in
	}
	w := int64(chain.Window.Seconds())
	if in := shifted(w); in != nil {
		b.valid(grp, "payer-clock-ahead-at-window-edge", "the clean payment, the payer's clock exactly 5 minutes ahead of the payee's", "R1.2", []string{"Boundary"}, in, t.Signature)
	}
	if in := shifted(w + 1); in != nil {
		b.invalid(grp, "payer-clock-ahead", "the clean payment, the payer's clock 5 minutes and 1 second ahead of the payee's", "R1.2", spec.CodeReplay, []string{"Replay"}, in, t.Signature)
	}
}

func qrTimeAhead(_ *gen, b *builder) {
	timeAhead(b, "valid", func(in *QRInput) *int64 { return &in.At })
}

func chainSessionTimeAhead(_ *gen, b *builder) {
	timeAhead(b, "clean-payment", func(in *ChainSessionInput) *int64 { return &in.At })
}

// apduStatusWords adds, from the clean TRANSFER case, responses that
// refuse with a status word, so the terminal's reading of status words
// and of the code in DF7F is pinned: the code carried, a carried code
// that contradicts the status word (ignored), a status word with no code
// (its representative code) and a warning (malformed).
func apduStatusWords(_ *gen, b *builder) {
	grp, t := b.findTest("transfer-valid")
	if t == nil {
		b.err = fmt.Errorf("vectors: no case transfer-valid to derive the status-word cases from")
		return
	}
	resp := func(sw uint16, code string) *APDUTransferInput {
		var in APDUTransferInput
		if err := json.Unmarshal(t.Input, &in); err != nil {
			b.err = err
			return nil
		}
		r := apdu.Response{SW: sw}
		if code != "" {
			r.Data = apdu.Marshal([]apdu.TLV{{Tag: apdu.TagErrorCode, Value: []byte(code)}})
		}
		raw, err := r.Marshal()
		if err != nil {
			b.err = err
			return nil
		}
		in.Response = h(raw)
		return &in
	}
	for _, c := range []struct {
		name, comment string
		sw            uint16
		carried       string
		want          spec.Code
	}{
		{"transfer-refused-with-code", "the card refuses: status 6982 carrying bad-signature in DF7F", 0x6982, "bad-signature", spec.CodeBadSignature},
		{"transfer-refused-code-contradicts-status", "status 6A80 carrying replay in DF7F, a code 6A80 does not stand for: the status word's code", 0x6A80, "replay", spec.CodeMalformed},
		{"transfer-refused-without-code", "status 6984 with no data: its representative code", 0x6984, "", spec.CodeReplay},
		{"transfer-warning-status", "status 6300, a warning: not an answer the terminal can use", 0x6300, "", spec.CodeMalformed},
	} {
		if in := resp(c.sw, c.carried); in != nil {
			b.invalid(grp, c.name, c.comment, "R1.1", c.want, []string{"ModifiedField"}, in, nil)
		}
	}
}

// apduExtendedConfirm adds, from the clean CONFIRM case, the same command
// in the extended length form, which the short form can carry: a second
// encoding the length rules refuse.
func apduExtendedConfirm(_ *gen, b *builder) {
	grp, t := b.findTest("confirm-valid")
	if t == nil {
		b.err = fmt.Errorf("vectors: no case confirm-valid to derive the extended-length case from")
		return
	}
	var in APDUConfirmInput
	if err := json.Unmarshal(t.Input, &in); err != nil {
		b.err = err
		return
	}
	raw, err := hex.DecodeString(in.Command)
	if err != nil || len(raw) < 6 || int(raw[4]) != len(raw)-5 {
		b.err = fmt.Errorf("vectors: confirm-valid is not a short case 3 command")
		return
	}
	ext := append(append([]byte{}, raw[:4]...), 0x00, 0x00, raw[4])
	in.Command = h(append(ext, raw[5:]...))
	b.invalid(grp, "confirm-extended-length", "the clean CONFIRM with its Lc in the extended form (00 00 Lc), which the short form can carry", "R1.1", spec.CodeMalformed,
		[]string{"NonCanonical"}, in, nil)
}

// apduDerived adds the cases derived from the clean chip APDU cases.
func apduDerived(g *gen, b *builder) {
	apduStatusWords(g, b)
	apduExtendedConfirm(g, b)
	apduPins(g, b)
}
