package conformance

import "encoding/binary"

// windowIndex is the game's index of 8-byte windows of public material:
// a map from window to viewWindow, as an open-addressing table (linear
// probing, one 16-byte slot per window, key and value side by side). A
// game of N trials learns millions of windows and looks each window of
// every view up; a slot is one cache line where Go's map touches two, and
// the game's CPU is mostly those misses. A slot whose owners is zero is
// empty: every window learned has an owner.
type windowIndex struct {
	slots []windowSlot
	n     int       // slots in use
	table slotTable // where slots live (windows_alloc.go)
	// changes counts the windows whose owners changed (learned or given
	// an owner); recent holds the last of them, recent[0] being change
	// number recentFrom, so that a view looked up before can be brought
	// up to date by what changed since (ownersOf).
	changes    uint64
	recent     []uint64
	recentFrom uint64
}

// maxRecent bounds recent: a view whose lookups are older than that many
// changes is looked up again.
const maxRecent = 1 << 16

// changed records that w's owners changed.
func (x *windowIndex) changed(w uint64) {
	if len(x.recent) == maxRecent {
		n := copy(x.recent, x.recent[maxRecent/2:])
		x.recent = x.recent[:n]
		x.recentFrom += maxRecent / 2
	}
	x.recent = append(x.recent, w)
	x.changes++
}

// changedSince returns the windows changed since change number at, and
// ok = false if the index no longer knows them all.
func (x *windowIndex) changedSince(at uint64) (ws []uint64, ok bool) {
	if at < x.recentFrom || at > x.changes {
		return nil, false
	}
	return x.recent[at-x.recentFrom:], true
}

type windowSlot struct {
	key uint64
	val viewWindow
}

// windowMix spreads a window's bits over the table (the splitmix64
// finaliser): windows of text or small integers differ in few bits.
func windowMix(w uint64) uint64 {
	w ^= w >> 30
	w *= 0xbf58476d1ce4e5b9
	w ^= w >> 27
	w *= 0x94d049bb133111eb
	return w ^ w>>31
}

// get returns what the index holds of w; the zero viewWindow if nothing.
func (x *windowIndex) get(w uint64) viewWindow {
	if len(x.slots) == 0 {
		return viewWindow{}
	}
	mask := uint64(len(x.slots) - 1)
	for i := windowMix(w) & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.val.owners == 0 {
			return viewWindow{}
		}
		if s.key == w {
			return s.val
		}
	}
}

// set records e (owners non-zero) for w.
func (x *windowIndex) set(w uint64, e viewWindow) {
	if e.owners == 0 {
		panic("conformance: windowIndex.set of a window without owner")
	}
	s, _ := x.claim(w)
	if s.val != e {
		x.changed(w)
	}
	s.val = e
}

// own adds owner (a bit of viewWindow.owners) to w's owners, in one probe
// where get and set take two: a window new to the index is recorded with
// origin(), which is called only then.
func (x *windowIndex) own(w uint64, owner uint8, origin func() uint32) {
	if owner == 0 {
		panic("conformance: windowIndex.own without owner")
	}
	if s, fresh := x.claim(w); fresh {
		s.val = viewWindow{owners: owner, origin: origin()}
		x.changed(w)
	} else if s.val.owners|owner != s.val.owners {
		s.val.owners |= owner
		x.changed(w)
	}
}

// claim returns w's slot, taking an empty one for w (fresh; the caller
// then gives it owners) when w is not in the index, growing the table
// first when it is three-quarters full.
func (x *windowIndex) claim(w uint64) (s *windowSlot, fresh bool) {
	if 4*(x.n+1) > 3*len(x.slots) {
		x.grow()
	}
	mask := uint64(len(x.slots) - 1)
	for i := windowMix(w) & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.val.owners == 0 {
			s.key = w
			x.n++
			return s, true
		}
		if s.key == w {
			return s, false
		}
	}
}

// grow doubles the table (at least 1<<16 slots) and reinserts every
// window.
func (x *windowIndex) grow() { x.resize(max(1<<16, 2*len(x.slots))) }

// reserve makes room for n windows: the table grows once, to the size
// doubling would reach for n (three-quarters full at most), instead of
// doubling its way there, which moves every window about once more and
// maps tables it then drops. It never shrinks the table.
func (x *windowIndex) reserve(n int) {
	size := max(1<<16, len(x.slots))
	for 4*(n+1) > 3*size {
		size *= 2
	}
	if size > len(x.slots) {
		x.resize(size)
	}
}

// resize moves every window to a new table of size slots (a power of two
// that holds them).
func (x *windowIndex) resize(size int) {
	old, oldTable := x.slots, x.table
	x.table = newSlotTable(size)
	x.slots = x.table.slots
	x.n = 0
	for _, s := range old {
		if s.val.owners != 0 {
			n, _ := x.claim(s.key) // moved, not changed
			n.val = s.val
		}
	}
	oldTable.free()
}

// release frees the index's table; the index is empty after.
func (x *windowIndex) release() {
	x.table.free()
	x.slots, x.n = nil, 0
	x.changes++ // no view's lookups are current any more
	x.recent, x.recentFrom = x.recent[:0], x.changes
}

// len returns how many windows the index holds.
func (x *windowIndex) len() int { return x.n }

// lookAhead is how many windows ahead of the one being looked up the
// batch operations (ownersAll, ownAll) start loading a window's home slot.
// A big index is hundreds of MiB probed at random: nearly every probe is
// a cache miss, and a probe's branch (empty, found, or on) depends on the
// slot it loads, so probed one by one the misses are paid one after the
// other. Loading the home slots of the next windows early lets several
// misses overlap.
const lookAhead = 16

// touch starts loading w's home slot (see lookAhead).
func (x *windowIndex) touch(w uint64) {
	prefetch(&x.slots[windowMix(w)&uint64(len(x.slots)-1)])
}

// ownersAll sets o[k] to the owners of the window at b[k:] (as get), for
// every k < len(o); b holds at least len(o)+windowSize-1 bytes.
func (x *windowIndex) ownersAll(b []byte, o []uint8) {
	if len(x.slots) == 0 {
		clear(o)
		return
	}
	for k := range min(lookAhead, len(o)) {
		x.touch(binary.LittleEndian.Uint64(b[k:]))
	}
	for k := range o {
		if a := k + lookAhead; a < len(o) {
			x.touch(binary.LittleEndian.Uint64(b[a:]))
		}
		o[k] = x.get(binary.LittleEndian.Uint64(b[k:])).owners
	}
}

// ownAll gives owner every window of b (as own, window by window, in
// order: origin is called at most once a window new to the index).
func (x *windowIndex) ownAll(b []byte, owner uint8, origin func() uint32) {
	n := len(b) - windowSize + 1
	if n <= 0 {
		return
	}
	if len(x.slots) > 0 {
		for k := range min(lookAhead, n) {
			x.touch(binary.LittleEndian.Uint64(b[k:]))
		}
	}
	for k := range n {
		if a := k + lookAhead; a < n && len(x.slots) > 0 {
			x.touch(binary.LittleEndian.Uint64(b[a:]))
		}
		x.own(binary.LittleEndian.Uint64(b[k:]), owner, origin)
	}
}
