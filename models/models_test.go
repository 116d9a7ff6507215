package models

import (
	"testing"

	"github.com/dualoffline/dualoffline/models/world"
)

// LeakWitness recognises a game lost to a distinguisher keying on the
// payer's identifying material in the named places, whichever of the
// identifying distinguishers won, and nothing else.
func TestLeakWitness(t *testing.T) {
	w := LeakWitness("which-payer game", true, "message TRANSFER", "merchant store")
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	match := []string{
		"which-payer game: distinguisher identity was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on device id wallet-A in message TRANSFER at byte 179 (…0877…)",
		"which-payer game: distinguisher key-reuse was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on public key (SPKI) of wallet-A in merchant store cert/wallet-A at byte 3 (…)",
		"which-payer game: distinguisher serial-linkage was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on serial 00ff from withdrawal registry record 6a, in message TRANSFER at byte 12 (…)",
		"which-payer game: distinguisher equal-bytes was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on 3243 windows of 8 bytes found only in wallet-B's public material vs 44 in the other's; longest: 80 bytes (00…) of message TRANSFER at byte 1224, first seen in wallet-B's withdrawal registry record 6aaa08f6",
	}
	miss := []string{
		// Elsewhere than the documented places.
		"which-payer game: distinguisher identity was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on device id wallet-A in message QR at byte 179 (…)",
		// Not identifying material.
		"which-payer game: distinguisher length-timing was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on 412 bytes in message TRANSFER",
		"which-payer game: distinguisher equal-bytes was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on 3 windows of 8 bytes found only in wallet-B's public material vs 0 in the other's; longest: 9 bytes (00…) of message TRANSFER at byte 4, first seen in wallet-B's message TRANSFER",
		// Another game, or no leak at all.
		"linking game: distinguisher identity was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on device id wallet-A in message TRANSFER at byte 179 (…)",
		"which-payer game: no leak found, but for lack of evidence: after 150 trials distinguisher identity has 99% interval [0.4, 0.6], not within 1/2±0.05",
		// A place whose name only starts like a documented one.
		"which-payer game: distinguisher identity was right in 20 of 20 trials (1.000, 99% interval [0.751, 1.000], outside 1/2±0.05): it keyed on device id wallet-A in message TRANSFER-LOG at byte 179 (…)",
	}
	// Without documented lineage, coin serials and withdrawal bytes are
	// another cause.
	noLineage := LeakWitness("which-payer game", false, "message TRANSFER", "merchant store")
	for _, m := range match[2:] {
		if noLineage.Matches(m) {
			t.Errorf("a witness without lineage matches a lineage leak: %s", m)
		}
	}
	for _, m := range match[:2] {
		if !noLineage.Matches(m) {
			t.Errorf("a witness without lineage misses an identity leak: %s", m)
		}
	}
	for _, m := range match {
		if !w.Matches(m) {
			t.Errorf("%q does not match\n%s", w.Match, m)
		}
	}
	for _, m := range miss {
		if w.Matches(m) {
			t.Errorf("%q matches\n%s", w.Match, m)
		}
	}
}

func TestViolationSub(t *testing.T) {
	for in, want := range map[string]string{"R3.1-which-payer-game": "R3.1", "R3.1": "", "": ""} {
		if got := (Violation{Property: in}).Sub(); string(got) != want {
			t.Errorf("Sub of %q = %q, want %q", in, got, want)
		}
	}
}

// A configuration with no wallets, or a negative count, names none (it
// used to panic in make).
func TestWalletIDsNotPositive(t *testing.T) {
	for _, n := range []int{0, -1} {
		if ids := (Config{Wallets: n}).WalletIDs(); len(ids) != 0 {
			t.Errorf("Wallets: %d gives %v, want none", n, ids)
		}
	}
	if got := (Config{Wallets: 3}).WalletIDs(); len(got) != 3 || got[2] != "wallet-C" {
		t.Errorf("Wallets: 3 gives %v, want wallet-A to wallet-C", got)
	}
}

// A corruption's stream is its scheme's, wallet's and kind's: the same
// three on a world of the same seed draw the same bytes, and another
// scheme, wallet or kind draws others.
func TestCorruptionRandKeyedBySchemeWalletKind(t *testing.T) {
	draw := func(scheme string, wallet world.PartyID, kind CorruptionKind) uint64 {
		return Corruption{Kind: kind}.Rand(world.New(3), scheme, wallet).Uint64()
	}
	base := draw("chain", "wallet-A", CorruptForgedCoin)
	if again := draw("chain", "wallet-A", CorruptForgedCoin); again != base {
		t.Errorf("the same corruption drew %x, then %x", base, again)
	}
	for name, other := range map[string]uint64{
		"scheme": draw("pseudocoin", "wallet-A", CorruptForgedCoin),
		"wallet": draw("chain", "wallet-B", CorruptForgedCoin),
		"kind":   draw("chain", "wallet-A", CorruptSelfSignedCert),
	} {
		if other == base {
			t.Errorf("another %s drew the same %x", name, base)
		}
	}
}
