package conformance

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/internal/opcount"
	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/chip"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec/suite"
)

// TestSetupShared: the cases of a property share one setup, drawn from
// the run's seed whatever seed a case asks for, and made once: a later
// instance generates no key and signs no certificate while it is built,
// and counts what it reused as saved. Everything after the setup is drawn
// from the case's seed, and a case with the run's seed gets exactly
// world.New's world.
func TestSetupShared(t *testing.T) {
	var setups [3][]world.Event
	var draws [3][]byte
	var done, saved opcount.Ops
	runT(func(t *T) {
		t.Target, t.Suite, t.Seed = chip.Scheme{}, suite.Default(), 41
		for i, seed := range []uint64{41, 9, 10} {
			c0, s0 := opcount.Of(t.Suite.ID()), opcount.SavedOf(t.Suite.ID())
			in := t.New(t, seed, models.Config{})
			if i == 2 {
				done, saved = opcount.Of(t.Suite.ID()).Sub(c0), opcount.SavedOf(t.Suite.ID()).Sub(s0)
			}
			setups[i] = in.World().Trace().Events()
			draws[i] = in.World().Rand("case").Bytes(16)
		}
	})
	for i := 1; i < 3; i++ {
		if diff := cmp.Diff(setups[0], setups[i]); diff != "" {
			t.Errorf("case %d set up otherwise than the first (-want +got):\n%s", i, diff)
		}
	}
	for i, seed := range []uint64{41, 9, 10} {
		w := world.New(seed)
		if _, err := (chip.Scheme{}).New(w, models.Config{Suite: suite.Default(), Threshold: models.DefaultThreshold}); err != nil {
			t.Fatal(err)
		}
		if seed != 41 {
			w = world.New(seed) // a reseeded world draws as a fresh world of its seed
		}
		if want := w.Rand("case").Bytes(16); !bytes.Equal(draws[i], want) {
			t.Errorf("case with seed %d drew %x after setup, want %x", seed, draws[i], want)
		}
	}
	// What is left are the card maker's attestations of the card keys
	// and their checks: signatures, not certificates.
	if done.KeyGen != 0 || saved.KeyGen == 0 || saved.Sign <= done.Sign {
		t.Errorf("building a third instance did %+v and saved %+v: want no key generated, and most signatures saved", done, saved)
	}
}

// freshChip is chip declaring FreshSetup, as the targets of vendors'
// devices and cards do.
type freshChip struct{ chip.Scheme }

func (freshChip) FreshSetup() {}

// A FreshSetup target is set up from each case's own seed: two cases of
// other seeds differ in their setup, as they did before setup was shared.
func TestFreshSetup(t *testing.T) {
	var setups [2][]world.Event
	runT(func(t *T) {
		t.Target, t.Suite, t.Seed = freshChip{}, suite.Default(), 41
		for i, seed := range []uint64{9, 10} {
			setups[i] = t.New(t, seed, models.Config{}).World().Trace().Events()
		}
	})
	if cmp.Equal(setups[0], setups[1]) {
		t.Error("a FreshSetup target's cases of seeds 9 and 10 share one setup")
	}
}
