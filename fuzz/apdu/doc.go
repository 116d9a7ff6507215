// Package apdu holds the fuzz targets of the ISO/IEC 7816-4 framing of the
// chip-card model (spec/apdu): FuzzAPDUCommand (ParseCommand and
// CommandValueSpans), FuzzAPDUResponse (ParseResponse, Response.Err and
// ResponseValueSpans) and FuzzTLV (Parse, ValueSpans, Validate, Expect).
//
// It links spec/apdu and spec only, not the chip model, so that
// every execution scans a small coverage map. The targets keep the
// contract of package fuzz (see its documentation): no panic, a typed
// rejection with a canonical code other than internal, and byte-for-byte
// round trips. Run one with
//
//	go test -run XXX -fuzz '^FuzzTLV$' -fuzztime 60s ./fuzz/apdu/
package apdu
