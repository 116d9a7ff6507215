package kit

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dualoffline/dualoffline/models/world"
)

type balance int64

func (b balance) Balance() int64 { return int64(b) }

// A state line carries the balance after the caller's words; an element
// that cannot be read gets a note with the caller's words whole and the
// error (cert's format once spent the error on its balance verb).
func TestTraceBalance(t *testing.T) {
	w := world.New(1)
	TraceBalance(w, "wallet-A", "wallet", func() (balance, error) { return 70, nil }, "withdrew %d fen", 100)
	TraceBalance(w, "wallet-A", "card", func() (balance, error) { return 0, errors.New("store torn") }, "reconciled, account %d", 30)
	var got []string
	for _, e := range w.Trace().Events() {
		got = append(got, e.Detail)
	}
	want := []string{"withdrew 100 fen (offline balance 70)", "reconciled, account 30 (card unreadable: store torn)"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("trace details (-want +got):\n%s", d)
	}
}
