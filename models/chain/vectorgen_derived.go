package chain

import (
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/vectors/vgen"
)

// timeAhead adds, from the clean case named clean, the two cases of the
// payment-time window's other side: the payee's clock exactly Window and
// Window plus a second behind the payment time (the payer's clock ahead).
// at reads and sets the input's clock.
func timeAhead[T any](b *vgen.Builder, clean string, at func(*T) *int64) {
	w := int64(Window.Seconds())
	if grp, t, in := vgen.Derive[T](b, clean); in != nil {
		*at(in) -= w
		b.Valid(grp, "payer-clock-ahead-at-window-edge", "the clean payment, the payer's clock exactly 5 minutes ahead of the payee's", "R1.2", []string{"Boundary", "chain-time-window"}, in, t.Signature)
	}
	if grp, t, in := vgen.Derive[T](b, clean); in != nil {
		*at(in) -= w + 1
		b.Invalid(grp, "payer-clock-ahead", "the clean payment, the payer's clock 5 minutes and 1 second ahead of the payee's", "R1.2", spec.CodeReplay, []string{"Replay", "chain-time-window"}, in, t.Signature)
	}
}

func qrTimeAhead(_ *vgen.Gen, b *vgen.Builder) {
	timeAhead(b, "valid", func(in *QRInput) *int64 { return &in.At })
}

func chainSessionTimeAhead(_ *vgen.Gen, b *vgen.Builder) {
	timeAhead(b, "clean-payment", func(in *ChainSessionInput) *int64 { return &in.At })
}
