//go:build linux

package conformance

import (
	"syscall"
	"unsafe"
)

// region is an anonymous private mapping.
type region struct{ b []byte }

// unmap releases the mapping: once, by free or by the collector's
// cleanup (free stops the cleanup first).
func (r region) unmap() {
	if len(r.b) > 0 {
		_ = syscall.Munmap(r.b)
	}
}

// madvHugepage is MADV_HUGEPAGE: back the range with transparent huge
// pages where the kernel's policy is "madvise" (or "always").
const madvHugepage = 14

// mapSlots maps n zeroed slots and asks for huge pages (ignored where the
// kernel has none). ok is false if the mapping failed: the caller falls
// back to the heap.
func mapSlots(n int) (*mapping, []windowSlot, bool) {
	size := n * int(unsafe.Sizeof(windowSlot{}))
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil, false
	}
	_ = syscall.Madvise(b, madvHugepage)
	// windowSlot holds no pointers, so memory the garbage collector does
	// not manage may hold it.
	return &mapping{r: region{b}}, unsafe.Slice((*windowSlot)(unsafe.Pointer(&b[0])), n), true
}
