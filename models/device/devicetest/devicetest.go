// Package devicetest holds the checks the scheme packages' tests make
// alike of an external device reached through a models.Link: the
// instance that reaches it (Open, Linked, Funded), refusals that must
// change nothing on it, and a run with external devices coming to the
// same Outcome as the model's own (Observe, LikeOwn, which also requires
// a control that differs). It is for tests only.
package devicetest

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Open makes an instance of sc on a new world of seed with cfg, and
// closes it (its Close, when it has one) when the test ends; an instance
// that cannot be made, or is not an I, fails the test.
func Open[I models.Instance](t testing.TB, sc models.Scheme, seed uint64, cfg models.Config) I {
	t.Helper()
	mi, err := sc.New(world.New(seed), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := mi.(interface{ Close() error }); ok {
		t.Cleanup(func() { c.Close() })
	}
	in, ok := mi.(I)
	if !ok {
		t.Fatalf("%s made a %T", sc.Info().Name, mi)
	}
	return in
}

// Linked fails the test unless links has one link per external wallet
// cfg names.
func Linked(t testing.TB, links map[world.PartyID]models.Link, cfg models.Config) {
	t.Helper()
	if n := len(links); n != len(cfg.External) {
		t.Fatalf("%d external wallets, want %d", n, len(cfg.External))
	}
}

// Call is one operation sent to a device: its name and its params.
type Call struct {
	Op     string
	Params any
}

// Refusals sends each call, in the order of their names, to the device
// behind l and checks that the device refuses it (a *spec.Error) and that
// the refusal changes nothing on it: its saved state is the same bytes
// before and after. noun names the device in failures ("wallet").
func Refusals(t testing.TB, l models.Link, noun string, calls map[string]Call) {
	t.Helper()
	before, err := l.Save()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		c := calls[name]
		err := l.Call(c.Op, c.Params, nil)
		var se *spec.Error
		if !errors.As(err, &se) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
		if after, _ := l.Save(); !bytes.Equal(before, after) {
			t.Errorf("%s: a refused operation changed the %s", name, noun)
		}
	}
}
