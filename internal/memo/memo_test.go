package memo

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runs numbers the caches the tests make: the counts of a name are the
// process's running totals (register), so a test that compares them with
// fixed numbers needs a name no earlier run (-count=2) counted under.
var runs atomic.Int64

func fresh(name string) string { return fmt.Sprintf("%s #%d", name, runs.Add(1)) }

// TestBound: a cache never holds more than its bound; the Put that finds
// it full empties it and counts a reset, and replacing a kept key does
// not.
func TestBound(t *testing.T) {
	name := fresh("test bound")
	c := New[int, int](name, 3)
	for i := range 3 {
		c.Put(i, i)
	}
	c.Put(2, 20) // a kept key: no reset
	if got := c.Stats(); got.Resets != 0 || got.Len != 3 {
		t.Fatalf("after 3 puts and a replacement: %+v, want 3 entries and no reset", got)
	}
	c.Put(3, 3)
	if _, ok := c.Get(0); ok {
		t.Error("the full cache kept its old entries")
	}
	if v, ok := c.Get(3); !ok || v != 3 {
		t.Errorf("Get(3) = %d, %v after Put(3, 3)", v, ok)
	}
	want := Stats{Name: name, Hits: 1, Misses: 1, Resets: 1, Len: 1}
	if d := cmp.Diff(want, c.Stats()); d != "" {
		t.Errorf("stats (-want +got):\n%s", d)
	}
}

// TestDo: Do computes once per key, keeps successes only, and counts.
func TestDo(t *testing.T) {
	c := New[string, int](fresh("test do"), 8)
	calls := 0
	f := func() (int, error) { calls++; return 7, nil }
	for i := range 3 {
		v, hit, err := c.Do("k", f)
		if err != nil || v != 7 || hit != (i > 0) {
			t.Fatalf("Do #%d = %d, hit %v, %v; want 7, a hit after the first", i, v, hit, err)
		}
	}
	if calls != 1 {
		t.Errorf("f called %d times for one key, want 1", calls)
	}
	bad := errors.New("bad")
	for range 2 {
		if _, _, err := c.Do("e", func() (int, error) { calls++; return 0, bad }); !errors.Is(err, bad) {
			t.Fatalf("Do returned %v, want the function's error", err)
		}
	}
	if calls != 3 {
		t.Errorf("a failure was kept: f called %d times, want 3", calls)
	}
	if s := c.Stats(); s.Hits != 2 || s.Misses != 3 {
		t.Errorf("stats %+v, want 2 hits and 3 misses", s)
	}
}

// TestAllSumsByName: caches of one name count together in All, and Sub
// gives the counts between two readings.
func TestAllSumsByName(t *testing.T) {
	find := func(name string) Stats {
		for _, s := range All() {
			if s.Name == name {
				return s
			}
		}
		return Stats{Name: name}
	}
	before := find("test shared")
	a, b := New[int, int]("test shared", 4), New[int, int]("test shared", 4)
	a.Put(1, 1)
	b.Get(1) // a miss: b is another cache
	a.Get(1)
	a.Clear()
	want := Stats{Name: "test shared", Hits: 1, Misses: 1, Resets: 1}
	if d := cmp.Diff(want, find("test shared").Sub(before)); d != "" {
		t.Errorf("counts of the name (-want +got):\n%s", d)
	}
}

// TestConcurrent: concurrent use under the race detector, and the counts
// add up.
func TestConcurrent(t *testing.T) {
	c := New[int, int](fresh("test concurrent"), 16)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1000 {
				_, _, _ = c.Do((g*1000+i)%40, func() (int, error) { return i, nil })
			}
		})
	}
	wg.Wait()
	if s := c.Stats(); s.Hits+s.Misses != 4000 || s.Len > 16 {
		t.Errorf("stats %+v: want 4000 lookups and at most 16 entries", s)
	}
}
