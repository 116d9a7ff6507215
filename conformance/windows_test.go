package conformance

import (
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWindowIndexIsMap: windowIndex answers every get exactly as the Go
// map it replaced (map[uint64]viewWindow) over a deterministic mix of
// windows (random, small integers, the zero window, colliding low bits),
// overwrites, owners added (own) and absent windows, across several
// growths: the adversary's knowledge is the same, only cheaper to hold.
func TestWindowIndexIsMap(t *testing.T) {
	testWindowIndexIsMap(t)
}

// TestWindowIndexBigTables: the same with every table from 1<<16 slots
// on allocated as a big one (outside the heap on Linux, windows_alloc.go),
// grown and released: the index answers as the map does, and a released
// index is empty.
func TestWindowIndexBigTables(t *testing.T) {
	defer func(n int) { bigTable = n }(bigTable)
	bigTable = 1 << 16
	x := testWindowIndexIsMap(t)
	if runtime.GOOS == "linux" && x.table.m == nil {
		t.Errorf("a table of %d slots is on the heap, want it mapped (bigTable %d)", len(x.slots), bigTable)
	}
	x.release()
	if x.len() != 0 || x.get(1).owners != 0 || len(x.slots) != 0 {
		t.Errorf("a released index holds %d windows", x.len())
	}
	x.own(7, 1, func() uint32 { return 3 }) // usable again after release
	if got := x.get(7); got.owners != 1 || got.origin != 3 {
		t.Errorf("after release, own then get = %+v", got)
	}
}

func testWindowIndexIsMap(t *testing.T) *windowIndex {
	rng := rand.New(rand.NewPCG(17, 4))
	var x windowIndex
	ref := map[uint64]viewWindow{}
	key := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return rng.Uint64()
		case 1:
			return uint64(rng.IntN(1000)) // small integers, zero among them
		case 2:
			return uint64(rng.IntN(1000)) << 48 // differ only in the high bits
		}
		return rng.Uint64() | 0xffff // equal low bits
	}
	for n := 0; n < 300_000; n++ {
		if n == 150_000 {
			x.reserve(2 * x.len()) // a reserved table answers as a grown one
		}
		w := key()
		switch rng.IntN(4) {
		case 1, 2:
			e := viewWindow{owners: uint8(1 + rng.IntN(3)), origin: rng.Uint32()}
			x.set(w, e)
			ref[w] = e
		case 3:
			// own: a new window gets the origin, a known one the owner.
			owner, origin := uint8(1<<rng.IntN(2)), rng.Uint32()
			called := false
			x.own(w, owner, func() uint32 { called = true; return origin })
			e, known := ref[w]
			if called == known {
				t.Fatalf("op %d: own(%#x) asked for an origin: %v, the window was known: %v", n, w, called, known)
			}
			if !known {
				e.origin = origin
			}
			e.owners |= owner
			ref[w] = e
		}
		if got, want := x.get(w), ref[w]; got != want {
			t.Fatalf("op %d: get(%#x) = %+v, want %+v", n, w, got, want)
		}
		if p := key(); x.get(p) != ref[p] {
			t.Fatalf("op %d: get(%#x) = %+v, want %+v", n, p, x.get(p), ref[p])
		}
	}
	if x.len() != len(ref) {
		t.Fatalf("index holds %d windows, the map %d", x.len(), len(ref))
	}
	for w, want := range ref {
		if got := x.get(w); got != want {
			t.Fatalf("after all ops: get(%#x) = %+v, want %+v", w, got, want)
		}
	}
	if len(x.slots) <= 1<<16 {
		t.Fatalf("the index never grew (%d slots): growth is untested", len(x.slots))
	}
	return &x
}

// TestWindowIndexReserve: after reserve(n) the index takes n windows
// without growing again, and reserving less than it holds changes nothing.
func TestWindowIndexReserve(t *testing.T) {
	var x windowIndex
	const n = 200_000
	x.reserve(n)
	size := len(x.slots)
	if 4*n > 3*size {
		t.Fatalf("reserve(%d) made %d slots: more than three-quarters full at %d windows", n, size, n)
	}
	for w := range uint64(n) {
		x.own(w*0x9e3779b97f4a7c15, 1, func() uint32 { return 0 })
	}
	if x.len() != n || len(x.slots) != size {
		t.Fatalf("after %d windows: %d held in %d slots, want %d in %d (reserved)", n, x.len(), len(x.slots), n, size)
	}
	x.reserve(n / 2)
	if len(x.slots) != size {
		t.Errorf("reserve(%d) of an index holding %d resized it: %d slots, want %d", n/2, n, len(x.slots), size)
	}
	for w := range uint64(n) {
		if x.get(w*0x9e3779b97f4a7c15).owners != 1 {
			t.Fatalf("window %d lost", w)
		}
	}
}

// TestWindowsForCapped: the stream's reservation follows the pace of its
// early pairs, and a pace that would ask for more than maxReserved windows
// asks for maxReserved.
func TestWindowsForCapped(t *testing.T) {
	// Pseudocoin's GM stream: 199,216 windows at pair 32, 352,257 at 64.
	want := (352_257 + (352_257-199_216)*(gameN-reserveAt)/(reserveAt-reserveFrom)) * 17 / 16
	if got := windowsFor(199_216, 352_257); got < want*99/100 || got > want*101/100 {
		t.Errorf("windowsFor at pseudocoin's pace = %d, want about %d", got, want)
	}
	if got := windowsFor(0, 1<<30); got != maxReserved {
		t.Errorf("windowsFor at a runaway pace = %d, want the cap %d", got, maxReserved)
	}
}

// BenchmarkWindowIndexGet looks up windows in an index of a game's size
// (some 5.6 million windows of random bytes: every payer upload of a
// passing game), half of them present, half absent, as the game's view of
// ciphertext mostly misses.
func BenchmarkWindowIndexGet(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var x windowIndex
	const n = 5_600_000
	keys := make([]uint64, 0, 1<<16)
	for i := 0; i < n; i++ {
		w := rng.Uint64()
		x.own(w, 1, func() uint32 { return 0 })
		if len(keys) < cap(keys) {
			keys = append(keys, w)
		}
	}
	b.ResetTimer()
	found := 0
	for i := 0; b.Loop(); i++ {
		w := keys[i&(len(keys)-1)]
		if i&1 == 1 {
			w = rng.Uint64()
		}
		if x.get(w).owners != 0 {
			found++
		}
	}
	if found == 0 {
		b.Fatal("nothing found")
	}
}

// TestOwnersOfCatchesUp: a view's window owners, looked up once and then
// brought up to date by the changes since (ownersOf), are those a fresh
// lookup finds: after owners are added to windows of the view, after new
// windows of it are learned, and after more changes than the index keeps
// (then looked up again).
func TestOwnersOfCatchesUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	g := &game{}
	item := func(n int) viewItem {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(4)) // few distinct windows: repeats and overlaps
		}
		return viewItem{"item", b}
	}
	v := &payView{items: []viewItem{item(300), item(7), item(64)}}
	fresh := func() [][]uint8 { return g.ownersOf(&payView{items: v.items}) }
	learn := func(owner uint8, n int) {
		for range n {
			it := v.items[rng.IntN(len(v.items))]
			if len(it.b) < windowSize {
				continue
			}
			k := rng.IntN(len(it.b) - windowSize + 1)
			g.windows.own(binary.LittleEndian.Uint64(it.b[k:]), owner, func() uint32 { return 0 })
			g.windows.own(rng.Uint64(), owner, func() uint32 { return 0 }) // a window not in the view
		}
	}
	learn(1, 50)
	for step, n := range []int{0, 40, 3, maxRecent} {
		learn(uint8(1+step%2), n)
		got := g.ownersOf(v)
		if d := cmp.Diff(fresh(), got); d != "" {
			t.Fatalf("step %d (%d changes): brought up to date != looked up afresh (-fresh +caught-up):\n%s", step, n, d)
		}
	}
	seen := false
	for _, o := range v.owners[0] {
		seen = seen || o == 3
	}
	if !seen {
		t.Error("no window of the view has both owners: the test did not exercise owners added to known windows")
	}
}

// BenchmarkWindowIndexViews looks up every window of views (items of 1000
// bytes, half of them bytes the index learned, half new) in an index of a
// game's size, one window at a time (get) and batched with look-ahead
// (ownersAll); and learns items of 1000 new bytes one window at a time
// (own) and batched (ownAll). Per op: one item of 993 windows.
func BenchmarkWindowIndexViews(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 7))
	item := func() []byte {
		it := make([]byte, 1000)
		for i := 0; i < len(it); i += 8 {
			binary.LittleEndian.PutUint64(it[i:], rng.Uint64())
		}
		return it
	}
	var x windowIndex
	var learned [][]byte
	for range 5_600 {
		it := item()
		learned = append(learned, it)
		x.ownAll(it, 1, func() uint32 { return 0 })
	}
	defer x.release()
	views := make([][]byte, 4096) // 4 million windows: their slots are not all in the cache
	for i := range views {
		views[i] = item()
		if i%2 == 0 {
			views[i] = learned[rng.IntN(len(learned))]
		}
	}
	o := make([]uint8, 1000-windowSize+1)
	b.Run("get", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			v := views[i%len(views)]
			for k := range o {
				o[k] = x.get(binary.LittleEndian.Uint64(v[k:])).owners
			}
		}
	})
	b.Run("ownersAll", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			x.ownersAll(views[i%len(views)], o)
		}
	})
	fresh := func(b *testing.B) [][]byte {
		b.StopTimer()
		defer b.StartTimer()
		its := make([][]byte, 4096)
		for i := range its {
			its[i] = item()
		}
		return its
	}
	b.Run("own", func(b *testing.B) {
		its := fresh(b)
		for i := 0; b.Loop(); i++ {
			it := its[i%len(its)]
			it[0]++ // new windows every round
			for k := 0; k+windowSize <= len(it); k++ {
				x.own(binary.LittleEndian.Uint64(it[k:]), 2, func() uint32 { return 1 })
			}
		}
	})
	b.Run("ownAll", func(b *testing.B) {
		its := fresh(b)
		for i := 0; b.Loop(); i++ {
			it := its[i%len(its)]
			it[0]++
			x.ownAll(it, 2, func() uint32 { return 1 })
		}
	})
}

// TestWindowIndexBatches: ownAll and ownersAll, which load the home slots
// of the windows ahead (lookAhead), give what own and get give window by
// window: the same owners and origins learned (origin asked once a new
// window, in order), the same owners looked up, over items of repeated
// and overlapping windows, through the table's growth.
func TestWindowIndexBatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	var one, batch windowIndex
	origins, known := 0, 0
	for n := range 400 {
		it := make([]byte, rng.IntN(600))
		for i := range it {
			it[i] = byte(rng.IntN(3 + n%200)) // repeats early, fresh windows later
		}
		owner := uint8(1 << rng.IntN(2))
		var wantOrigins, gotOrigins []uint32
		for k := 0; k+windowSize <= len(it); k++ {
			one.own(binary.LittleEndian.Uint64(it[k:]), owner, func() uint32 {
				wantOrigins = append(wantOrigins, uint32(origins+len(wantOrigins)))
				return wantOrigins[len(wantOrigins)-1]
			})
		}
		batch.ownAll(it, owner, func() uint32 {
			gotOrigins = append(gotOrigins, uint32(origins+len(gotOrigins)))
			return gotOrigins[len(gotOrigins)-1]
		})
		origins += len(wantOrigins)
		if d := cmp.Diff(wantOrigins, gotOrigins); d != "" {
			t.Fatalf("item %d: origins asked (-own +ownAll):\n%s", n, d)
		}
		probe := make([]byte, rng.IntN(600))
		for i := range probe {
			probe[i] = byte(rng.IntN(3 + n%200))
		}
		want := make([]uint8, max(0, len(probe)-windowSize+1))
		for k := range want {
			want[k] = one.get(binary.LittleEndian.Uint64(probe[k:])).owners
		}
		for _, o := range want {
			if o != 0 {
				known++
			}
		}
		got := make([]uint8, len(want))
		for k := range got {
			got[k] = 0xff // every one must be written
		}
		batch.ownersAll(probe, got)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("item %d: owners looked up (-get +ownersAll):\n%s", n, d)
		}
	}
	if known == 0 {
		t.Error("no probed window was in the index: lookups of known windows untested")
	}
	if one.len() != batch.len() || one.changes != batch.changes || len(batch.slots) <= 1<<16 {
		t.Fatalf("own: %d windows, %d changes; ownAll: %d windows, %d changes, %d slots (want growth)", one.len(), one.changes, batch.len(), batch.changes, len(batch.slots))
	}
	for _, s := range one.slots {
		if s.val.owners != 0 && batch.get(s.key) != s.val {
			t.Fatalf("window %#x: ownAll holds %+v, own %+v", s.key, batch.get(s.key), s.val)
		}
	}
}
