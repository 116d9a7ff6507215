// Package fuzz holds the native Go fuzz targets of dualoffline: one per
// decoder of the published byte formats, so that every byte string a
// wallet, a bank or a vendor implementation might be handed has been thrown
// at the reference parsers.
//
// The targets (in spec_fuzz_test.go) are:
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
//   - FuzzRecord, FuzzHolding (in transfer_chip_fuzz_test.go):
//     transfer.Parse, then Record.Validate and Signed.Verify under the
//     fixture keys, and transfer.ParseHolding, then Holding.Verify against
//     a fixed lineage (root coin, agent, wallet A, wallet B).
//   - FuzzChipPayer, FuzzChipPayee (in transfer_chip_fuzz_test.go): raw
//     C-APDUs to a funded payer card and raw R-APDUs to a payee terminal,
//     through models/chip Instance.Inject; a refusal must also leave the
//     card's persistent state unchanged, and no input may be accepted.
//
// Targets for the byte formats of the models (for example the chip card's
// APDU framing) live beside these in their own files and keep the same
// contract.
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
//
// (one target per invocation; -fuzz must match exactly one). A plain
// go test ./fuzz/ runs every target over its seeds only, in seconds: the
// f.Add seeds built by the real encoders and the checked-in corpus under
// testdata/fuzz/<Target>/. When fuzzing finds a crasher, the go command
// writes it to testdata/fuzz/<Target>/; it is committed there as a
// regression input, so the bug stays fixed.
package fuzz
