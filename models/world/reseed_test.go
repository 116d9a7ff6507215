package world

import (
	"bytes"
	"strings"
	"testing"
)

// TestReseed: after Reseed every stream is the one a world built from the
// new seed draws, labels drawn before included, and the trace names both
// seeds; reseeding with the current seed changes nothing.
func TestReseed(t *testing.T) {
	w := New(1)
	w.Rand("key")
	w.Reseed(1)
	same := New(1)
	same.Rand("key")
	if got, want := w.Rand("key").Bytes(16), same.Rand("key").Bytes(16); !bytes.Equal(got, want) {
		t.Fatal("Reseed with the current seed restarted the streams")
	}
	if strings.Contains(string(w.Trace().JSON()), "setup_seed") {
		t.Error("a world never reseeded names a setup seed")
	}
	w.Reseed(7)
	fresh := New(7)
	for _, label := range []string{"key", "key", "nonce"} {
		if got, want := w.Rand(label).Bytes(16), fresh.Rand(label).Bytes(16); !bytes.Equal(got, want) {
			t.Fatalf("stream %q after Reseed(7) = %x, a world of seed 7 draws %x", label, got, want)
		}
	}
	if w.Seed() != 7 {
		t.Errorf("Seed() = %d after Reseed(7)", w.Seed())
	}
	if js := string(w.Trace().JSON()); !strings.Contains(js, `"seed": 7`) || !strings.Contains(js, `"setup_seed": 1`) {
		t.Errorf("trace does not name both seeds:\n%s", js)
	}
}
