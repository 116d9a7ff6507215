package opcount

import "sync"

// Add counts o.
func (c *Counter) Add(o Ops) {
	for _, f := range []struct {
		a interface{ Add(int64) int64 }
		n int64
	}{{&c.sign, o.Sign}, {&c.verify, o.Verify}, {&c.seal, o.Seal}, {&c.open, o.Open}, {&c.keygen, o.KeyGen}, {&c.hashed, o.Hashed}} {
		if f.n != 0 {
			f.a.Add(f.n)
		}
	}
}

// saved are, per suite, the operations a kept result spared: a key, a
// certificate or a revocation list made once and reused (spec/suite's and
// spec/devcert's memos). They are not in the counts For keeps: the floor
// prices only what was computed; a profile reports them apart.
var saved struct {
	sync.Mutex
	bySuite map[string]*Counter
}

// SavedFor returns the counter of operations sharing spared under the
// suite named id, made on first use.
func SavedFor[ID ~string](id ID) *Counter {
	saved.Lock()
	defer saved.Unlock()
	if c, ok := saved.bySuite[string(id)]; ok {
		return c
	}
	if saved.bySuite == nil {
		saved.bySuite = map[string]*Counter{}
	}
	c := new(Counter)
	saved.bySuite[string(id)] = c
	return c
}

// SavedOf returns the operations sharing spared so far under the suite
// named id (read it before and after a run, like Of).
func SavedOf[ID ~string](id ID) Ops { return SavedFor(id).Load() }
