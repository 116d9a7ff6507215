// Package fuzz holds the native Go fuzz targets of dualoffline's published
// byte formats, so that every byte string a wallet, a bank or a vendor
// implementation might be handed has been thrown at the reference parsers.
//
// The targets are split into packages by what they link. Go's fuzzing
// instruments every package linked into the test binary and scans the
// whole coverage map after every execution, so a decoder target fuzzed
// beside the chip model runs slower than the same target in a package that
// links only what it needs (up to four times slower for the APDU targets;
// BENCHMARKS.md has the figures). The packages are:
//
//   - fuzz (this package, spec_fuzz_test.go): the spec decoders, linking
//     spec/... only.
//   - fuzz/transfer: the transfer records and holdings (spec/transfer).
//   - fuzz/apdu: the ISO/IEC 7816-4 framing of the chip-card model
//     (spec/apdu, which imports only spec).
//   - fuzz/chip: whole-card targets through models/chip, which links the
//     world, the bank, the card and the vector kit chip builds its own
//     vectors with (vectors/vgen, spec packages only).
//
// The fixed world they share (the detrand seed, the per-suite keys, coins,
// HSMs, certificates and signatures, the seed mutations and the rejection
// checks) is fuzz/internal/fixture, which imports spec packages only.
//
// The targets of this package are:
//
//   - FuzzCoin: coin.Parse, the signed coin.
//   - FuzzSealedCoin, FuzzSealedCoinString: coin.ParseSealed and
//     coin.ParseSealedString, the HSM-sealed coin in DER and as base64url.
//   - FuzzSealedCoinOpen: HSM.Open with a fixed HSM, both on parsed sealed
//     inputs and on arbitrary plaintexts sealed under the HSM's key, so the
//     coin parser behind the AEAD is reached too.
//   - FuzzCertificateGM, FuzzCertificateINTL: devcert.Parse under each
//     suite, then Certificate.Verify against a fixed root at a fixed time.
//   - FuzzRevocationList: devcert.ParseRevocationList against a fixed root;
//     the first input byte picks the suite.
//   - FuzzPublicKey: Suite.ParsePublicKey; the first input byte picks the
//     suite.
//   - FuzzSignatureVerify: PublicKey.Verify of arbitrary messages and
//     signatures under fixed keys.
//   - FuzzSealOpen: PrivateKey.Open of arbitrary envelopes and context
//     strings under fixed keys.
//
// Those of the other packages are listed in their package documentation:
// FuzzRecord and FuzzHolding (fuzz/transfer), FuzzAPDUCommand,
// FuzzAPDUResponse and FuzzTLV (fuzz/apdu), FuzzChipPayer and
// FuzzChipPayee (fuzz/chip). A new target goes to the package whose links
// it needs, and no further: a target that needs a model goes beside the
// model's other targets, never into this package.
//
// Every target checks the same three properties:
//
//  1. No input makes the decoder panic.
//  2. A rejection is a *spec.Error whose code is a canonical one and is
//     never "internal": bad input is an expected outcome, not a fault.
//  3. An accepted input round-trips byte for byte: re-encoding what was
//     parsed gives the input back (Parse(b).Marshal() == b for coins and
//     sealed coins, ParseSealedString(s).String() == s, Certificate.Raw and
//     RevocationList.Raw equal to the input with nothing trailing,
//     ParsePublicKey(b).SPKI() == b). A format with two encodings of one
//     value would let a tampered message through every byte comparison.
//
// Keys, HSMs and roots are drawn once from spec/detrand under fixed labels,
// so a failure replays exactly.
//
// Run one target with, for example,
//
//	go test -run XXX -fuzz '^FuzzCoin$' -fuzztime 60s ./fuzz/
//	go test -run XXX -fuzz '^FuzzTLV$' -fuzztime 60s ./fuzz/apdu/
//
// (one target and one package per invocation; -fuzz must match exactly
// one target). A plain go test ./fuzz/... runs every target over its seeds
// only, in seconds: the f.Add seeds built by the real encoders and the
// checked-in corpus under <package>/testdata/fuzz/<Target>/. When fuzzing
// finds a crasher, the go command writes it to the target's
// testdata/fuzz/<Target>/; it is committed there as a regression input,
// so the bug stays fixed.
//
// The go command minimizes every input that widens coverage before it
// counts it, for up to -fuzzminimizetime (60 s by default), and reports
// 0 execs/s meanwhile: with -parallel 1 the only worker is minimizing, not
// fuzzing. On large inputs the minimizer, quadratic in the input length,
// uses the whole budget. For throughput figures, or short runs, pass
// -fuzzminimizetime 1s (or a count such as 1000x).
package fuzz
