package dsindex

import (
	"encoding/binary"
	"slices"
	"testing"
	"unsafe"

	"github.com/dualoffline/dualoffline/spec/detrand"
)

func key(i int) Key {
	var creator [32]byte
	var serial [16]byte
	binary.BigEndian.PutUint64(serial[:], uint64(i))
	return KeyOf(creator, serial)
}

func TestSlotSize(t *testing.T) {
	if got := unsafe.Sizeof(slot{}); got != slotSize {
		t.Fatalf("slot is %d bytes, Bytes assumes %d", got, slotSize)
	}
}

func TestKeyOfSeparatesCreators(t *testing.T) {
	var a, b [32]byte
	b[31] = 1
	var s [16]byte
	if KeyOf(a, s) == KeyOf(b, s) {
		t.Fatal("two creators of one serial give one key")
	}
	if KeyOf(a, s) != KeyOf(a, s) {
		t.Fatal("KeyOf is not a function")
	}
}

func TestCreateSpendLookup(t *testing.T) {
	x := New(4)
	if _, ok := x.Lookup(key(1)); ok {
		t.Fatal("empty index finds a key")
	}
	x.Create(key(1))
	x.Create(key(1))
	if e, ok := x.Lookup(key(1)); !ok || !e.Created || e.Spent {
		t.Fatalf("after Create: %+v %v", e, ok)
	}
	if _, c := x.Spend(key(1), 0); c {
		t.Fatal("first spend reported as a conflict")
	}
	if e, _ := x.Lookup(key(1)); !e.Created || !e.Spent || e.Spender != 0 {
		t.Fatalf("after Spend: %+v", e)
	}
	if first, c := x.Spend(key(1), 7); !c || first != 0 {
		t.Fatalf("second spend: first %d conflict %v", first, c)
	}
	// A spend of an instance never created is recorded as such: the
	// caller's lineage check finds it.
	x.Spend(key(2), 3)
	if e, _ := x.Lookup(key(2)); e.Created || !e.Spent || e.Spender != 3 {
		t.Fatalf("orphan spend: %+v", e)
	}
	if x.Len() != 2 {
		t.Fatalf("Len %d, want 2", x.Len())
	}
}

func TestSpendRejectsHugeRecord(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	New(1).Spend(key(1), MaxRecord+1)
}

// TestOrderIndependent inserts one workload in several seeded orders,
// through growth from a tiny table, and compares what the index knows.
func TestOrderIndependent(t *testing.T) {
	const n = 5000
	type op struct {
		k     Key
		rec   uint32
		spend bool
	}
	var ops []op
	for i := range n {
		ops = append(ops, op{k: key(i)})
		if i%3 == 0 {
			ops = append(ops, op{k: key(i), rec: uint32(i), spend: true})
		}
		if i%97 == 0 {
			ops = append(ops, op{k: key(i), rec: uint32(n + i), spend: true}) // a double spend
		}
	}
	var want []Key
	for i := 0; i < n; i += 97 {
		if i%3 == 0 {
			want = append(want, key(i))
		}
	}
	type state struct {
		conflicts []Key
		entries   map[Key]bool // key → spent
	}
	run := func(seed uint64) state {
		r := detrand.New(seed, "dsindex order")
		perm := slices.Clone(ops)
		r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		x := New(1)
		var st state
		for _, o := range perm {
			if !o.spend {
				x.Create(o.k)
			} else if _, c := x.Spend(o.k, o.rec); c {
				st.conflicts = append(st.conflicts, o.k)
			}
		}
		st.entries = map[Key]bool{}
		x.All(func(k Key, e Entry) bool {
			if !e.Created {
				t.Errorf("key %x: every key was created, the index says not", k)
			}
			st.entries[k] = e.Spent
			return true
		})
		if x.Len() != n || len(st.entries) != n {
			t.Fatalf("Len %d, All %d, want %d", x.Len(), len(st.entries), n)
		}
		if per := float64(x.Bytes()) / float64(x.Len()); per > 48 {
			t.Errorf("%.1f bytes per instance after growth, cap 48", per)
		}
		slices.SortFunc(st.conflicts, func(a, b Key) int { return slices.Compare(a[:], b[:]) })
		return st
	}
	first := run(1)
	slices.SortFunc(want, func(a, b Key) int { return slices.Compare(a[:], b[:]) })
	if !slices.Equal(first.conflicts, want) {
		t.Fatalf("conflicts: %d found, %d injected", len(first.conflicts), len(want))
	}
	for seed := uint64(2); seed <= 4; seed++ {
		st := run(seed)
		if !slices.Equal(st.conflicts, first.conflicts) {
			t.Fatalf("seed %d: conflicts differ", seed)
		}
		for k, spent := range first.entries {
			if st.entries[k] != spent {
				t.Fatalf("seed %d: key %x spent %v, was %v", seed, k, st.entries[k], spent)
			}
		}
	}
}

func TestBytesPerInstancePresized(t *testing.T) {
	const n = 100000
	x := New(n)
	for i := range n {
		x.Create(key(i))
	}
	if per := float64(x.Bytes()) / n; per > 26 {
		t.Fatalf("%.1f bytes per instance presized, want ≤ 26", per)
	}
}

// BenchmarkLookup looks up present keys in a table of a million.
//
//	go test -run XXX -bench . -count 10 ./internal/dsindex/
func BenchmarkLookup(b *testing.B) {
	const n = 1 << 20
	x := New(n)
	keys := make([]Key, n)
	for i := range keys {
		keys[i] = key(i)
		x.Create(keys[i])
	}
	r := detrand.New(1, "lookup order")
	r.Shuffle(n, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	i := 0
	for b.Loop() {
		if _, ok := x.Lookup(keys[i&(n-1)]); !ok {
			b.Fatal("missing key")
		}
		i++
	}
	b.ReportMetric(float64(x.Bytes())/n, "B/coin")
}

// BenchmarkSpend inserts a million spends into a presized table.
func BenchmarkSpend(b *testing.B) {
	const n = 1 << 20
	keys := make([]Key, n)
	for i := range keys {
		keys[i] = key(i)
	}
	x := New(n)
	i := 0
	for b.Loop() {
		if i&(n-1) == 0 {
			x = New(n)
		}
		x.Spend(keys[i&(n-1)], uint32(i&(n-1)))
		i++
	}
}
