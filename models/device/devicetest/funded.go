package devicetest

import (
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
)

// Funded opens an instance of sc on a new world of seed with cfg (Open),
// in which cfg makes wallet w external, funds w with v fen, and reads the
// state of w's device through the link cfg.Dial made for it: op is the
// scheme's state operation, called without params, its result decoded
// into an S. It fails t when cfg.Dial made no link for w, when the
// funding or the call fails, or when held of the state is 0 (a funded
// device holds something). It returns the instance, the link and the
// state.
func Funded[I models.Instance, S any](t testing.TB, sc models.Scheme, seed uint64, cfg models.Config, w world.PartyID, v int64, op string, held func(S) int) (I, models.Link, S) {
	t.Helper()
	var link models.Link
	dial := cfg.Dial
	if dial == nil {
		t.Fatalf("Funded: cfg.Dial is nil: %s is not external", w)
	}
	cfg.Dial = func(id world.PartyID) (models.Link, error) {
		l, err := dial(id)
		if id == w {
			link = l
		}
		return l, err
	}
	in := Open[I](t, sc, seed, cfg)
	var st S
	if link == nil {
		t.Fatalf("%s dialled no device for %s", sc.Info().Name, w)
	}
	if err := in.Fund(w, v); err != nil {
		t.Fatal(err)
	}
	if err := link.Call(op, struct{}{}, &st); err != nil || held(st) == 0 {
		t.Fatalf("%s of %s funded with %d fen: %v, holding %d", op, w, v, err, held(st))
	}
	return in, link, st
}
