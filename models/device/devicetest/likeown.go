package devicetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/world"
)

// Externals are the sets of wallets LikeOwn makes external in turn: the
// first wallet, the second, and the first three.
var Externals = [][]world.PartyID{{"wallet-A"}, {"wallet-B"}, {"wallet-A", "wallet-B", "wallet-C"}}

// Balanced reports whether the audit balances.
func (b Books) Balanced() bool { return b.Audit.Balanced() }

// LikeOwn requires that a run with each set of Externals external (run
// of that set) comes to own, the same run with the model's own devices
// only, printing the difference (-own +external), and that its books
// balance. control is the control target: the same run with an external
// device known not to behave like the model's own (a wallet mutant the
// scenario reaches); it must differ from own, or the comparison could
// not fail and proves nothing.
func LikeOwn[O interface{ Balanced() bool }](t testing.TB, own O, run func(ext []world.PartyID) O, control func() O) {
	t.Helper()
	if cmp.Equal(own, control()) {
		t.Errorf("the control (an external device that misbehaves) comes to the same outcome as the model's own: the comparison would not see a device that differs")
	}
	for _, ext := range Externals {
		got := run(ext)
		if d := cmp.Diff(own, got); d != "" {
			t.Errorf("external %v (-own +external):\n%s", ext, d)
		}
		if !got.Balanced() {
			t.Errorf("external %v: the books do not balance: %+v", ext, got)
		}
	}
}
