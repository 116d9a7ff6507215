package kit

import (
	"fmt"

	"github.com/dualoffline/dualoffline/models"
	"github.com/dualoffline/dualoffline/models/device"
	"github.com/dualoffline/dualoffline/models/world"
	"github.com/dualoffline/dualoffline/spec"
)

// Device is what the table needs of a scheme's device seam (the
// interface its bank side drives a wallet through).
type Device interface {
	// Restart power-cycles the device: open sessions are lost.
	Restart() error
}

// Element is what the table needs of the model's own secure element,
// which also implements the table's Device type.
type Element interface {
	// ID is the certificate id the element presents.
	ID() string
	// Backing is the element's persistent store.
	Backing() *world.Device
	// Recover rebuilds the element's volatile state from its store.
	Recover()
}

// Table is a scheme's device table: every wallet in creation order, the
// identity it presents, the model's own secure elements and the links to
// external devices. A scheme's Instance embeds it, which gives it World,
// Wallets, Close, Restart, Snapshot and Restore as models.Instance states
// them. Contract: every id in Order is in Devices and Names; an id is in
// at most one of Own and Links.
type Table[D Device, E Element] struct {
	W       *world.World
	Noun    string // what an external device is called in errors: "wallet", "card"
	Order   []world.PartyID
	Devices map[world.PartyID]D      // every wallet
	Names   map[world.PartyID]string // the certificate id each wallet presents
	Own     map[world.PartyID]E      // the model's own secure elements
	Links   map[world.PartyID]models.Link
}

// NewTable returns an empty table over w.
func NewTable[D Device, E Element](w *world.World, noun string) Table[D, E] {
	return Table[D, E]{W: w, Noun: noun, Devices: map[world.PartyID]D{}, Names: map[world.PartyID]string{},
		Own: map[world.PartyID]E{}, Links: map[world.PartyID]models.Link{}}
}

// Add appends wallet id, reached through d and presenting name.
func (t *Table[D, E]) Add(id world.PartyID, d D, name string) {
	t.Order = append(t.Order, id)
	t.Devices[id] = d
	t.Names[id] = name
}

// AddOwn adds the model's own element e as wallet id; e is its device.
func (t *Table[D, E]) AddOwn(id world.PartyID, e E) {
	t.Add(id, any(e).(D), e.ID())
	t.Own[id] = e
}

// Close stops the external devices. The model's own elements need nothing.
func (t *Table[D, E]) Close() error { return device.CloseLinks(t.Links) }

// World returns the world the wallets live in.
func (t *Table[D, E]) World() *world.World { return t.W }

// Wallets returns the wallet party ids (clones included) in creation order.
func (t *Table[D, E]) Wallets() []world.PartyID { return append([]world.PartyID(nil), t.Order...) }

// Device returns wallet id's device, or a CodeMalformed error.
func (t *Table[D, E]) Device(id world.PartyID) (D, error) {
	d, ok := t.Devices[id]
	if !ok {
		return d, spec.Errorf(spec.CodeMalformed, "no wallet %q", id)
	}
	return d, nil
}

// StateOf reads wallet id's state through its device (state: the
// scheme's Device.State), or the CodeMalformed error of Device.
func StateOf[D Device, E Element, S any](t *Table[D, E], id world.PartyID, state func(D) (S, error)) (S, error) {
	d, err := t.Device(id)
	if err != nil {
		var none S
		return none, err
	}
	return state(d)
}

// ViewOf is wallet id's observable state: its state read through its
// device (state), then view of it; a wallet whose state does not read is
// seen as its id alone.
func ViewOf[D Device, E Element, S any](t *Table[D, E], id world.PartyID, state func(D) (S, error), view func(S) models.View) models.View {
	st, err := StateOf(t, id, state)
	if err != nil {
		return models.View{Party: id}
	}
	return view(st)
}

// Endpoints is a device that plays both roles of an offline payment
// session: Payer handles what the payer receives, Payee what the payee
// receives.
type Endpoints interface {
	Device
	Payer(m world.Message) ([]world.Message, error)
	Payee(m world.Message) ([]world.Message, error)
}

// Offline is the offline half of a scheme's device seam, the same for
// the model's own element and an external one: StartPayee opens a
// payment request for amount, as payee, and returns the message that
// opens the session, addressed to payer (a request still open is
// abandoned); Payer and Payee handle what each role receives; Restart
// power-cycles the device. The scheme's Device embeds it and names its
// messages.
type Offline interface {
	Endpoints
	StartPayee(payer world.PartyID, amount int64) (world.Message, error)
}

// Payment is the session of one offline payment from payer (device p)
// to payee (device q) over channel, opened by start under plan: the
// payer's messages are p's to handle, the payee's q's, and a party the
// plan power-cycles restarts its device (its error dropped: the device
// is as the restart left it). The scheme adds its Fields, Refield and
// Bystander.
func Payment[D Endpoints](channel world.Channel, start world.Message, plan world.Plan, payer world.PartyID, p D, payee world.PartyID, q D) *world.Session {
	return &world.Session{
		Channel:   channel,
		Start:     []world.Message{start},
		Plan:      plan,
		Endpoints: map[world.PartyID]world.Endpoint{payer: p.Payer, payee: q.Payee},
		Restart:   map[world.PartyID]func(){payer: func() { _ = p.Restart() }, payee: func() { _ = q.Restart() }},
	}
}

// Inside returns one of the model's own elements: what corruption,
// injection and observation need to reach inside. An external device is
// a CodeUnimplemented error.
func (t *Table[D, E]) Inside(id world.PartyID) (E, error) {
	e, ok := t.Own[id]
	if !ok {
		if _, ext := t.Links[id]; ext {
			return e, spec.Errorf(spec.CodeUnimplemented, "%s is an external %s: the harness cannot reach inside it", id, t.Noun)
		}
		return e, spec.Errorf(spec.CodeMalformed, "no wallet %q", id)
	}
	return e, nil
}

// Online runs f with wallet id online and restarts the device if it lost
// power inside f (a CodeInternal error).
func (t *Table[D, E]) Online(id world.PartyID, f func(d D) error) error {
	d, err := t.Device(id)
	if err != nil {
		return err
	}
	t.W.SetOnline(id, true)
	defer t.W.SetOnline(id, false)
	crashed, err := t.W.Guard(id, func() error { return f(d) })
	if crashed {
		if rerr := d.Restart(); rerr != nil {
			t.W.Trace().Note(id, "restart failed: %v", rerr)
		}
		return spec.Errorf(spec.CodeInternal, "wallet %s lost power while online", id)
	}
	return err
}

// Restart power-cycles the wallet.
func (t *Table[D, E]) Restart(id world.PartyID) {
	if d, err := t.Device(id); err == nil {
		t.W.Trace().Note(id, "power cycle")
		if err := d.Restart(); err != nil {
			t.W.Trace().Note(id, "restart failed: %v", err)
		}
	}
}

// Snapshot copies the wallet's persistent state.
func (t *Table[D, E]) Snapshot(id world.PartyID) world.Snapshot {
	if l, ok := t.Links[id]; ok {
		return device.SnapshotLink(t.W, id, l)
	}
	return t.W.Device(id).Snapshot()
}

// Restore rolls the wallet back to a snapshot (a compromised element or
// a software wallet restored from backup).
func (t *Table[D, E]) Restore(id world.PartyID, s world.Snapshot) {
	if l, ok := t.Links[id]; ok {
		t.W.Trace().Fault(id, world.FaultRollback, "restored an earlier copy of the external "+t.Noun+"'s state")
		if err := l.Load(s.External()); err != nil {
			t.W.Trace().Note(id, "restore failed: %v", err)
		}
		return
	}
	if e, ok := t.Own[id]; ok {
		e.Backing().Restore(s)
		e.Recover()
	}
}

// CloneWith copies wallet id, identity and coins, to a new device and
// returns its id (id~clone1, id~clone2, …): an external wallet's link is
// forked (its world device has a clock if clock) and reached through
// remote; the model's own element is copied onto a clone of its store by
// fresh, which returns an element not yet recovered.
func (t *Table[D, E]) CloneWith(id world.PartyID, clock bool, remote func(cid world.PartyID, fork models.Link) D, fresh func(e E, dev *world.Device) E) (world.PartyID, error) {
	if _, err := t.Device(id); err != nil {
		return "", err
	}
	n := 1
	cid := world.PartyID(fmt.Sprintf("%s~clone%d", id, n))
	for _, taken := t.Devices[cid]; taken; _, taken = t.Devices[cid] {
		n++
		cid = world.PartyID(fmt.Sprintf("%s~clone%d", id, n))
	}
	if l, ok := t.Links[id]; ok {
		t.W.Trace().Fault(id, world.FaultClone, "cloned the external "+t.Noun+" to "+string(cid))
		fork, err := l.Fork(cid)
		if err != nil {
			return "", err
		}
		t.W.AddDevice(cid, clock)
		t.Links[cid] = fork
		t.Add(cid, remote(cid, fork), t.Names[id])
		return cid, nil
	}
	e := t.Own[id]
	c := fresh(e, e.Backing().Clone(cid))
	c.Recover()
	t.AddOwn(cid, c)
	return cid, nil
}
