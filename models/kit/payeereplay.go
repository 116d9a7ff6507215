package kit

import (
	"bytes"

	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Endpoint is an element's handler of the messages addressed to it.
type Endpoint = func(world.Message) ([]world.Message, error)

// PayeeReplay is what a scheme supplies for the conformance vectors'
// payee replay (Run): a fresh payee element fed a recorded payment, its
// decision the element's own payee endpoint.
type PayeeReplay[E interface{ Balance() int64 }] struct {
	Session string            // what names the payee's open session in an error ("nonce", "challenge")
	Size    int               // the session's length in bytes
	Store   map[string][]byte // the scheme's own keys in the fresh store (PayeeDevice's extra)
	// New makes the element on the fresh device and loads its store, a
	// store that does not load being its error (LoadStore).
	New func(w *world.World, dev *world.Device) (E, error)
	// Open opens the payee's session under session (a copy, the
	// element's to keep) as if its first message had just left, and
	// returns the payee endpoint.
	Open func(e E, session []byte) Endpoint
}

// Run replays msgs (the messages addressed to the payee, in order) into a
// fresh payee element provisioned from p (PayeeDevice, in a world of its
// own): a session of another length than Size is refused with
// CodeMalformed before anything is made; otherwise the element is made
// (New), its session opened (Open) and msgs fed to its endpoint (Feed),
// stopping at the first it refuses. It returns the value the element holds
// at the end and that refusal.
func (r PayeeReplay[E]) Run(p PayeeProvision, session []byte, msgs [][]byte) (held int64, err error) {
	if len(session) != r.Size {
		return 0, spec.Errorf(spec.CodeMalformed, "%s of %d bytes", r.Session, len(session))
	}
	w, dev, err := PayeeDevice(p, r.Store)
	if err != nil {
		return 0, err
	}
	e, err := r.New(w, dev)
	if err != nil {
		return 0, err
	}
	return Feed(dev, msgs, r.Open(e, bytes.Clone(session)), e.Balance)
}
