package vectors

import (
	"encoding/json"
	"fmt"

	"github.com/dualoffline/dualoffline/models/chain"
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
