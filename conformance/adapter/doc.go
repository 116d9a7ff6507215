// Package adapter drives a vendor implementation that runs as a separate
// process and speaks the dualoffline adapter protocol (PROTOCOL.md in this
// directory): line-delimited JSON over the process's stdin and stdout, a
// capability handshake first, one request at a time, each answered under
// its request id.
//
// Start launches the process and performs the handshake; Process.Call sends
// one request and waits for its answer under a per-call timeout; Kill and
// Restart are the crash fault (SIGKILL of the whole process group, then a
// fresh process on the same state directory). Everything the process does
// wrong — hanging, exiting, printing garbage or a huge line, answering
// with the wrong id or twice — comes back as a *ProtocolError with a Kind,
// never as a panic or a hang of the harness. The process's stderr is kept
// in a bounded ring buffer for the report.
//
// A VendorConfig (LoadConfig) disables cases with reasons and maps vendor
// error names to canonical codes; Devices dials a Link, a Process playing
// a wallet device of the interactive suites (§7). The static vectors run
// through vectors/remote, which adapts a Process to vectors.Verifier; this
// package knows neither the vectors nor the suites, so both sit above it.
package adapter
