//go:build !amd64

package conformance

// prefetch does nothing where the harness has no prefetch instruction for
// it (windows_prefetch_amd64.s): the batch lookups then load as they go.
func prefetch(*windowSlot) {}
