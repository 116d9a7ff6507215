package spec

import (
	"sync"
	"sync/atomic"
)

// Makes reports whether the check id of spec/checks.json is made. Each
// check the documents state asks it where the code makes the check, so
// that the check can be removed from the real code, as an implementation
// that forgot it would lack it (the drop test of package vectors). It is
// false only for a check removed by Without.
func Makes(id string) bool {
	d := dropped.Load()
	return d == nil || !(*d)[id]
}

var (
	dropped  atomic.Pointer[map[string]bool]
	dropOnce sync.Mutex
)

// Without runs f with the checks ids removed from every check site of the
// process (Makes reports false for them), then restores them. Calls are
// serialized; code running concurrently with f that makes the checks
// lacks them too, so only a test that runs alone calls it.
func Without(ids []string, f func()) {
	dropOnce.Lock()
	defer dropOnce.Unlock()
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	dropped.Store(&m)
	defer dropped.Store(nil)
	f()
}

// Dropping reports whether some check is removed (inside Without): caches
// of checked results neither answer nor remember then, so that nothing
// accepted without a check is taken as checked later.
func Dropping() bool { return dropped.Load() != nil }
