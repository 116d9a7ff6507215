// Package loopback is a models.Link to a device host running in the same
// process: the external-device seam of a scheme without the adapter
// process around it. Every call goes through the same JSON encoding the
// adapter protocol uses, in both directions, so the wire types are
// exercised; power cuts, rollbacks and clones act on the host's store the
// way the adapter's state directory does.
//
// It is what the models' own tests and the conformance tests use to check
// that a scheme behaves the same whether its wallet is its own device or
// an external one; examples/vendor serves the same hosts over stdin and
// stdout.
package loopback

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Host is a device implementation: chip.Host, for instance.
type Host interface {
	// Handle performs one operation; a refusal is a *spec.Error.
	Handle(op string, params json.RawMessage) (any, error)
	// Store is a copy of the persistent state.
	Store() map[string][]byte
}

// Open starts a host on a persistent state (nil: a new device).
type Open func(store map[string][]byte) (Host, error)

// Dialer returns a models.Dialer whose devices are hosts open makes.
func Dialer(open Open) models.Dialer {
	return func(world.PartyID) (models.Link, error) {
		l := &Link{open: open}
		if err := l.start(nil); err != nil {
			return nil, err
		}
		return l, nil
	}
}

// Hosts returns a models.Dialer whose devices are hosts newHost opens
// with mutation: a model's NewHost (chip.NewHost, for instance).
func Hosts[H Host](newHost func(store map[string][]byte, mutation string) (H, error), mutation string) models.Dialer {
	return Dialer(func(store map[string][]byte) (Host, error) { return newHost(store, mutation) })
}

// Link is one in-process device. What survives a power cut is the store
// as it was after the last operation that returned: an operation's writes
// are durable when it answers, as the adapter protocol requires.
type Link struct {
	open   Open
	host   Host
	stored map[string][]byte
	calls  int
}

func (l *Link) start(store map[string][]byte) error {
	h, err := l.open(store)
	if err != nil {
		return fmt.Errorf("%w: %v", models.ErrBroken, err)
	}
	l.host = h
	l.stored = h.Store()
	return nil
}

// Calls counts the operations performed.
func (l *Link) Calls() int { return l.calls }

// Call implements models.Link.
func (l *Link) Call(op string, params, result any) error {
	l.calls++
	raw, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("loopback: %s params: %w", op, err)
	}
	out, err := l.host.Handle(op, raw)
	l.stored = l.host.Store()
	if err != nil {
		var se *spec.Error
		if errors.As(err, &se) {
			return spec.Errorf(se.Code, "%s", se.Detail)
		}
		return fmt.Errorf("%w: %s: %v", models.ErrBroken, op, err)
	}
	if result == nil {
		return nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("%w: %s result: %v", models.ErrBroken, op, err)
	}
	if err := json.Unmarshal(b, result); err != nil {
		return fmt.Errorf("%w: %s result: %v", models.ErrBroken, op, err)
	}
	return nil
}

// Restart implements models.Link: the host starts again on what was
// stored.
func (l *Link) Restart() error { return l.start(l.stored) }

// Save implements models.Link.
func (l *Link) Save() ([]byte, error) { return json.Marshal(l.stored) }

// Load implements models.Link.
func (l *Link) Load(state []byte) error {
	var m map[string][]byte
	if err := json.Unmarshal(state, &m); err != nil {
		return fmt.Errorf("loopback: saved state: %w", err)
	}
	return l.start(m)
}

// Fork implements models.Link.
func (l *Link) Fork(world.PartyID) (models.Link, error) {
	f := &Link{open: l.open}
	if err := f.start(maps.Clone(l.stored)); err != nil {
		return nil, err
	}
	return f, nil
}

// Close implements models.Link.
func (l *Link) Close() error { return nil }

// Keys lists the stored keys, for tests.
func (l *Link) Keys() []string { return slices.Sorted(maps.Keys(l.stored)) }
