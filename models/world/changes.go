package world

import (
	"cmp"
	"slices"
)

// maxChanges bounds a device's change log: a reader that last looked more
// than this many key changes ago reads the store anew.
const maxChanges = 4096

// changeLog records which keys of a device's store changed, by version:
// every Commit and every Restore makes the store one version newer.
type changeLog struct {
	version uint64
	// from is the oldest version the log answers for: every change made
	// after version from is in entries.
	from    uint64
	entries []change
	// on is set once a reader asked for the version: a device nobody
	// reads by its changes (most models') logs none.
	on bool
}

type change struct {
	version uint64
	key     string
}

func (l *changeLog) commit(puts, deletes []string) {
	l.version++
	if !l.on {
		l.from = l.version
		return
	}
	for _, ks := range [][]string{puts, deletes} {
		for _, k := range ks {
			l.entries = append(l.entries, change{l.version, k})
		}
	}
	if len(l.entries) <= maxChanges {
		return
	}
	// Forget the older half, whole versions at a time.
	l.from = l.entries[len(l.entries)/2].version
	i, _ := slices.BinarySearchFunc(l.entries, l.from+1, func(c change, v uint64) int { return cmp.Compare(c.version, v) })
	l.entries = slices.Delete(l.entries, 0, i)
}

// replaced marks every key changed: the store was replaced whole.
func (l *changeLog) replaced() {
	l.version++
	l.from = l.version
	l.entries = l.entries[:0]
}

// Version is the store's version: every Commit (Put, Delete) and every
// Restore makes it newer. With ChangedSince, a reader that keeps what it
// derived from the store (a model's index of its holdings) brings it up
// to date by the keys that changed, not by reading the whole store. The
// device logs its changes from the first call of Version on.
func (d *Device) Version() uint64 {
	d.changes.on = true
	return d.changes.version
}

// ChangedSince returns the keys Commit put or deleted after version v,
// in the order they changed (a key changed twice is listed twice), and
// ok. It returns ok = false when it cannot tell: the store was replaced
// since v (a Restore; a clone's store is new to it), v is not a version of
// this store, or the device no longer keeps the changes back to v (it
// keeps the last few thousand). The reader then reads the store anew.
func (d *Device) ChangedSince(v uint64) (keys []string, ok bool) {
	return d.changes.between(v, d.changes.version)
}

// between returns the keys changed after version from and up to version
// to, in the order they changed, and whether the log holds every change
// between them (from no older than the log reaches, to no newer than the
// store, from no newer than to).
func (l *changeLog) between(from, to uint64) (keys []string, ok bool) {
	if from < l.from || from > to || to > l.version {
		return nil, false
	}
	i, _ := slices.BinarySearchFunc(l.entries, from+1, func(c change, v uint64) int { return cmp.Compare(c.version, v) })
	for _, c := range l.entries[i:] {
		if c.version > to {
			break
		}
		keys = append(keys, c.key)
	}
	return keys, true
}
