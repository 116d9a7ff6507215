package conformance

import "runtime"

// bigTable is the size in slots from which a window table is allocated
// outside the Go heap (windows_linux.go: in transparent huge pages, where
// the kernel offers them): 1<<20 slots, 16 MiB. A game of N trials grows
// its index to tens of millions of windows, hundreds of MiB probed at
// random, and with 4 KiB pages nearly every probe also misses the TLB.
// Smaller tables stay on the heap.
var bigTable = 1 << 20

// slotTable is the storage of a windowIndex: its slots and, for a big
// table, the mapping that holds them (released by free, or by the
// garbage collector's cleanup when the index is dropped without it).
type slotTable struct {
	slots []windowSlot
	m     *mapping // nil: the slots are on the Go heap
}

// newSlotTable allocates n zeroed slots.
func newSlotTable(n int) slotTable {
	if n >= bigTable {
		if m, slots, ok := mapSlots(n); ok {
			m.cleanup = runtime.AddCleanup(m, func(r region) { r.unmap() }, m.r)
			return slotTable{slots: slots, m: m}
		}
	}
	return slotTable{slots: make([]windowSlot, n)}
}

// free releases a big table's mapping now; the slots must not be used
// after.
func (s *slotTable) free() {
	if s.m != nil {
		s.m.cleanup.Stop() // released here, not again by the collector
		s.m.r.unmap()
	}
	s.slots, s.m = nil, nil
}

// mapping owns one region of slots outside the Go heap; cleanup unmaps
// it if the index is dropped without free.
type mapping struct {
	r       region
	cleanup runtime.Cleanup
}
