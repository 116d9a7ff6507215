// Package models holds the executable reference models of the three
// published dual-offline schemes and the world they run in, and declares
// the one interface (Scheme, Instance) every model implements, so that the
// requirement suites are written once.
//
// Sub-packages: world (deterministic clock, devices, sessions, fault
// injector, traces), bank (two-tier issuance, accounts, registry,
// reconciliation, double-spend evidence, identity escrow), chip (PBOC 2016
// chip-card scheme), cert (ICBC 2018 certificate scheme and its
// as-published variant cert-literal), chain (ICBC 2019 blockchain scheme),
// pseudocoin (a scheme designed here for controllable anonymity),
// all (the list of schemes), kit (the wallet bookkeeping a scheme with a
// certificate-carrying secure element shares: device table, lifecycle,
// store, corruption, injection, audit, ledger, deposits, trace, replay)
// modeltest (the tests every scheme runs, given the scheme), device (a
// wallet as an external device: the wire, hosts, remote devices; with
// device/devicetest for the tests external wallets share, device/vcard a
// wallet card behind a smart-card reader, device/qr the payment QR code),
// forge (the forger and insider the R4 suites stage) and loopback (an
// external device in process).
//
// A new scheme is one package models/<name> (with a Package variable) and
// one line in all. Everything the rest of the harness needs from a scheme
// is a method of its Scheme value that the rest finds through all, never a
// switch on its name (a test in all fails on a scheme name outside
// models/): Info and New for the suites; VectorSource (vectors/vgen
// Provider, in the package's vectorgen*.go) for the vector files of its
// own kinds and their reference decisions; ServedDevice (device.Server)
// for the wallet examples/vendor serves, with its operations' wire types
// (device.Served.Ops). A scheme without a capability simply has none of
// those files or suites. The vectors' published JSON Schema takes a
// scheme's kinds from its vectorgen.schema.json (go generate ./vectors
// assembles it), and each of its files' header from its
// vectorgen_headers.json (vgen.Headers); the adapter's devices.schema.json takes a served
// wallet's operations from its Ops (go test ./conformance/adapter -run
// TestDeviceSchemaCurrent -update regenerates it).
//
// A documented violation's recorded failures (what a default check
// observed, as `dualoffline check --scheme S --only IDs --json F` writes
// each result's target, suite, property and observed message) live in
// the package's testdata/documented-failures.json, which conformance's
// tests find through the Scheme's package path.
//
// What still changes outside the package, and why (ci/extension-path
// checks that the tree without the last listed scheme's package, its
// lines here, its fuzz targets and its generated files builds and passes
// its tests, but for the tests that pin the documents below):
//   - the published vectors: go generate ./vectors writes the package's
//     kinds to vectors/<scheme>_<suite>_<kind>_test.json and their part
//     of vectors/schema; the checks its vectors pin are stated in
//     spec/formats-schemes.md and listed in spec/checks.json;
//   - a wallet a process serves: PROTOCOL.md §7.2 describes its
//     operations for vendors, in words, and its table of vector inputs
//     names the scheme's kinds; go test ./conformance/adapter -run
//     TestDeviceSchemaCurrent -update regenerates devices.schema.json;
//   - a documented violation: its text in spec/requirements.md;
//   - the README's counts of vectors and mutants;
//   - measured costs: dualoffline merge --costs may add the scheme's
//     outliers to conformance/shard_costs.json;
//   - fuzz targets for the batch fuzzing workflow: a package under fuzz/
//     and its line in ci/clusterfuzzlite/build.sh (targets in the scheme's
//     own fuzz_test.go run under go test but not in that workflow);
//   - a wallet that is a smart card implements models.CardWallet (card
//     serve and check --reader find it; models/device/vcard serves it), a
//     payment that is a QR code models.QRPayer (simulate --qr-out/--qr-in;
//     models/device/qr draws and reads it).
//
// A scheme whose wallet is a secure element holding certified coins embeds
// kit.Table in its Instance and kit.Core in its element instead of
// writing that bookkeeping again, and its tests call modeltest.
//
// Every Instance keeps the contract on Instance: refusals are typed
// spec errors that leave persistent state unchanged, all randomness comes
// from the world's seed, and Audit accounts for every fen issued.
package models
