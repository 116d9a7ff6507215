package device

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
	"github.com/dualoffline/dualoffline/spec/suite"
	"github.com/dualoffline/dualoffline/spec/transfer"
)

// Canonicalizer is implemented by a Link that knows the vendor's error
// names (the vendor config): it maps a name to a canonical code.
type Canonicalizer interface {
	Canonical(name string) (spec.Code, bool)
}

// Remote is the harness's side of one external device: the Link that
// reaches it and the party it plays. A model's remote device embeds it
// and adds its scheme's operations, each one Link call.
type Remote struct {
	Link  models.Link
	Party world.PartyID
}

// Call performs one operation.
func (r *Remote) Call(op string, params, result any) error {
	return r.Link.Call(op, params, result)
}

// Restart cuts the device's power.
func (r *Remote) Restart() error { return r.Link.Restart() }

// Broken is an error saying the device broke the protocol: what it did,
// after its party name.
func (r *Remote) Broken(format string, args ...any) error {
	return fmt.Errorf("%w: %s %s", models.ErrBroken, r.Party, fmt.Sprintf(format, args...))
}

// Refused is the device's refusal w as a *spec.Error, its code canonical
// or mapped by the Link (Canonicalizer); nil for none. A code that is
// neither is the device breaking the protocol.
func (r *Remote) Refused(w *Error) error {
	if w == nil {
		return nil
	}
	code := spec.Code(w.Code)
	if !code.Known() {
		if c, ok := r.Link.(Canonicalizer); ok {
			if m, ok := c.Canonical(w.Code); ok {
				code = m
			}
		}
	}
	if !code.Known() {
		return r.Broken("refused with %q, which is neither a canonical code nor a mapped vendor name", w.Code)
	}
	return spec.Errorf(code, "%s", w.Message)
}

// Message is a message the device sent. The device speaks for itself
// only: whatever From it writes, the message leaves this device. It may
// address another party; to is the addressee when it names none.
func (r *Remote) Message(w Message, to world.PartyID) world.Message {
	m := world.Message{From: r.Party, To: to, Type: w.Type, Payload: w.Payload}
	if w.To != "" {
		m.To = world.PartyID(w.To)
	}
	return m
}

// Open performs an operation that opens a session (params → MessageResult)
// and returns the message the device opens it with, addressed to to
// unless it names another party (Message).
func (r *Remote) Open(op string, params any, to world.PartyID) (world.Message, error) {
	var res MessageResult
	if err := r.Call(op, params, &res); err != nil {
		return world.Message{}, err
	}
	return r.Message(res.Message, to), nil
}

// CloseSession performs an end-session operation ({} → EndSessionResult)
// and reports whether the payee stored value in the session.
func (r *Remote) CloseSession(op string) (received bool, err error) {
	var res EndSessionResult
	err = r.Call(op, struct{}{}, &res)
	return res.Received, err
}

// Deliver performs a delivery operation (params carry the message) and
// returns the device's answer, addressed to to unless it names another
// party, with its refusal.
func (r *Remote) Deliver(op string, params any, to world.PartyID) ([]world.Message, error) {
	var res DeliverResult
	if err := r.Call(op, params, &res); err != nil {
		return nil, err
	}
	out := make([]world.Message, len(res.Messages))
	for i, w := range res.Messages {
		out[i] = r.Message(w, to)
	}
	return out, r.Refused(res.Refused)
}

// Keygen performs the keygen operation and parses the public key the
// device returns in s.
func (r *Remote) Keygen(op string, params any, s suite.Suite) (suite.PublicKey, error) {
	var kr KeygenResult
	if err := r.Call(op, params, &kr); err != nil {
		return nil, err
	}
	pub, err := s.ParsePublicKey(kr.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %s's public key: %v", models.ErrBroken, r.Party, err)
	}
	return pub, nil
}

// Coins parses the coins a device reports, by its own keys.
func (r *Remote) Coins(cs []Coin) (map[string]*transfer.Holding, error) {
	out := map[string]*transfer.Holding{}
	for _, c := range cs {
		h, err := transfer.ParseHolding(c.Holding)
		if err != nil {
			return nil, r.Broken("reports coin %q that does not parse: %v", c.Key, err)
		}
		if _, dup := out[c.Key]; dup {
			return nil, r.Broken("reports coin key %q twice", c.Key)
		}
		out[c.Key] = h
	}
	return out, nil
}

// CloseLinks stops the external devices of an instance, in party order,
// and forgets them; it returns the first error.
func CloseLinks(links map[world.PartyID]models.Link) error {
	var first error
	for _, id := range slices.Sorted(maps.Keys(links)) {
		if err := links[id].Close(); err != nil && first == nil {
			first = err
		}
	}
	clear(links)
	return first
}

// SnapshotLink saves the external device behind l as a world snapshot. A
// device that cannot be saved (spec.CodeUnimplemented: a card in a
// reader) gives an unsaved snapshot, which the rollback and clone
// properties skip, saying why; any other failure is the device's own,
// noted in the trace, and gives an empty state, which a restore then
// hands back to it, so the property judges what the device does with it.
func SnapshotLink(w *world.World, id world.PartyID, l models.Link) world.Snapshot {
	b, err := l.Save()
	if err == nil {
		return world.ExternalSnapshot(id, b)
	}
	w.Trace().Note(id, "snapshot failed: %v", err)
	if spec.CodeOf(err) == spec.CodeUnimplemented {
		return world.ExternalSnapshot(id, nil)
	}
	return world.ExternalSnapshot(id, []byte{})
}
