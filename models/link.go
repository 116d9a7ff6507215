package models

import (
	"errors"

	"github.com/dualoffline/dualoffline/models/world"
)

// Link is a wallet device that lives outside the model: a vendor's
// implementation the harness drives through the adapter protocol
// (conformance/adapter/PROTOCOL.md §7). A scheme built with
// Config.External uses it in place of its own device for the wallets
// External names, and keeps the reference bank and the other wallets.
//
// A Link is the device's whole life: it carries the device's operations
// (Call), power cuts (Restart), and the device's persistent state as an
// opaque byte string (Save, Load, Fork), which is what rollback and clone
// attacks need.
type Link interface {
	// Call performs one device operation of the scheme (its name and
	// parameters are the scheme's: chip.Device documents chip's) and
	// decodes the answer into result (a pointer, or nil). A refusal by the
	// device comes back as a *spec.Error (errors.Is by code); any other
	// error means the device broke: it timed out, crashed, or broke the
	// protocol. After such an error the Link has already restarted it.
	Call(op string, params, result any) error
	// Restart cuts the device's power without warning and starts it again
	// on its persistent state. Volatile state (an open session) is lost.
	Restart() error
	// Save copies the device's persistent state; Load replaces it with a
	// saved copy and restarts the device (a rollback).
	Save() ([]byte, error)
	Load(state []byte) error
	// Fork starts a second device, id, on a copy of the persistent state:
	// the same keys, the same value (a clone).
	Fork(id world.PartyID) (Link, error)
	// Close stops the device and releases its state.
	Close() error
}

// Dialer starts the external device for a wallet. The scheme calls it once
// per wallet that Config.External names, in wallet order.
type Dialer func(wallet world.PartyID) (Link, error)

// ErrBroken wraps the error of a Link whose device broke (as opposed to a
// refusal, which is a *spec.Error). Schemes return it from operations so
// the suites report the device, not the property, as failing.
var ErrBroken = errors.New("external device broke")
