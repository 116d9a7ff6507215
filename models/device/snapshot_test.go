package device

import (
	"errors"
	"testing"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// saveLink is a Link whose Save answers state, err.
type saveLink struct {
	models.Link
	state []byte
	err   error
}

func (l saveLink) Save() ([]byte, error) { return l.state, l.err }

// TestSnapshotLink: only a device that cannot be saved (unimplemented)
// gives an unsaved snapshot, which properties skip; a device whose Save
// breaks gives an empty state, so its fault is judged, not skipped.
func TestSnapshotLink(t *testing.T) {
	w := world.New(1)
	for _, c := range []struct {
		name    string
		l       saveLink
		unsaved bool
		state   string
	}{
		{"saved", saveLink{state: []byte("s")}, false, "s"},
		{"card in a reader", saveLink{err: spec.Errorf(spec.CodeUnimplemented, "no memory access")}, true, ""},
		{"broken", saveLink{err: errors.New("state over the cap")}, false, ""},
	} {
		s := SnapshotLink(w, "wallet-A", c.l)
		if s.Unsaved() != c.unsaved || string(s.External()) != c.state {
			t.Errorf("%s: Unsaved %v, state %q; want %v, %q", c.name, s.Unsaved(), s.External(), c.unsaved, c.state)
		}
	}
}
