package world

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Device is a party's hardware: a persistent key-value store (flash, the
// secure element's EEPROM) that survives crashes, an optional clock, and
// crash points. A model keeps its volatile state in its own structs and
// persists with Put, Delete and Commit; after a crash it must rebuild from
// the store alone.
type Device struct {
	w        *World
	id       PartyID
	created  int
	store    map[string][]byte
	keys     keyIndex  // the store's keys (Keys reads them by prefix)
	writes   int       // persistence operations so far (Put, Delete, Commit)
	changes  changeLog // which keys changed, by store version (ChangedSince)
	crashAt  int       // crash when writes reaches this; -1 for never
	hasClock bool
	skew     time.Duration
	boots    int

	// snap is the map of the last Snapshot and the store version it
	// copied: a Snapshot of an unchanged store shares it.
	snap        map[string][]byte
	snapVersion uint64
}

// crash is the panic value that unwinds a model at a crash point.
type crash struct{ dev PartyID }

// AddDevice creates a device. A device without a clock (a card) reads no
// time; Now reports ok=false for it. Adding an existing id panics: that is
// a bug in the model, not an input.
func (w *World) AddDevice(id PartyID, hasClock bool) *Device {
	if _, dup := w.devices[id]; dup {
		panic(fmt.Sprintf("world: device %q added twice", id))
	}
	d := &Device{w: w, id: id, created: len(w.devices), store: map[string][]byte{}, crashAt: -1, hasClock: hasClock}
	w.devices[id] = d
	w.trace.add(Event{Kind: KindDevice, From: id, Detail: map[bool]string{true: "added (clock)", false: "added (no clock)"}[hasClock]})
	return d
}

// ID returns the device id.
func (d *Device) ID() PartyID { return d.id }

// Boots returns how many times the device restarted after a crash.
func (d *Device) Boots() int { return d.boots }

// Now returns the device's clock reading (world time plus skew), or
// ok=false if the device has no clock.
func (d *Device) Now() (t time.Time, ok bool) {
	if !d.hasClock {
		return time.Time{}, false
	}
	return d.w.now.Add(d.skew), true
}

// SetSkew sets the device clock's offset from world time.
func (d *Device) SetSkew(s time.Duration) { d.setSkew(s, "") }

// Skew returns the device clock's offset from world time.
func (d *Device) Skew() time.Duration { return d.skew }

func (d *Device) setSkew(s time.Duration, why string) {
	d.skew = s
	detail := "clock offset " + skewString(int(s/time.Millisecond))
	if !d.hasClock {
		detail += "; no clock: nothing reads it"
	}
	if why != "" {
		detail += ", " + why
	}
	d.w.trace.add(Event{Kind: KindFault, From: d.id, Fault: string(FaultSkew), Detail: detail})
}

// Get returns a copy of the value stored under key.
func (d *Device) Get(key string) ([]byte, bool) {
	v, ok := d.store[key]
	return bytes.Clone(v), ok
}

// Shared returns the value stored under key without copying it: the
// caller must not write it. A stored value is never written in place
// (Commit stores a copy of what it is given and replaces it whole), so
// what Shared returned stays what was stored then, after the key is
// rewritten or deleted: a reader that keeps what it read (a watcher that
// compares a store with what it saw last) keeps no second copy of it.
func (d *Device) Shared(key string) ([]byte, bool) {
	v, ok := d.store[key]
	return v, ok
}

// Holds reports whether key is stored with exactly value, without copying
// what is stored: a reader that kept the bytes it last parsed asks this
// before it reads and parses again.
func (d *Device) Holds(key string, value []byte) bool {
	v, ok := d.store[key]
	return ok && bytes.Equal(v, value)
}

// Keys returns the stored keys with prefix, sorted. The device keeps its
// keys by head (keyIndex), each head's sorted when read after a change,
// so this costs the keys of the heads the prefix names, not the store's
// size: a model lists a prefix of a large store at every step, and a
// write of a new key moves no other.
func (d *Device) Keys(prefix string) []string {
	return d.keys.keys(prefix)
}

// setKeys rebuilds the sorted key index from the store.
func (d *Device) setKeys() { d.keys = keyIndexOf(d.store) }

// Put persists value under key. If a crash is armed for this write, the
// device loses power before the write takes effect.
func (d *Device) Put(key string, value []byte) {
	d.Commit(map[string][]byte{key: value}, nil)
}

// Delete removes key, with the same crash semantics as Put.
func (d *Device) Delete(key string) {
	d.Commit(nil, []string{key})
}

// Commit applies puts and deletes atomically: after a crash either all of
// them or none of them are in the store. Deletes apply after puts.
func (d *Device) Commit(puts map[string][]byte, deletes []string) {
	if d.crashAt >= 0 && d.writes >= d.crashAt {
		d.crashAt = -1
		d.w.trace.add(Event{Kind: KindCrash, From: d.id, Detail: fmt.Sprintf("power lost before write %d", d.writes)})
		panic(crash{d.id})
	}
	d.writes++
	var keys []string
	if len(puts) == 1 { // most writes: one key, no sort
		for k := range puts {
			keys = []string{k}
		}
	} else {
		keys = slices.Sorted(maps.Keys(puts))
	}
	for _, k := range keys {
		if _, ok := d.store[k]; !ok {
			d.keys.add(k)
		}
		d.store[k] = bytes.Clone(puts[k])
	}
	for _, k := range deletes {
		if _, ok := d.store[k]; ok {
			d.keys.remove(k)
		}
		delete(d.store, k)
	}
	d.changes.commit(keys, deletes)
	d.w.trace.add(Event{Kind: KindPersist, From: d.id, Detail: persistDetail(keys, deletes, puts)})
}

func persistDetail(keys, deletes []string, puts map[string][]byte) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(hash8(puts[k]))
	}
	for _, k := range deletes {
		b.WriteString(" -")
		b.WriteString(k)
	}
	return strings.TrimSpace(b.String())
}

// Writes returns the number of persistence operations so far.
func (d *Device) Writes() int { return d.writes }

// ArmCrash makes the device lose power at its n-th persistence operation
// from now (n = 0: the next one). Disarm with n < 0.
func (d *Device) ArmCrash(n int) {
	if n < 0 {
		d.crashAt = -1
		return
	}
	d.crashAt = d.writes + n
}

// CrashNow loses power immediately: it unwinds the caller like a crash at
// a write. Use it at step boundaries.
func (d *Device) CrashNow(why string) {
	d.w.trace.add(Event{Kind: KindCrash, From: d.id, Detail: why})
	panic(crash{d.id})
}

// Snapshot is a copy of a device's persistent store.
type Snapshot struct {
	dev   PartyID
	store map[string][]byte
	// src and version are the device and store version a Snapshot of a
	// device copied (nil for StoreSnapshot and ExternalSnapshot): Changed
	// between two snapshots of one device reads its change log.
	src     *Device
	version uint64
}

// Snapshot copies the persistent store (what a rollback or clone restores).
// It copies the map, not the values: a stored value is never written in
// place (Commit stores a copy of what it is given and replaces it whole,
// Get and Snapshot.Get hand out copies, Restore and Clone copy), so the
// snapshot and the store may share it. A caller snapshotting a large store
// at every step (the anonymity game, twice a trial) pays for the keys,
// and only when the store changed since the last snapshot: a snapshot is
// never written, so snapshots of one version of the store share one map.
func (d *Device) Snapshot() Snapshot {
	d.changes.on = true // Changed between this snapshot and a later one reads the log
	if d.snap == nil || d.snapVersion != d.changes.version {
		d.snap, d.snapVersion = maps.Clone(d.store), d.changes.version
		if d.snap == nil {
			d.snap = map[string][]byte{}
		}
	}
	d.w.trace.add(Event{Kind: KindSnapshot, From: d.id})
	return Snapshot{dev: d.id, store: d.snap, src: d, version: d.snapVersion}
}

// Restore rolls the persistent store back to s (a compromised SE or a
// software wallet restored from backup). The model must Recover afterwards.
func (d *Device) Restore(s Snapshot) {
	d.store = make(map[string][]byte, len(s.store))
	for k, v := range s.store {
		d.store[k] = bytes.Clone(v)
	}
	d.setKeys()
	d.changes.replaced()
	d.w.trace.add(Event{Kind: KindFault, From: d.id, Fault: string(FaultRollback), Detail: "restored snapshot of " + string(s.dev)})
}

// Clone creates a new device whose store is a copy of d's: the same keys,
// the same coins. The clone's model must Recover from it.
func (d *Device) Clone(id PartyID) *Device {
	c := d.w.AddDevice(id, d.hasClock)
	for k, v := range d.store {
		c.store[k] = bytes.Clone(v)
	}
	c.keys = d.keys.clone()
	c.changes.replaced()
	d.w.trace.add(Event{Kind: KindFault, From: d.id, To: id, Fault: string(FaultClone)})
	return c
}

// Guard runs f on behalf of device dev and reports whether dev crashed
// inside it. A crash of another device is not caught here: it propagates
// to that device's guard. After a crash the caller restarts the model.
func (w *World) Guard(dev PartyID, f func() error) (crashed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(crash)
			if !ok || c.dev != dev {
				panic(r)
			}
			crashed = true
			if d := w.devices[dev]; d != nil {
				d.boots++
			}
			w.trace.add(Event{Kind: KindRestart, From: dev})
		}
	}()
	return false, f()
}
