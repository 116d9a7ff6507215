// Package transfer holds the fuzz targets of the transfer layer
// (spec/transfer): FuzzRecord (transfer.Parse, then Record.Validate and
// Signed.Verify under the fixture keys) and FuzzHolding
// (transfer.ParseHolding, then Holding.Verify against a fixed lineage:
// root coin, agent, wallet A, wallet B).
//
// It links spec packages only. The targets keep the contract of package
// fuzz (see its documentation); their fixtures come from
// fuzz/internal/fixture. Run one with
//
//	go test -run XXX -fuzz '^FuzzRecord$' -fuzztime 60s ./fuzz/transfer/
package transfer
