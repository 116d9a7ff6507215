package conformance

// prefetch asks the processor to start loading p's cache line
// (PREFETCHT0) and returns without waiting for it: the window index's
// batch lookups (ownersAll, ownAll) prefetch the home slots of the windows
// lookAhead ahead, so that several cache misses overlap.
//
//go:noescape
func prefetch(p *windowSlot)
